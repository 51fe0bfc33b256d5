//! Keys that let a name written in one script be found from another.
//!
//! Records name people and places in Ukrainian, Russian or Belarusian
//! Cyrillic, and in whatever Latin transliteration a source happened to use
//! ("Kharkiv", "Charkiw", "Harkiv"). Every word of a text gets two keys:
//!
//! * `latin`: a deterministic lower-case ASCII rendering. Equality on it is
//!   precise: it joins a Cyrillic spelling to its official Latin spelling and
//!   Latin spellings that differ only in diacritics or case.
//! * `skeleton`: a lossy phonetic key on which the usual transliteration
//!   variants of one name agree. It exists for recall: search must not miss
//!   "Charkiw" when the record says "Харків". The false positives it lets
//!   through are left to ranking (exact `latin` matches first) and to human
//!   review.
//!
//! # From text to words
//!
//! 1. Apostrophes (`'` `’` `ʼ` `ʹ` `ʺ` `` ` `` ...) and invisible format
//!    characters (soft hyphen, zero-width characters, bidi controls, byte
//!    order mark) are removed first. They occur inside names ("Мар'яна",
//!    "O'Brien", soft hyphens pasted from word processors) and must neither
//!    split a word nor change its keys.
//! 2. The text is normalised to NFKC, made stream-safe first so that a long
//!    run of combining marks cannot make the normaliser buffer without bound.
//!    NFKC folds compatibility forms (full-width letters, ligatures,
//!    superscript digits) and composes `й ї ё ў` from a base letter plus
//!    combining mark, so that they are not read as `и і е у` with a stray
//!    accent.
//! 3. A word is a maximal run of letters, digits and combining marks;
//!    anything else (spaces, punctuation, hyphens, emoji, control
//!    characters) separates words. "Ivanova-Petrenko" is two words.
//!
//! # The `latin` key
//!
//! Each word is first given one script by counting its Cyrillic and Latin
//! letters: the script with more *distinctive* letters (letters with no
//! look-alike in the other script) wins, then the script with more letters,
//! and a tie goes to Cyrillic. Letters of the other script that look like a
//! letter of the winning script (Latin `a` in "Хaрків", Latin `K` in "Kиїв",
//! Cyrillic `і` in "Kyіv") are replaced by that letter. Such mixtures come from
//! keyboard switching and OCR and are invisible to the person reading the
//! record, so they must not change the keys.
//!
//! Cyrillic is transliterated through one table, the Ukrainian national
//! system of 2010 (`г`→h, `х`→kh, `и`→y, `є ї й ю я` → ye yi y yu ya at the
//! start of a word and ie i i iu ia elsewhere, `зг`→zgh), extended with the
//! Russian letters `ё ы э ъ` (`ё`→e, so that "Фёдор" and "Федор" agree), the
//! Belarusian `ў`→u, and a few Serbian, Macedonian and Kazakh letters. Using
//! one table for all three languages keeps the key a pure function of the
//! spelling, which matters more here than following each language's own
//! standard. Latin letters lose their diacritics through canonical
//! decomposition; letters that do not decompose (`ł ø ß đ æ œ þ ı` ...) are
//! mapped explicitly. Stress marks and other combining marks are dropped.
//! Other scripts (Greek, Arabic, Hebrew, CJK, ...) are dropped: keys contain
//! only `[a-z0-9]`.
//!
//! # The `skeleton` key
//!
//! Computed from `latin`, left to right, longest spelling first:
//!
//! | spellings | class | why |
//! |---|---|---|
//! | `shch szcz sch sh sz zh z s` | `s` | `ш щ ж з с` lose their háček in ASCII ("Ševčenko" → "sevcenko") and German writes `ж` as "sch" |
//! | `tsch tch ch cz ts tz c` | `c` | `ч` and `ц` are both "c" once "č" loses its háček; "Cvetkov" is "Tsvetkov" |
//! | `kh h g` | `h` | `г` is h in Ukrainian and g in Russian; `х` is kh or h |
//! | `ck q` / `k` | `k` | |
//! | `ph` / `th` | `f` / `t` | |
//! | `w` | `v` | German and Polish "Kowalenko", "Charkiw" |
//! | `x` | `ks` | "Alexander" is "Aleksandr" |
//! | `a e i o u y` | dropped | vowels are where transliterations disagree most ("Yevhen"/"Evgeniy", "Yulia"/"Iuliia") |
//! | `j` | dropped (a glide, `й`) | "Julia", "Grigorij", "Kyjiw"; but `s` at the start of a word before a consonant (French "Jdanov") |
//!
//! At the very start of a word the `c` class is written as `h`: an initial
//! "ch" is `х` in German, Polish and Czech spellings ("Charkiw", "Cherson")
//! and `ч` in English ones, and an initial "c" is `ц` or `ч`, so the skeleton
//! does not guess. A run of the same consonant class collapses to one letter
//! ("Odessa" = "Odesa"); vowels interrupt a run. Digits are kept unchanged and
//! never collapse ("2001" stays "2001"). A word without consonants or digits
//! ("Я", "Ю", "і") keeps its vowels instead, with `y` and `j` written as `i`,
//! so that its skeleton is never empty.
//!
//! # Caps
//!
//! Input is untrusted and may be huge. Each key is at most 64 bytes (longer
//! words are truncated; only the first 256 characters of a word are read);
//! [`word_keys`] returns at most 1024 words; [`index_text`] and [`to_latin`]
//! return at most 8 KiB, holding whole words only and stopping at the first
//! word that does not fit. Work is linear in the input read.
//!
//! # Known limitations
//!
//! * Words that differ only in vowels share a skeleton: "Anna"/"Inna",
//!   "Marko"/"Mark", "Olena"/"Alina". The `latin` key still tells them apart.
//! * `г/ґ/х/ч/ц` at the start of a word share a class, so "Чорний" and
//!   "Горний" share a skeleton.
//! * German "z" for `ц` ("Zwetkow") and French "j" for `ж` before a vowel
//!   ("Jitomir") do not match: both letters mean something else in far more
//!   spellings (`з`; `й` as in "Jurij").
//! * A "ch" inside a word is read as `ч`, so German "Michailo" does not match
//!   "Mykhailo".
//! * Different given-name forms ("Mykola"/"Nikolai") are different names
//!   here; equivalences between them belong to a separate list.
//! * Digits of scripts other than ASCII (Arabic-Indic, Devanagari, ...) are
//!   dropped; full-width and superscript digits are folded by NFKC.

