//! Official Cyrillic → Latin transliteration tables, as data.
//!
//! Sources record the same person in whichever table their office used. Each [`System`] reproduces
//! one table so that the simulator can write names the way real lists do and so that tests can check
//! that [`crate::key::name_key`] gives every rendering of a name the same key. Matching never needs to
//! know which table a source used.
//!
//! Letters that a table does not list (Latin, digits, punctuation, letters of other alphabets) pass
//! through unchanged. Case follows the source letter: an upper-case letter gives a capitalised
//! rendering ("Щ" → "Shch"), or an all-capitals one inside an all-capitals word ("ЩУР" → "SHCHUR").

use serde::{Deserialize, Serialize};

/// A transliteration table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum System {
    /// Ukrainian national system: Cabinet of Ministers of Ukraine resolution No. 55 of 27 January 2010.
    Ua2010,
    /// Ukrainian passports before 2010: the table of the passport rules (Cabinet resolution No. 231 of
    /// 31 March 1995) as applied from 2007; `є ї й ю я` are ye yi y yu ya in every position and `зг` has
    /// no rule of its own.
    UaPassport2007,
    /// Russian passports from 2013: ICAO Doc 9303 (Machine Readable Travel Documents, part 3), adopted
    /// by the Federal Migration Service order No. 320 of 15 October 2012.
    RuIcao2013,
    /// Russian passports 2010–2013: Federal Migration Service order No. 26 of 3 February 2010 (the
    /// successor of the MVD-310 table).
    RuPassport2010,
    /// BGN/PCGN 1947 romanisation of Russian.
    BgnPcgnRu,
    /// BGN/PCGN 1965 romanisation of Ukrainian.
    BgnPcgnUa,
    /// BGN/PCGN 1979 romanisation of Belarusian.
    BgnPcgnBe,
    /// GOST 7.79-2000 (ISO 9:1995 adopted as interstate standard), system B, Russian letters.
    Gost779BRu,
    /// GOST 7.79-2000 system B, Ukrainian letters.
    Gost779BUa,
    /// Informal English spelling, as written by people and in press: Russian-style letters with the
    /// English `y` glide (Yuri, Natalya, Fyodor).
    English,
}

impl System {
    /// Every table, in a fixed order.
    pub const ALL: [System; 10] = [
        System::Ua2010,
        System::UaPassport2007,
        System::RuIcao2013,
        System::RuPassport2010,
        System::BgnPcgnRu,
        System::BgnPcgnUa,
        System::BgnPcgnBe,
        System::Gost779BRu,
        System::Gost779BUa,
        System::English,
    ];

    /// A short stable name ("ua-2010", "ru-icao-2013", ...).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            System::Ua2010 => "ua-2010",
            System::UaPassport2007 => "ua-passport-2007",
            System::RuIcao2013 => "ru-icao-2013",
            System::RuPassport2010 => "ru-passport-2010",
            System::BgnPcgnRu => "bgn-pcgn-ru",
            System::BgnPcgnUa => "bgn-pcgn-ua",
            System::BgnPcgnBe => "bgn-pcgn-be",
            System::Gost779BRu => "gost-7.79-b-ru",
            System::Gost779BUa => "gost-7.79-b-ua",
            System::English => "english",
        }
    }

    fn table(self) -> &'static Table {
        match self {
            System::Ua2010 => &UA_2010,
            System::UaPassport2007 => &UA_PASSPORT_2007,
            System::RuIcao2013 => &RU_ICAO_2013,
            System::RuPassport2010 => &RU_PASSPORT_2010,
            System::BgnPcgnRu => &BGN_PCGN_RU,
            System::BgnPcgnUa => &BGN_PCGN_UA,
            System::BgnPcgnBe => &BGN_PCGN_BE,
            System::Gost779BRu => &GOST_779_B_RU,
            System::Gost779BUa => &GOST_779_B_UA,
            System::English => &ENGLISH,
        }
    }

    /// Transliterates `text` with this table.
    #[must_use]
    pub fn transliterate(self, text: &str) -> String {
        let table = self.table();
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::with_capacity(text.len() + text.len() / 2);
        for (i, &c) in chars.iter().enumerate() {
            let lower = c.to_lowercase().next().unwrap_or(c);
            let prev = i
                .checked_sub(1)
                .and_then(|p| chars.get(p))
                .map(|p| p.to_lowercase().next().unwrap_or(*p));
            let next = chars.get(i + 1).map(|n| n.to_lowercase().next().unwrap_or(*n));
            let Some(latin) = table.lookup(lower, prev, next) else {
                out.push(c);
                continue;
            };
            if c == lower {
                out.push_str(latin);
            } else {
                let neighbour_upper = chars.get(i + 1).is_some_and(|n| n.is_uppercase())
                    || (chars.get(i + 1).is_none_or(|n| !n.is_alphabetic())
                        && i.checked_sub(1)
                            .and_then(|p| chars.get(p))
                            .is_some_and(|p| p.is_uppercase()));
                if neighbour_upper {
                    out.push_str(&latin.to_uppercase());
                } else {
                    let mut letters = latin.chars();
                    if let Some(first) = letters.next() {
                        out.extend(first.to_uppercase());
                        out.push_str(letters.as_str());
                    }
                }
            }
        }
        out
    }
}

