//! Canonical keys on which every spelling of one name agrees.
//!
//! [`name_key`] maps a name written in Ukrainian, Russian or Belarusian Cyrillic (with or without
//! Latin look-alike letters inside), or in Latin by any of the tables of [`crate::translit`] or
//! informally, to one lower-case key per word. It is finer than the search skeleton of
//! [`crate::normalise`] (vowels are kept, so "Anna" and "Inna" stay apart) and coarser than the
//! `latin` key (the usual transliteration variants agree):
//!
//! | spellings | key | why |
//! |---|---|---|
//! | `shch sch shh szcz ŝ` | `Q` | `щ` (UA 2010, ICAO, BGN/PCGN; informal; GOST 7.79 B; ISO 9) |
//! | `sh sz š` | `S` | `ш` |
//! | `zh ž` | `Z` | `ж` |
//! | `ch tch tsch č` | `C` | `ч` |
//! | `ts tz cz`, `c` before e/i/y | `c` | `ц` (GOST 7.79 B writes cz / c) |
//! | `kh gh h g` | `h` | `г` is h in Ukrainian, g in Russian; `х` is kh, or h informally |
//! | `c` otherwise, `ck q k` | `k` | "Victor" / "Viktor" |
//! | `x` | `ks` | "Alexei" / "Aleksei" |
//! | `w` | `v` | |
//! | `i y j` | `i` | `и і й ы` and the glides of `є ї ю я` |
//!
//! then: runs of `i` and doubled consonants collapse ("Mariia"/"Mariya"/"Marija"/"Maria",
//! "Savva"/"Sava"); after a consonant, `io` and `ie` read as `e` ("Fyodor"/"Fiodor"/"Fedor", as ICAO
//! writes `ё`; Ukrainian "Andriienko"/Russian "Andrienko"); an `i` before a vowel at the start of a
//! word is dropped ("Yuliia"/"Iuliia"/"Julia", "Yevhen"/"Evhen"); an `i` between a vowel and `e` is
//! dropped ("Andreyev"/"Andreev"); and a final `f` after `o`/`e` reads as `v` ("Ivanoff").
//!
//! Known limits: GOST 7.79 B `x` for `х` is read as "ks"; the 2007 Ukrainian passport `zh` for `зг`
//! reads as `ж`; German "sch" for `ш` reads as `щ`. Comparisons that fall back on similarity of keys
//! (Jaro–Winkler) still see such spellings as close.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::normalise::to_latin;

/// Longest key kept per word, in bytes.
const MAX_WORD_KEY: usize = 48;
/// Most words read from one field.
const MAX_FIELD_WORDS: usize = 8;

/// The canonical key of each word of `text` (at most 8 words).
#[must_use]
pub fn name_keys(text: &str) -> Vec<String> {
    let prepared = pre_map(text);
    to_latin(&prepared)
        .split(' ')
        .filter(|w| !w.is_empty())
        .take(MAX_FIELD_WORDS)
        .map(canonical)
        .filter(|k| !k.is_empty())
        .collect()
}

/// The canonical keys of `text` joined by single spaces.
#[must_use]
pub fn name_key(text: &str) -> String {
    name_keys(text).join(" ")
}