use std::ops::ControlFlow;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// Longest key, in bytes: long enough for any real name, short enough that
/// hostile input cannot inflate the index.
const MAX_KEY_LEN: usize = 64;

/// Characters of one word read before the rest is skipped. Four per output
/// byte leaves room for stress marks and letters that transliterate to
/// nothing (`ь`), while keeping the per-word buffer bounded.
const MAX_WORD_CHARS: usize = 4 * MAX_KEY_LEN;

/// Longest output of [`index_text`] and [`to_latin`], in bytes.
const MAX_TEXT_LEN: usize = 8 * 1024;

/// Most words returned by [`word_keys`].
const MAX_WORDS: usize = 1024;

/// The keys of one word, as indexed and as queried.
///
/// Both sides of a search go through the same function, so a query matches a
/// record exactly when their keys are equal; no other comparison is needed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordKeys {
    /// Lower-case ASCII transliteration (Cyrillic through one canonical
    /// table; Latin with diacritics stripped).
    ///
    /// Precise: equal only for spellings that are the same name in the same
    /// form, so matches on it can be ranked first.
    pub latin: String,
    /// A phonetic skeleton on which common transliteration variants of one
    /// name agree.
    ///
    /// Recall-oriented: it merges spellings that the `latin` key keeps apart
    /// ("Charkiw", "Harkiv", "Харків"), at the price of some false positives.
    pub skeleton: String,
}

/// Splits text into words (Unicode letters and digits; apostrophes inside
/// words such as Ukrainian ʼ ' ’ are dropped, not split) and returns the keys
/// of each word, in order. Words that give empty keys are omitted.
///
/// Linkage compares names word by word, so that word order ("Petrenko
/// Ivan" / "Ivan Petrenko") and missing patronymics can be scored by the
/// caller. At most 1024 words are returned.
#[must_use]
pub fn word_keys(text: &str) -> Vec<WordKeys> {
    let mut words = Vec::new();
    let mut skeleton = String::with_capacity(MAX_KEY_LEN);
    for_each_latin(text, |latin| {
        skeleton_into(latin, &mut skeleton);
        words.push(WordKeys {
            latin: latin.to_owned(),
            skeleton: skeleton.clone(),
        });
        if words.len() < MAX_WORDS {
            ControlFlow::Continue(())
        } else {
            ControlFlow::Break(())
        }
    });
    words
}