/// Where a position-dependent rule applies.
#[derive(Debug, Clone, Copy)]
enum Context {
    /// Everywhere (overrides a shared letter list).
    Anywhere,
    /// At the start of a word.
    WordStart,
    /// At the start of a word, or after a vowel, `й`, `ь`, `ъ`, `ў` or an apostrophe.
    StartOrAfterVowel,
    /// After the given letter.
    After(char),
    /// Before one of the given letters.
    Before(&'static [char]),
}

struct Rule {
    letter: char,
    context: Context,
    latin: &'static str,
}

struct Table {
    letters: &'static [(char, &'static str)],
    rules: &'static [Rule],
}

impl Table {
    fn lookup(&self, c: char, prev: Option<char>, next: Option<char>) -> Option<&'static str> {
        for rule in self.rules {
            if rule.letter != c {
                continue;
            }
            let applies = match rule.context {
                Context::Anywhere => true,
                Context::WordStart => prev.is_none_or(|p| !p.is_alphabetic() && !is_apostrophe(p)),
                Context::StartOrAfterVowel => {
                    prev.is_none_or(|p| !p.is_alphabetic() || "аеёиоуыэюяєіїйьъў".contains(p))
                }
                Context::After(letter) => prev == Some(letter),
                Context::Before(letters) => next.is_some_and(|n| letters.contains(&n)),
            };
            if applies {
                return Some(rule.latin);
            }
        }
        self.letters
            .iter()
            .find(|(letter, _)| *letter == c)
            .map(|(_, latin)| *latin)
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ' | '`')
}

const fn rule(letter: char, context: Context, latin: &'static str) -> Rule {
    Rule { letter, context, latin }
}

/// Letters common to the Russian tables that agree on them.
macro_rules! russian_core {
    ($($extra:tt)*) => {
        &[
            ('а', "a"), ('б', "b"), ('в', "v"), ('г', "g"), ('д', "d"), ('ж', "zh"), ('з', "z"), ('и', "i"),
            ('к', "k"), ('л', "l"), ('м', "m"), ('н', "n"), ('о', "o"), ('п', "p"), ('р', "r"), ('с', "s"),
            ('т', "t"), ('у', "u"), ('ф', "f"), ('ч', "ch"), ('ш', "sh"), ('ы', "y"), ('э', "e"),
            // Ukrainian and Belarusian letters met in Russian-language lists.
            ('і', "i"), ('ї', "i"), ('є', "e"), ('ґ', "g"), ('ў', "u"), ('\'', ""), ('’', ""), ('ʼ', ""),
            $($extra)*
        ]
    };
}

static UA_2010: Table = Table {
    letters: &[
        ('а', "a"),
        ('б', "b"),
        ('в', "v"),
        ('г', "h"),
        ('ґ', "g"),
        ('д', "d"),
        ('е', "e"),
        ('є', "ie"),
        ('ж', "zh"),
        ('з', "z"),
        ('и', "y"),
        ('і', "i"),
        ('ї', "i"),
        ('й', "i"),
        ('к', "k"),
        ('л', "l"),
        ('м', "m"),
        ('н', "n"),
        ('о', "o"),
        ('п', "p"),
        ('р', "r"),
        ('с', "s"),
        ('т', "t"),
        ('у', "u"),
        ('ф', "f"),
        ('х', "kh"),
        ('ц', "ts"),
        ('ч', "ch"),
        ('ш', "sh"),
        ('щ', "shch"),
        ('ь', ""),
        ('ю', "iu"),
        ('я', "ia"),
        ('\'', ""),
        ('’', ""),
        ('ʼ', ""),
        // Russian letters are not in the resolution; these follow its spirit.
        ('ё', "io"),
        ('ы', "y"),
        ('э', "e"),
        ('ъ', ""),
        ('ў', "u"),
    ],
    rules: &[
        rule('є', Context::WordStart, "ye"),
        rule('ї', Context::WordStart, "yi"),
        rule('й', Context::WordStart, "y"),
        rule('ю', Context::WordStart, "yu"),
        rule('я', Context::WordStart, "ya"),
        rule('г', Context::After('з'), "gh"),
    ],
};

static UA_PASSPORT_2007: Table = Table {
    letters: &[
        ('а', "a"),
        ('б', "b"),
        ('в', "v"),
        ('г', "h"),
        ('ґ', "g"),
        ('д', "d"),
        ('е', "e"),
        ('є', "ye"),
        ('ж', "zh"),
        ('з', "z"),
        ('и', "y"),
        ('і', "i"),
        ('ї', "yi"),
        ('й', "y"),
        ('к', "k"),
        ('л', "l"),
        ('м', "m"),
        ('н', "n"),
        ('о', "o"),
        ('п', "p"),
        ('р', "r"),
        ('с', "s"),
        ('т', "t"),
        ('у', "u"),
        ('ф', "f"),
        ('х', "kh"),
        ('ц', "ts"),
        ('ч', "ch"),
        ('ш', "sh"),
        ('щ', "shch"),
        ('ь', ""),
        ('ю', "yu"),
        ('я', "ya"),
        ('\'', ""),
        ('’', ""),
        ('ʼ', ""),
        ('ё', "yo"),
        ('ы', "y"),
        ('э', "e"),
        ('ъ', ""),
        ('ў', "u"),
    ],
    rules: &[],
};

static RU_ICAO_2013: Table = Table {
    letters: russian_core!(
        ('е', "e"),
        ('ё', "e"),
        ('й', "i"),
        ('х', "kh"),
        ('ц', "ts"),
        ('щ', "shch"),
        ('ъ', "ie"),
        ('ь', ""),
        ('ю', "iu"),
        ('я', "ia")
    ),
    rules: &[],
};

static RU_PASSPORT_2010: Table = Table {
    letters: russian_core!(
        ('е', "e"),
        ('ё', "e"),
        ('й', "y"),
        ('х', "kh"),
        ('ц', "ts"),
        ('щ', "shch"),
        ('ъ', ""),
        ('ь', ""),
        ('ю', "yu"),
        ('я', "ya")
    ),
    rules: &[],
};

static BGN_PCGN_RU: Table = Table {
    letters: russian_core!(
        ('е', "e"),
        ('ё', "ë"),
        ('й', "y"),
        ('х', "kh"),
        ('ц', "ts"),
        ('щ', "shch"),
        ('ъ', "”"),
        ('ь', "’"),
        ('ю', "yu"),
        ('я', "ya")
    ),
    rules: &[
        rule('е', Context::StartOrAfterVowel, "ye"),
        rule('ё', Context::StartOrAfterVowel, "yë"),
    ],
};

static BGN_PCGN_UA: Table = Table {
    letters: &[
        ('а', "a"),
        ('б', "b"),
        ('в', "v"),
        ('г', "h"),
        ('ґ', "g"),
        ('д', "d"),
        ('е', "e"),
        ('є', "ye"),
        ('ж', "zh"),
        ('з', "z"),
        ('и', "y"),
        ('і', "i"),
        ('ї', "yi"),
        ('й', "y"),
        ('к', "k"),
        ('л', "l"),
        ('м', "m"),
        ('н', "n"),
        ('о', "o"),
        ('п', "p"),
        ('р', "r"),
        ('с', "s"),
        ('т', "t"),
        ('у', "u"),
        ('ф', "f"),
        ('х', "kh"),
        ('ц', "ts"),
        ('ч', "ch"),
        ('ш', "sh"),
        ('щ', "shch"),
        ('ь', "’"),
        ('ю', "yu"),
        ('я', "ya"),
        ('\'', "”"),
        ('’', "”"),
        ('ʼ', "”"),
        ('ё', "yo"),
        ('ы', "y"),
        ('э', "e"),
        ('ъ', "”"),
        ('ў', "w"),
    ],
    rules: &[],
};

static BGN_PCGN_BE: Table = Table {
    letters: &[
        ('а', "a"),
        ('б', "b"),
        ('в', "v"),
        ('г', "h"),
        ('ґ', "g"),
        ('д', "d"),
        ('е', "e"),
        ('ё', "io"),
        ('ж', "zh"),
        ('з', "z"),
        ('і', "i"),
        ('й', "y"),
        ('к', "k"),
        ('л', "l"),
        ('м', "m"),
        ('н', "n"),
        ('о', "o"),
        ('п', "p"),
        ('р', "r"),
        ('с', "s"),
        ('т', "t"),
        ('у', "u"),
        ('ў', "w"),
        ('ф', "f"),
        ('х', "kh"),
        ('ц', "ts"),
        ('ч', "ch"),
        ('ш', "sh"),
        ('ы', "y"),
        ('ь', "’"),
        ('э', "e"),
        ('ю', "yu"),
        ('я', "ya"),
        ('\'', "”"),
        ('’', "”"),
        ('ʼ', "”"),
        // Russian and Ukrainian letters in Belarusian-language lists.
        ('и', "i"),
        ('щ', "shch"),
        ('ъ', "”"),
        ('є', "ye"),
        ('ї', "yi"),
    ],
    rules: &[
        rule('е', Context::StartOrAfterVowel, "ye"),
        rule('ё', Context::StartOrAfterVowel, "yo"),
    ],
};

static GOST_779_B_RU: Table = Table {
    letters: russian_core!(
        ('е', "e"),
        ('ё', "yo"),
        ('й', "j"),
        ('х', "x"),
        ('ц', "c"),
        ('щ', "shh"),
        ('ъ', "``"),
        ('ь', "`"),
        ('ю', "yu"),
        ('я', "ya")
    ),
    rules: &[
        rule('ц', Context::Before(&['е', 'и', 'ы', 'й', 'і', 'є', 'ї', 'э']), "cz"),
        rule('ы', Context::Anywhere, "y`"),
        rule('э', Context::Anywhere, "e`"),
    ],
};