/// Latin letters with a háček or circumflex stand for one Cyrillic letter in scholarly and ISO 9
/// spellings; the generic diacritic stripping of `to_latin` would lose the difference between `š`
/// and `s`. Belarusian `ў` is read as `в`, which is how Latin sources write it (BGN/PCGN `w`).
/// Only precomposed letters are recognised (lists are NFC in practice); a decomposed `s` + caron
/// reads as `s`.
fn pre_map(text: &str) -> std::borrow::Cow<'_, str> {
    const SPECIAL: [char; 10] = ['š', 'Š', 'č', 'Č', 'ž', 'Ž', 'ŝ', 'Ŝ', 'ў', 'Ў'];
    if text.is_ascii() || !text.contains(SPECIAL) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len().min(4096));
    for c in text.chars().take(2048) {
        match c {
            'š' => out.push_str("sh"),
            'Š' => out.push_str("Sh"),
            'č' => out.push_str("ch"),
            'Č' => out.push_str("Ch"),
            'ž' => out.push_str("zh"),
            'Ž' => out.push_str("Zh"),
            'ŝ' => out.push_str("shch"),
            'Ŝ' => out.push_str("Shch"),
            'ў' => out.push('в'),
            'Ў' => out.push('В'),
            _ => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u')
}

fn is_consonant(b: u8) -> bool {
    !is_vowel(b) && !b.is_ascii_digit()
}

/// The canonical key of one `latin` word (lower-case ASCII letters and digits).
fn canonical(latin: &str) -> String {
    let b = latin.as_bytes();
    let mut sym: Vec<u8> = Vec::with_capacity(b.len() + 2);
    let mut i = 0;
    while i < b.len() {
        let rest = b.get(i..).unwrap_or_default();
        let starts = |p: &[u8]| rest.starts_with(p);
        let next = rest.get(1).copied();
        let (out, len): (&[u8], usize) = if starts(b"shch") || starts(b"szcz") {
            (b"Q", 4)
        } else if starts(b"sch") || starts(b"shh") {
            (b"Q", 3)
        } else if starts(b"sh") || starts(b"sz") {
            (b"S", 2)
        } else if starts(b"zh") {
            (b"Z", 2)
        } else if starts(b"tsch") {
            (b"C", 4)
        } else if starts(b"tch") {
            (b"C", 3)
        } else if starts(b"ch") {
            (b"C", 2)
        } else if starts(b"cz") || starts(b"ts") || starts(b"tz") {
            (b"c", 2)
        } else if starts(b"ck") {
            (b"k", 2)
        } else if starts(b"kh") || starts(b"gh") || starts(b"ph") || starts(b"th") {
            (
                match rest.first() {
                    Some(b'p') => b"f",
                    Some(b't') => b"t",
                    _ => b"h",
                },
                2,
            )
        } else {
            let &c = rest.first().unwrap_or(&b'_');
            match c {
                b'c' if matches!(next, Some(b'e' | b'i' | b'y')) => (b"c", 1),
                b'c' | b'q' => (b"k", 1),
                b'g' | b'h' => (b"h", 1),
                b'x' => (b"ks", 1),
                b'w' => (b"v", 1),
                b'y' | b'j' | b'i' => (b"i", 1),
                _ => (rest.get(..1).unwrap_or_default(), 1),
            }
        };
        sym.extend_from_slice(out);
        i += len;
    }
    // Collapse runs of `i` and of equal consonants.
    let mut r: Vec<u8> = Vec::with_capacity(sym.len());
    for &s in &sym {
        if r.last() == Some(&s) && (s == b'i' || is_consonant(s)) {
            continue;
        }
        r.push(s);
    }
    // A consonant, a glide and `o` is `ё` written "yo"/"io" (ICAO and the Ukrainian tables write e);
    // a consonant, a glide and `e` is Ukrainian `є` after a consonant (ie) where Russian writes `е`.
    let mut k = 1;
    while k + 1 < r.len() {
        if r.get(k) == Some(&b'i')
            && matches!(r.get(k + 1), Some(b'o' | b'e'))
            && r.get(k - 1).is_some_and(|&p| is_consonant(p))
        {
            r.remove(k);
            if let Some(o) = r.get_mut(k) {
                *o = b'e';
            }
        }
        k += 1;
    }
    // Drop an initial glide before a vowel.
    if r.len() > 2 && r.first() == Some(&b'i') && r.get(1).is_some_and(|&v| is_vowel(v) && v != b'i') {
        r.remove(0);
    }
    // Drop a glide between a vowel and `e`.
    let mut k = 1;
    while k + 1 < r.len() {
        if r.get(k) == Some(&b'i')
            && r.get(k + 1) == Some(&b'e')
            && r.get(k - 1).is_some_and(|&p| is_vowel(p) && p != b'i')
        {
            r.remove(k);
        } else {
            k += 1;
        }
    }
    // "-off", "-eff" (emigrant spellings of -ov, -ev).
    if r.len() > 3
        && matches!(r.get(r.len() - 2), Some(b'o' | b'e'))
        && let Some(last) = r.last_mut().filter(|l| **l == b'f')
    {
        *last = b'v';
    }
    r.truncate(MAX_WORD_KEY);
    r.into_iter().map(char::from).collect()
}

/// The key of a family name word with feminine endings made masculine, so that the forms of one
/// family compare equal: -ova/-ov, -eva/-ev, -ina/-in, -ska/-skaia/-skyi/-skii/-sky, -tska/-tskyi
/// (-ko, -uk, -enko are invariant already).
#[must_use]
pub fn family_word_key(word_key: &str) -> String {
    let k = word_key;
    for (suffix, replacement) in [
        ("skaia", "ski"),
        ("ckaia", "cki"),
        ("Zkaia", "Zki"),
        ("ska", "ski"),
        ("cka", "cki"),
        ("ova", "ov"),
        ("eva", "ev"),
        ("ina", "in"),
        ("aia", "ii"),
    ] {
        if k.len() > suffix.len() + 1
            && let Some(stem) = k.strip_suffix(suffix)
        {
            let mut out = String::with_capacity(stem.len() + replacement.len());
            out.push_str(stem);
            out.push_str(replacement);
            // "-ii" of a masculine adjective collapses like any glide run.
            if out.ends_with("iii") || out.ends_with("ii") {
                out.pop();
            }
            return out;
        }
    }
    k.to_owned()
}

/// The given name that a patronymic is formed from, as candidate canonical keys: "Oleksandrovych",
/// "Aleksandrovich", "Aleksandrovna", "Oleksandrivna" all give "oleksandr"-like stems; "Serhiiovych",
/// "Sergeevich" and "Serhiivna" give stems that match "Serhii"/"Sergei" with a final glide or vowel
/// restored. Returns an empty list when `key` is not a patronymic.
#[must_use]
pub fn patronymic_stems(key: &str) -> Vec<String> {
    // Canonical keys write ч as `C`: "ovich" → "oviC".
    for suffix in [
        "oviC", "eviC", "aviC", "iviC", "ovna", "evna", "avna", "ivna", "iCna", "iC",
    ] {
        if key.len() > suffix.len() + 1
            && let Some(stem) = key.strip_suffix(suffix)
        {
            let mut stems = vec![stem.to_owned()];
            for end in ["i", "o", "a"] {
                stems.push(format!("{stem}{end}"));
            }
            if let Some(short) = stem.strip_suffix('i') {
                stems.push(short.to_owned());
            }
            return stems;
        }
    }
    Vec::new()
}

/// The equivalence groups of given names (data/given-names.txt).
#[derive(Debug, Default)]
pub struct NameGroups {
    by_key: HashMap<String, Vec<u32>>,
    groups: Vec<GroupForms>,
}

/// The written forms of one group of given names, by language; `[male, female]`, either may be absent.
#[derive(Debug, Clone, Default)]
pub struct GroupForms {
    pub uk: [Option<String>; 2],
    pub ru: [Option<String>; 2],
    pub be: [Option<String>; 2],
    pub en: [Option<String>; 2],
    pub diminutives: Vec<String>,
}

const GIVEN_NAMES: &str = include_str!("../data/given-names.txt");

impl NameGroups {
    /// The groups shipped with the crate (parsed once).
    #[must_use]
    pub fn builtin() -> &'static NameGroups {
        static GROUPS: OnceLock<NameGroups> = OnceLock::new();
        GROUPS.get_or_init(|| NameGroups::parse(GIVEN_NAMES))
    }

    /// Parses the group file format; malformed lines are skipped (a test checks the shipped file has
    /// none).
    #[must_use]
    pub fn parse(text: &str) -> NameGroups {
        let mut groups = NameGroups::default();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some(forms) = parse_line(line) else {
                continue;
            };
            let id = u32::try_from(groups.groups.len()).unwrap_or(u32::MAX);
            let all = [&forms.uk, &forms.ru, &forms.be, &forms.en]
                .into_iter()
                .flatten()
                .flatten()
                .chain(forms.diminutives.iter());
            for name in all {
                let key = name_key(name);
                if key.is_empty() {
                    continue;
                }
                let ids = groups.by_key.entry(key).or_default();
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            groups.groups.push(forms);
        }
        groups
    }

    /// The groups whose names have this canonical key.
    #[must_use]
    pub fn groups_of_key(&self, key: &str) -> &[u32] {
        self.by_key.get(key).map_or(&[], Vec::as_slice)
    }

    /// The forms of a group.
    #[must_use]
    pub fn forms(&self, id: u32) -> Option<&GroupForms> {
        self.groups.get(id as usize)
    }

    /// Number of groups.
    #[must_use]
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    /// Whether there are no groups.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}

fn parse_line(line: &str) -> Option<GroupForms> {
    let mut parts = line.split('|').map(str::trim);
    let pair = |part: Option<&str>| -> Option<[Option<String>; 2]> {
        let mut words = part?.split_whitespace();
        let one = |w: Option<&str>| w.filter(|w| *w != "-").map(str::to_owned);
        let male = one(words.next());
        let female = one(words.next());
        if words.next().is_some() {
            return None;
        }
        Some([male, female])
    };
    let uk = pair(parts.next())?;
    let ru = pair(parts.next())?;
    let be = pair(parts.next())?;
    let en = pair(parts.next())?;
    let diminutives = parts
        .next()?
        .split_whitespace()
        .filter(|w| *w != "-")
        .map(str::to_owned)
        .collect();
    if parts.next().is_some() {
        return None;
    }
    Some(GroupForms {
        uk,
        ru,
        be,
        en,
        diminutives,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translit::System;

    fn same(a: &str, b: &str) {
        assert_eq!(name_key(a), name_key(b), "{a:?} and {b:?} should share a key");
    }

    #[test]
    fn transliterations_share_the_key() {
        same("Олександр", "Oleksandr");
        same("Александр", "Aleksandr");
        same("Щербак", "Shcherbak");
        same("Щербак", "Scherbak");
        same("Щербак", "Ŝerbak");
        same("Щербак", "Shherbak");
        same("Юлія", "Yuliia");
        same("Юлія", "Yulia");
        same("Юлія", "Julija");
        same("Юлия", "Iuliia");
        same("Юлия", "Yuliya");
        same("Марія", "Maria");
        same("Марія", "Mariya");
        same("Хоменко", "Homenko");
        same("Хоменко", "Khomenko");
        same("Цвєтков", "Tsvetkov");
        same("Цветков", "Czvetkov");
        same("Фёдор", "Fyodor");
        same("Фёдор", "Fedor");
        same("Фёдор", "Fiodor");
        same("Андреев", "Andreyev");
        same("Андрієнко", "Andrienko");
        same("Андрієнко", "Andriyenko");
        same("Євген", "Yevhen");
        same("Євген", "Evhen");
        same("Ivanoff", "Иванов");
        same("Дмитрий", "Dmitriy");
        same("Дмитрий", "Dmitry");
        same("Паўлюк", "Pawlyuk");
        same("Šульга", "Shulha");
        same("Ševčenko", "Шевченко");
    }

    #[test]
    fn latin_look_alikes_inside_cyrillic_are_ignored() {
        // Latin o, a, e, p, c, x, i inside Cyrillic words.
        same("Олександр", "Oлeксандр");
        same("Харченко", "Xaрчeнкo");
        same("Петро", "Пeтpo");
        same("Сірко", "Ciрко");
    }

    #[test]
    fn different_names_keep_different_keys() {
        assert_ne!(name_key("Анна"), name_key("Інна"));
        assert_ne!(name_key("Olena"), name_key("Alina"));
        assert_ne!(name_key("Shevchenko"), name_key("Savchenko"));
        assert_ne!(name_key("Марко"), name_key("Марка"));
    }

    #[test]
    fn every_table_gives_the_cyrillic_key() {
        let ukrainian = [
            "Олександр",
            "Щербак",
            "Юлія",
            "Андрієнко",
            "Ковальчук",
            "Мирошниченко",
            "Яковенко",
        ];
        let russian = [
            "Александр",
            "Щербаков",
            "Юлия",
            "Андреев",
            "Ковальчик",
            "Евгения",
            "Наталья",
        ];
        for system in System::ALL {
            let words: &[&str] = match system {
                System::Ua2010 | System::UaPassport2007 | System::BgnPcgnUa | System::Gost779BUa => &ukrainian,
                _ => &russian,
            };
            for word in words {
                let latin = system.transliterate(word);
                assert_eq!(name_key(&latin), name_key(word), "{} {word} → {latin}", system.name());
            }
        }
    }

    #[test]
    fn female_family_forms_compare_equal() {
        let fam = |s: &str| family_word_key(&name_key(s));
        assert_eq!(fam("Іванова"), fam("Ivanov"));
        assert_eq!(fam("Андреева"), fam("Andreyev"));
        assert_eq!(fam("Ільїна"), fam("Ilyin"));
        assert_eq!(fam("Ковальська"), fam("Kovalskyi"));
        assert_eq!(fam("Ковальская"), fam("Kovalsky"));
        assert_eq!(fam("Kovalskaya"), fam("Ковальський"));
        assert_eq!(fam("Білоцька"), fam("Bilotskyi"));
        assert_eq!(fam("Шевченко"), fam("Shevchenko"));
        assert_ne!(fam("Іванова"), fam("Іваненко"));
    }

    #[test]
    fn patronymics_give_the_fathers_name() {
        let stems = |s: &str| patronymic_stems(&name_key(s));
        assert!(stems("Oleksandrovych").contains(&name_key("Олександр")));
        assert!(stems("Олександрівна").contains(&name_key("Олександр")));
        assert!(stems("Aleksandrovich").contains(&name_key("Aleksandr")));
        assert!(stems("Сергіївна").contains(&name_key("Сергій")));
        assert!(stems("Сергеевич").contains(&name_key("Сергей")));
        assert!(stems("Миколайович").contains(&name_key("Микола")));
        assert!(stems("Николаевна").contains(&name_key("Николай")));
        assert!(stems("Петрович").contains(&name_key("Петро")));
        assert!(stems("Іван").is_empty());
    }

    #[test]
    fn the_shipped_groups_parse_and_link_forms() {
        let groups = NameGroups::builtin();
        let lines = GIVEN_NAMES
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'));
        assert_eq!(groups.len(), lines.count(), "every line of given-names.txt must parse");
        assert!(groups.len() >= 150);
        let group = |s: &str| groups.groups_of_key(&name_key(s)).to_vec();
        let olek = group("Oleksandr");
        assert_eq!(olek.len(), 1);
        for other in ["Aleksandr", "Alexander", "Sasha", "Oleksandra", "Аляксандр", "Шура"] {
            assert!(group(other).iter().any(|g| olek.contains(g)), "{other}");
        }
        assert!(group("Mykola").iter().any(|g| group("Nikolai").contains(g)));
        assert!(group("Hanna").iter().any(|g| group("Anna").contains(g)));
        assert!(!group("Petro").iter().any(|g| olek.contains(g)));
        assert!(group("Qwzx").is_empty());
    }
}