/// All index tokens of a text: for each word its `latin` key and its
/// `skeleton` key (skeleton prefixed with `_` so the two never collide),
/// space-separated, ready to hand to a full-text index (`SQLite` FTS5 with the
/// `unicode61` tokenizer must keep each token whole, so tokens contain only
/// `[a-z0-9_]`).
///
/// The prefix keeps a query for the exact spelling from matching a record
/// that only shares its skeleton, and the other way round. The result is at
/// most 8 KiB of whole words; words past that are not indexed.
#[must_use]
pub fn index_text(text: &str) -> String {
    let mut out = String::new();
    let mut skeleton = String::with_capacity(MAX_KEY_LEN);
    for_each_latin(text, |latin| {
        skeleton_into(latin, &mut skeleton);
        let separator = usize::from(!out.is_empty());
        let needed = separator + latin.len() + 2 + skeleton.len();
        if out.len() + needed > MAX_TEXT_LEN {
            return ControlFlow::Break(());
        }
        if separator == 1 {
            out.push(' ');
        }
        out.push_str(latin);
        out.push_str(" _");
        out.push_str(&skeleton);
        ControlFlow::Continue(())
    });
    out
}

/// Transliterates one string to lower-case ASCII (all scripts handled;
/// anything unknown dropped).
///
/// The result is the `latin` key of each word joined by single spaces, so it
/// is exactly what [`word_keys`] sees: feeding it back gives the same keys.
/// At most 8 KiB of whole words.
#[must_use]
pub fn to_latin(text: &str) -> String {
    let mut out = String::new();
    for_each_latin(text, |latin| {
        let separator = usize::from(!out.is_empty());
        if out.len() + separator + latin.len() > MAX_TEXT_LEN {
            return ControlFlow::Break(());
        }
        if separator == 1 {
            out.push(' ');
        }
        out.push_str(latin);
        ControlFlow::Continue(())
    });
    out
}

// ---------------------------------------------------------------------------
// Words
// ---------------------------------------------------------------------------

/// Calls `sink` with the non-empty `latin` key of each word of `text`, in
/// order, until `sink` breaks or the text ends.
///
/// One word buffer and one key buffer are reused for the whole text, so the
/// only allocations per word are the ones the caller makes.
fn for_each_latin(text: &str, mut sink: impl FnMut(&str) -> ControlFlow<()>) {
    let mut word: Vec<char> = Vec::with_capacity(MAX_WORD_CHARS);
    let mut latin = String::with_capacity(MAX_KEY_LEN);
    // A trailing separator flushes the last word through the same path.
    for c in normalised_chars(text).chain(std::iter::once(' ')) {
        if is_word_char(c) {
            if word.len() < MAX_WORD_CHARS {
                word.push(c);
            }
        } else if !word.is_empty() {
            if emit_word(&word, &mut latin, &mut sink).is_break() {
                return;
            }
            word.clear();
        }
    }
}

/// Transliterates one word and hands it to `sink` unless it came out empty
/// (a word of Arabic letters, or of stress marks only, has no key).
fn emit_word(word: &[char], latin: &mut String, sink: &mut impl FnMut(&str) -> ControlFlow<()>) -> ControlFlow<()> {
    transliterate_word(word, latin);
    if latin.is_empty() {
        ControlFlow::Continue(())
    } else {
        sink(latin)
    }
}

/// The characters of `text` after removing ignorable characters and applying
/// NFKC.
///
/// Ignorable characters are removed before normalisation (NFKC would turn
/// `´` into a space plus an accent, splitting the word) and again after it
/// (NFKC turns `″` into two primes, and the stream-safe step inserts U+034F).
fn normalised_chars(text: &str) -> impl Iterator<Item = char> + '_ {
    text.chars()
        .filter(|&c| !is_ignorable(c))
        .stream_safe()
        .nfkc()
        .filter(|&c| !is_ignorable(c))
}