static GOST_779_B_UA: Table = Table {
    letters: &[
        ('а', "a"),
        ('б', "b"),
        ('в', "v"),
        ('г', "g`"),
        ('ґ', "g"),
        ('д', "d"),
        ('е', "e"),
        ('є', "ye"),
        ('ж', "zh"),
        ('з', "z"),
        ('и', "y`"),
        ('і', "i"),
        ('ї', "yi"),
        ('й', "j"),
        ('к', "k"),
        ('л', "l"),
        ('м', "m"),
        ('н', "n"),
        ('о', "o"),
        ('п', "p"),
        ('р', "r"),
        ('с', "s"),
        ('т', "t"),
        ('у', "u"),
        ('ф', "f"),
        ('х', "x"),
        ('ц', "c"),
        ('ч', "ch"),
        ('ш', "sh"),
        ('щ', "shh"),
        ('ь', "`"),
        ('ю', "yu"),
        ('я', "ya"),
        ('\'', "''"),
        ('’', "''"),
        ('ʼ', "''"),
        ('ё', "yo"),
        ('ы', "y`"),
        ('э', "e`"),
        ('ъ', "``"),
        ('ў', "u"),
    ],
    rules: &[rule('ц', Context::Before(&['е', 'и', 'й', 'і', 'є', 'ї']), "cz")],
};