/// Whether `c` is part of a word. Combining marks count so that a stress
/// accent does not split "Ива́н" in two.
fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || (!c.is_ascii() && (c.is_alphanumeric() || is_combining_mark(c)))
}

/// Characters dropped wherever they occur: apostrophes, which are part of
/// Ukrainian spelling and of names like "O'Brien", and invisible format
/// characters, which a reader cannot see and so must not change a name.
const fn is_ignorable(c: char) -> bool {
    matches!(
        c,
        // Apostrophes, primes and quotes used as apostrophes; U+02B9 and
        // U+02BA stand for `ь` and `ъ` in scholarly transliteration.
        '\''
            | '`'
            | '\u{00B4}'
            | '\u{02B9}'..='\u{02BC}'
            | '\u{2018}'
            | '\u{2019}'
            | '\u{201B}'
            | '\u{2032}'
            | '\u{FF07}'
            // Soft hyphen, combining grapheme joiner, Arabic letter mark,
            // Mongolian vowel separator.
            | '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{180E}'
            // Zero-width space, non-joiner, joiner, LRM, RLM.
            | '\u{200B}'..='\u{200F}'
            // Bidi embeddings and overrides.
            | '\u{202A}'..='\u{202E}'
            // Word joiner, invisible operators, bidi isolates, deprecated
            // format characters.
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            // Byte order mark / zero-width no-break space.
            | '\u{FEFF}'
    )
}

// ---------------------------------------------------------------------------
// Scripts and look-alikes
// ---------------------------------------------------------------------------

/// The script a word is read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    Latin,
    Cyrillic,
}

/// Picks the script of a word: distinctive letters decide, because a
/// look-alike substitution only ever introduces look-alike letters; then
/// plain letter counts; then Cyrillic, the script of most records.
fn majority_script(word: &[char]) -> Script {
    let (mut latin, mut latin_distinct) = (0_usize, 0_usize);
    let (mut cyrillic, mut cyrillic_distinct) = (0_usize, 0_usize);
    for &c in word {
        if is_cyrillic_letter(c) {
            cyrillic += 1;
            cyrillic_distinct += usize::from(latin_twin(c).is_none());
        } else if is_latin_letter(c) {
            latin += 1;
            latin_distinct += usize::from(cyrillic_twin(c).is_none());
        }
    }
    let order = latin_distinct.cmp(&cyrillic_distinct).then(latin.cmp(&cyrillic));
    if order.is_gt() { Script::Latin } else { Script::Cyrillic }
}

fn is_cyrillic_letter(c: char) -> bool {
    matches!(
        c,
        '\u{0400}'..='\u{052F}'
            | '\u{1C80}'..='\u{1C8F}'
            | '\u{2DE0}'..='\u{2DFF}'
            | '\u{A640}'..='\u{A69F}'
    ) && c.is_alphabetic()
}

fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic()
        || (matches!(
            c,
            '\u{00C0}'..='\u{02AF}'
                | '\u{1E00}'..='\u{1EFF}'
                | '\u{2C60}'..='\u{2C7F}'
                | '\u{A720}'..='\u{A7FF}'
                | '\u{AB30}'..='\u{AB6F}'
        ) && c.is_alphabetic())
}

/// The Cyrillic letter that a Latin letter is mistaken for.
///
/// Only pairs that look alike in the given case: a lower-case `b` or `h` is
/// not a look-alike of `в` or `н`, and reading it as Latin (b, h) is the
/// better guess. Must stay the inverse of [`latin_twin`].
const fn cyrillic_twin(c: char) -> Option<char> {
    Some(match c {
        'A' => 'А',
        'B' => 'В',
        'C' => 'С',
        'E' => 'Е',
        'H' => 'Н',
        'I' => 'І',
        'K' => 'К',
        'M' => 'М',
        'O' => 'О',
        'P' => 'Р',
        'T' => 'Т',
        'X' => 'Х',
        'Y' => 'У',
        'Ï' => 'Ї',
        'Ë' => 'Ё',
        'a' => 'а',
        'c' => 'с',
        'e' => 'е',
        'i' => 'і',
        'k' => 'к',
        'm' => 'м',
        'o' => 'о',
        'p' => 'р',
        't' => 'т',
        'x' => 'х',
        'y' => 'у',
        'ï' => 'ї',
        'ë' => 'ё',
        _ => return None,
    })
}