static ENGLISH: Table = Table {
    letters: russian_core!(
        ('е', "e"),
        ('ё', "yo"),
        ('й', "y"),
        ('х', "kh"),
        ('ц', "ts"),
        ('щ', "shch"),
        ('ъ', ""),
        ('ь', ""),
        ('ю', "yu"),
        ('я', "ya")
    ),
    rules: &[rule('е', Context::WordStart, "ye")],
};

/// Informal variants of a Latin spelling, as found in lists typed by hand: `kh` written `h`, the glide
/// `y` written `j` or `i`, `shch` written `sch`, a doubled letter made single. `choice` picks one
/// variant deterministically (its bits select which substitutions apply).
#[must_use]
pub fn informal_variant(latin: &str, choice: u64) -> String {
    let mut s = latin.to_owned();
    let subs: [(&str, &str); 8] = [
        ("kh", "h"),
        ("Kh", "H"),
        ("shch", "sch"),
        ("Shch", "Sch"),
        ("ya", "ja"),
        ("yu", "ju"),
        ("Ya", "Ja"),
        ("Yu", "Ju"),
    ];
    for (bit, (from, to)) in subs.iter().enumerate() {
        if choice >> bit & 1 == 1 {
            s = s.replace(from, to);
        }
    }
    if choice >> 8 & 1 == 1 {
        s = s.replace("ia", "ya");
    }
    if choice >> 9 & 1 == 1 {
        s = s.replace("ii", "iy");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ukrainian_2010_is_position_dependent() {
        let t = |s| System::Ua2010.transliterate(s);
        assert_eq!(t("Олександр"), "Oleksandr");
        assert_eq!(t("Юлія"), "Yuliia");
        assert_eq!(t("Євген"), "Yevhen");
        assert_eq!(t("Андрієнко"), "Andriienko");
        assert_eq!(t("Їжакевич"), "Yizhakevych");
        assert_eq!(t("Йосип"), "Yosyp");
        assert_eq!(t("Згурський"), "Zghurskyi");
        assert_eq!(t("Щербак"), "Shcherbak");
        assert_eq!(t("Мар'яна"), "Mariana");
        assert_eq!(t("Яна Ільїна"), "Yana Ilina");
        assert_eq!(t("ЩУР"), "SHCHUR");
    }

    #[test]
    fn ukrainian_passport_2007_has_no_position_rules() {
        let t = |s| System::UaPassport2007.transliterate(s);
        assert_eq!(t("Юлія"), "Yuliya");
        assert_eq!(t("Єрофєєв"), "Yerofyeyev");
        assert_eq!(t("Згурський"), "Zhurskyy");
    }

    #[test]
    fn russian_icao_and_passport_2010() {
        let icao = |s| System::RuIcao2013.transliterate(s);
        let mvd = |s| System::RuPassport2010.transliterate(s);
        assert_eq!(icao("Александр"), "Aleksandr");
        assert_eq!(icao("Юлия"), "Iuliia");
        assert_eq!(icao("Цветков"), "Tsvetkov");
        assert_eq!(icao("Подъячев"), "Podieiachev");
        assert_eq!(icao("Щербаков"), "Shcherbakov");
        assert_eq!(icao("Фёдор"), "Fedor");
        assert_eq!(mvd("Юлия"), "Yuliya");
        assert_eq!(mvd("Андрей"), "Andrey");
        assert_eq!(mvd("Наталья"), "Natalya");
    }

    #[test]
    fn bgn_pcgn() {
        assert_eq!(System::BgnPcgnRu.transliterate("Евгений Андреев"), "Yevgeniy Andreyev");
        assert_eq!(System::BgnPcgnRu.transliterate("Фёдор"), "Fëdor");
        assert_eq!(System::BgnPcgnRu.transliterate("Игорь"), "Igor’");
        assert_eq!(System::BgnPcgnUa.transliterate("Юлія Ігорівна"), "Yuliya Ihorivna");
        assert_eq!(
            System::BgnPcgnBe.transliterate("Аляксандр Паўлюк"),
            "Alyaksandr Pawlyuk"
        );
        assert_eq!(System::BgnPcgnBe.transliterate("Ева"), "Yeva");
    }

    #[test]
    fn gost_7_79_b() {
        assert_eq!(System::Gost779BRu.transliterate("Цветков"), "Cvetkov");
        assert_eq!(System::Gost779BRu.transliterate("Цыбин"), "Czy`bin");
        assert_eq!(System::Gost779BRu.transliterate("Цуканов"), "Cukanov");
        assert_eq!(System::Gost779BRu.transliterate("Щукин Юрий"), "Shhukin Yurij");
        assert_eq!(System::Gost779BRu.transliterate("Харитон"), "Xariton");
        assert_eq!(System::Gost779BUa.transliterate("Григорій"), "G`ry`g`orij");
    }

    #[test]
    fn english_and_informal() {
        assert_eq!(System::English.transliterate("Наталья Фёдоровна"), "Natalya Fyodorovna");
        assert_eq!(informal_variant("Khomenko", 0b10), "Homenko");
        assert_eq!(informal_variant("Yulya Shchur", 0b1000_1000), "Julya Schur");
        assert_eq!(informal_variant("Shcherbak", 0), "Shcherbak");
    }

    #[test]
    fn other_text_passes_through() {
        for system in System::ALL {
            assert_eq!(system.transliterate("Maria 1987-05-01 ✓"), "Maria 1987-05-01 ✓");
            assert_eq!(system.transliterate(""), "");
        }
    }
}