/// The Latin letter that a Cyrillic letter is mistaken for; the inverse of
/// [`cyrillic_twin`].
const fn latin_twin(c: char) -> Option<char> {
    Some(match c {
        'А' => 'A',
        'В' => 'B',
        'С' => 'C',
        'Е' => 'E',
        'Н' => 'H',
        'І' => 'I',
        'К' => 'K',
        'М' => 'M',
        'О' => 'O',
        'Р' => 'P',
        'Т' => 'T',
        'Х' => 'X',
        'У' => 'Y',
        'Ї' => 'Ï',
        'Ё' => 'Ë',
        'а' => 'a',
        'с' => 'c',
        'е' => 'e',
        'і' => 'i',
        'к' => 'k',
        'м' => 'm',
        'о' => 'o',
        'р' => 'p',
        'т' => 't',
        'х' => 'x',
        'у' => 'y',
        'ї' => 'ï',
        'ё' => 'ë',
        _ => return None,
    })
}

// ---------------------------------------------------------------------------
// Transliteration
// ---------------------------------------------------------------------------

/// Writes the `latin` key of one word into `out` (cleared first).
fn transliterate_word(word: &[char], out: &mut String) {
    out.clear();
    let script = majority_script(word);
    let mut prev = ' ';
    for &c in word {
        if out.len() >= MAX_KEY_LEN {
            break;
        }
        if !c.is_ascii() && is_combining_mark(c) {
            continue;
        }
        let c = match script {
            Script::Cyrillic => cyrillic_twin(c),
            Script::Latin => latin_twin(c),
        }
        .unwrap_or(c);
        for lower in c.to_lowercase() {
            push_letter(out, lower, prev);
            prev = lower;
        }
    }
}

/// Appends the transliteration of one lower-case character, falling back to
/// its canonical base letter ("ѝ" → "и", "é" → "e"); unknown characters are
/// dropped. `prev` is the previous lower-case character of the word.
fn push_letter(out: &mut String, c: char, prev: char) {
    if !push_known(out, c, prev)
        && let Some(base) = canonical_base(c)
    {
        push_known(out, base, prev);
    }
}

/// Appends the transliteration of `c` if a table knows it; returns whether
/// it did (`ь` is known and appends nothing).
fn push_known(out: &mut String, c: char, prev: char) -> bool {
    if c.is_ascii_alphanumeric() {
        if out.len() < MAX_KEY_LEN {
            out.push(c);
        }
        return true;
    }
    match cyrillic_to_latin(c, out.is_empty(), prev).or_else(|| latin_to_ascii(c)) {
        Some(ascii) => {
            push_capped(out, ascii);
            true
        }
        None => false,
    }
}

/// Appends ASCII `s`, truncated so that `out` stays within [`MAX_KEY_LEN`].
fn push_capped(out: &mut String, s: &str) {
    let room = MAX_KEY_LEN.saturating_sub(out.len());
    if let Some(part) = s.get(..room.min(s.len())) {
        out.push_str(part);
    }
}

/// The first character of the canonical decomposition of `c`, if `c`
/// decomposes: the base letter of a precomposed accented letter.
fn canonical_base(c: char) -> Option<char> {
    let mut base = None;
    decompose_canonical(c, |d| {
        base.get_or_insert(d);
    });
    base.filter(|&b| b != c)
}

/// The canonical Cyrillic table (lower case).
///
/// Ukrainian national system (2010): `є ї й ю я` are written ye yi y yu ya
/// at the start of a word (`initial`) and ie i i iu ia elsewhere, and `г`
/// after `з` is gh so that "зг" is not read back as "ж". Russian,
/// Belarusian, Serbian, Macedonian and Kazakh letters that Ukrainian lacks
/// are added with their usual ASCII readings.
fn cyrillic_to_latin(c: char, initial: bool, prev: char) -> Option<&'static str> {
    let by_position = |start: &'static str, inside: &'static str| {
        if initial { start } else { inside }
    };
    // Besides the Ukrainian and Russian alphabets: Belarusian ў; Kazakh
    // ә ғ қ ң ө ү ұ һ; Serbian and Macedonian ђ ѓ ќ ј љ њ ћ џ ѕ; pre-reform
    // ѣ ѵ ѳ.
    Some(match c {
        'а' | 'ә' => "a",
        'б' => "b",
        'в' => "v",
        'г' => {
            if prev == 'з' {
                "gh"
            } else {
                "h"
            }
        }
        'ґ' | 'ѓ' | 'ғ' => "g",
        'д' | 'ђ' => "d",
        'е' | 'э' | 'ё' | 'ѣ' => "e",
        'є' => by_position("ye", "ie"),
        'ж' => "zh",
        'з' => "z",
        'и' | 'ы' => "y",
        'і' | 'ѵ' => "i",
        'ї' => by_position("yi", "i"),
        'й' => by_position("y", "i"),
        'к' | 'ќ' | 'қ' => "k",
        'л' => "l",
        'м' => "m",
        'н' | 'ң' => "n",
        'о' | 'ө' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' | 'ў' | 'ү' | 'ұ' => "u",
        'ф' | 'ѳ' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ь' | 'ъ' => "",
        'ю' => by_position("yu", "iu"),
        'я' => by_position("ya", "ia"),
        'ј' => "j",
        'љ' => "lj",
        'њ' => "nj",
        'ћ' => "c",
        'џ' | 'ѕ' => "dz",
        'һ' => "h",
        _ => return None,
    })
}

/// Latin letters (lower case) with no canonical decomposition to an ASCII
/// base letter.
fn latin_to_ascii(c: char) -> Option<&'static str> {
    Some(match c {
        'ß' => "ss",
        'æ' => "ae",
        'œ' => "oe",
        'ø' | 'ɔ' => "o",
        'ł' => "l",
        'đ' | 'ð' => "d",
        'þ' => "th",
        'ı' | 'ɨ' => "i",
        'ħ' => "h",
        'ŧ' => "t",
        'ĸ' => "k",
        'ŋ' => "ng",
        'ƒ' => "f",
        'ə' | 'ǝ' | 'ɛ' => "e",
        'ʒ' | 'ƶ' => "z",
        _ => return None,
    })
}

// ---------------------------------------------------------------------------
// Skeleton
// ---------------------------------------------------------------------------

/// One unit of spelling read from a `latin` key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    /// A vowel or glide; dropped, but it ends a run of equal consonants.
    Vowel,
    /// A digit, kept as is.
    Digit(u8),
    /// One or two consonant classes (`x` is `ks`).
    Consonants(&'static [u8]),
}

/// Writes the skeleton of a `latin` key into `out` (cleared first).
/// The rules are documented at module level.
fn skeleton_into(latin: &str, out: &mut String) {
    out.clear();
    let bytes = latin.as_bytes();
    let mut rest = bytes;
    let mut last_class = None;
    while out.len() < MAX_KEY_LEN {
        let at_start = rest.len() == bytes.len();
        let Some((unit, len)) = next_unit(rest, at_start) else {
            break;
        };
        rest = rest.get(len..).unwrap_or_default();
        match unit {
            Unit::Vowel => last_class = None,
            Unit::Digit(d) => {
                out.push(char::from(d));
                last_class = None;
            }
            Unit::Consonants(classes) => {
                for &class in classes {
                    // An initial `ch`/`c` may be `х` as well as `ч`/`ц`.
                    let class = if at_start && class == b'c' { b'h' } else { class };
                    if last_class != Some(class) && out.len() < MAX_KEY_LEN {
                        out.push(char::from(class));
                    }
                    last_class = Some(class);
                }
            }
        }
    }
    if out.is_empty() {
        vowel_skeleton_into(latin, out);
    }
}

/// The skeleton of a word without consonants or digits: its vowels, with the
/// glides `y` and `j` written as `i` so that "Я"/"ya"/"ja"/"ia" agree.
fn vowel_skeleton_into(latin: &str, out: &mut String) {
    let mut last = None;
    for b in latin.bytes() {
        if out.len() >= MAX_KEY_LEN {
            break;
        }
        let v = if matches!(b, b'y' | b'j') { b'i' } else { b };
        if last != Some(v) {
            out.push(char::from(v));
        }
        last = Some(v);
    }
}

/// Reads the next unit of spelling from `rest` (a suffix of a `latin` key),
/// longest spelling first. Returns the unit and the bytes it spans, or
/// `None` at the end. `at_start` is whether `rest` is the whole key.
fn next_unit(rest: &[u8], at_start: bool) -> Option<(Unit, usize)> {
    let starts = |prefix: &[u8]| rest.starts_with(prefix);
    let consonant = |class: &'static [u8], len: usize| Some((Unit::Consonants(class), len));
    let &first = rest.first()?;
    match first {
        b's' if starts(b"shch") || starts(b"szcz") => consonant(b"s", 4),
        b's' if starts(b"sch") => consonant(b"s", 3),
        b's' if starts(b"sh") || starts(b"sz") => consonant(b"s", 2),
        b'z' if starts(b"zh") => consonant(b"s", 2),
        b's' | b'z' => consonant(b"s", 1),
        b't' if starts(b"tsch") => consonant(b"c", 4),
        b't' if starts(b"tch") => consonant(b"c", 3),
        b't' if starts(b"ts") || starts(b"tz") => consonant(b"c", 2),
        b't' if starts(b"th") => consonant(b"t", 2),
        b'c' if starts(b"ch") || starts(b"cz") => consonant(b"c", 2),
        b'c' if starts(b"ck") => consonant(b"k", 2),
        b'c' => consonant(b"c", 1),
        b'k' if starts(b"kh") => consonant(b"h", 2),
        b'k' | b'q' => consonant(b"k", 1),
        b'p' if starts(b"ph") => consonant(b"f", 2),
        b'g' | b'h' => consonant(b"h", 1),
        b'w' | b'v' => consonant(b"v", 1),
        b'x' => consonant(b"ks", 1),
        b'j' if at_start && rest.get(1).is_some_and(|&next| is_consonant_letter(next)) => consonant(b"s", 1),
        b'0'..=b'9' => Some((Unit::Digit(first), 1)),
        b'b' => consonant(b"b", 1),
        b'd' => consonant(b"d", 1),
        b'f' => consonant(b"f", 1),
        b'l' => consonant(b"l", 1),
        b'm' => consonant(b"m", 1),
        b'n' => consonant(b"n", 1),
        b'p' => consonant(b"p", 1),
        b'r' => consonant(b"r", 1),
        b't' => consonant(b"t", 1),
        // Vowels and the glide `j`; also, defensively, any byte that
        // transliteration never produces.
        _ => Some((Unit::Vowel, 1)),
    }
}

fn is_consonant_letter(b: u8) -> bool {
    b.is_ascii_lowercase() && !matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y' | b'j')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The look-alike tables must be inverses, or a word would change when
    /// its majority script flips.
    #[test]
    fn twin_tables_are_inverse() {
        let ranges = ['\u{0}'..='\u{024F}', '\u{0400}'..='\u{052F}'];
        for c in ranges.into_iter().flatten() {
            if let Some(cyr) = cyrillic_twin(c) {
                assert_eq!(latin_twin(cyr), Some(c), "{c:?}");
                assert!(is_latin_letter(c) && is_cyrillic_letter(cyr), "{c:?}");
            }
            if let Some(lat) = latin_twin(c) {
                assert_eq!(cyrillic_twin(lat), Some(c), "{c:?}");
            }
        }
    }

    /// Every Cyrillic entry must be a lower-case letter, or it could never
    /// be reached (words are lower-cased before the lookup).
    #[test]
    fn cyrillic_table_is_lower_case() {
        for c in '\u{0400}'..='\u{052F}' {
            if cyrillic_to_latin(c, false, ' ').is_some() {
                assert!(c.is_lowercase(), "{c:?}");
            }
        }
    }

    #[test]
    fn skeleton_units_cover_every_key_byte() {
        for b in (b'a'..=b'z').chain(b'0'..=b'9') {
            let rest = [b];
            assert!(next_unit(&rest, false).is_some(), "{}", char::from(b));
        }
        assert_eq!(next_unit(b"", true), None);
    }
}
