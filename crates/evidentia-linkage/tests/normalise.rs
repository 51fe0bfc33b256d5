//! The contract of `normalise`: what search and linkage rely on.

use evidentia_linkage::normalise::{WordKeys, index_text, to_latin, word_keys};

/// The `latin` keys of each word of `text`.
fn latins(text: &str) -> Vec<String> {
    word_keys(text).into_iter().map(|k| k.latin).collect()
}

/// The `skeleton` keys of each word of `text`.
fn skeletons(text: &str) -> Vec<String> {
    word_keys(text).into_iter().map(|k| k.skeleton).collect()
}

/// The `latin` key of a text that must be exactly one word.
fn latin(word: &str) -> String {
    let all = latins(word);
    assert_eq!(all.len(), 1, "{word:?} should be one word, got {all:?}");
    all.concat()
}

/// The skeleton of a text that must be exactly one word.
fn skeleton(word: &str) -> String {
    let all = skeletons(word);
    assert_eq!(all.len(), 1, "{word:?} should be one word, got {all:?}");
    all.concat()
}

/// Every spelling in `group` must have the skeleton of the first one.
fn assert_same_skeleton(group: &[&str]) {
    let mut spellings = group.iter();
    let Some(first) = spellings.next() else {
        return;
    };
    let expected = skeleton(first);
    for spelling in spellings {
        assert_eq!(
            skeleton(spelling),
            expected,
            "{spelling:?} should share the skeleton of {first:?}"
        );
    }
}

fn assert_different_skeleton(a: &str, b: &str) {
    assert_ne!(skeleton(a), skeleton(b), "{a:?} and {b:?} must stay apart");
}

fn is_token(token: &str) -> bool {
    !token.is_empty()
        && token
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

// --- Transliteration: Cyrillic --------------------------------------------

#[test]
fn ukrainian_national_table() {
    let cases = [
        ("Харків", "kharkiv"),
        ("Київ", "kyiv"),
        ("Житомир", "zhytomyr"),
        ("Шевченко", "shevchenko"),
        ("Щербак", "shcherbak"),
        ("Цибулько", "tsybulko"),
        ("Чернігів", "chernihiv"),
        ("Ґудзь", "gudz"),
        ("Гнат", "hnat"),
        ("Олександр", "oleksandr"),
        ("Григорій", "hryhorii"),
        ("Микола", "mykola"),
        ("Ірина", "iryna"),
        ("Запоріжжя", "zaporizhzhia"),
    ];
    for (cyrillic, expected) in cases {
        assert_eq!(latin(cyrillic), expected, "{cyrillic}");
    }
}

#[test]
fn ukrainian_iotated_letters_depend_on_position() {
    let cases = [
        ("Євген", "yevhen"),
        ("Мирослав Єрмак", "myroslav yermak"),
        ("Їжакевич", "yizhakevych"),
        ("Йосип", "yosyp"),
        ("Юлія", "yuliia"),
        ("Ярослав", "yaroslav"),
        ("Андрій", "andrii"),
        ("Олексіївка", "oleksiivka"),
        ("Костянтин", "kostiantyn"),
        ("Любов", "liubov"),
        ("Синєгуб", "syniehub"),
    ];
    for (cyrillic, expected) in cases {
        assert_eq!(to_latin(cyrillic), expected, "{cyrillic}");
    }
}

#[test]
fn ukrainian_zgh_is_not_read_as_zh() {
    assert_eq!(latin("Згурівка"), "zghurivka");
    assert_ne!(skeleton("Згурівка"), skeleton("Журівка"));
}

#[test]
fn ukrainian_apostrophe_is_dropped_not_split() {
    for spelling in ["Мар'яна", "Марʼяна", "Мар’яна", "Марʹяна", "Мар`яна"] {
        assert_eq!(latins(spelling), ["mariana"], "{spelling:?}");
    }
    assert_eq!(latin("В'ячеслав"), "viacheslav");
    assert_eq!(latin("O'Brien"), "obrien");
}

#[test]
fn russian_letters() {
    let cases = [
        ("Фёдор", "fedor"),
        ("Федор", "fedor"),
        ("Крылов", "krylov"),
        ("Эдуард", "eduard"),
        ("Подъезд", "podezd"),
        ("Игорь", "yhor"),
        ("Григорий", "hryhoryi"),
        ("Евгений", "evhenyi"),
    ];
    for (cyrillic, expected) in cases {
        assert_eq!(latin(cyrillic), expected, "{cyrillic}");
    }
}

#[test]
fn belarusian_letters() {
    assert_eq!(latin("Шклоў"), "shklou");
    assert_eq!(latin("Беларусь"), "belarus");
    assert_eq!(latin("Гродна"), "hrodna");
    assert_eq!(latin("Віцебск"), "vitsebsk");
}

#[test]
fn other_cyrillic_letters_are_not_dropped() {
    assert_eq!(latin("Ђорђе"), "dorde");
    assert_eq!(latin("Љубљана"), "ljubljana");
    assert_eq!(latin("Қазақстан"), "kazakstan");
    // Precomposed letters outside the table fall back to their base letter.
    assert_eq!(latin("ѝ"), "y");
}

#[test]
fn upper_and_lower_case_agree() {
    assert_eq!(word_keys("ХАРКІВ"), word_keys("харків"));
    assert_eq!(word_keys("ЄВГЕН"), word_keys("Євген"));
    assert_eq!(word_keys("KHARKIV"), word_keys("kharkiv"));
}

// --- Transliteration: Latin -------------------------------------------------

#[test]
fn latin_diacritics_are_stripped() {
    let cases = [
        ("Ševčenko", "sevcenko"),
        ("Łódź", "lodz"),
        ("Søren", "soren"),
        ("Straße", "strasse"),
        ("Đorđe", "dorde"),
        ("Æsir", "aesir"),
        ("Muñoz", "munoz"),
        ("José", "jose"),
        ("Ćosić", "cosic"),
        ("Žytomyr", "zytomyr"),
        ("Charków", "charkow"),
        ("Þór", "thor"),
        ("Ağrı", "agri"),
    ];
    for (spelling, expected) in cases {
        assert_eq!(latin(spelling), expected, "{spelling}");
    }
}

// --- Normalisation ------------------------------------------------------------

#[test]
fn latin_look_alikes_inside_cyrillic_words() {
    // Latin a in "Хaрків", Latin K in "Kиїв", Latin I in "ХАРКIВ",
    // Latin c, o, p in "Cлoбожанщинa", Latin ï in "Киïв".
    assert_eq!(word_keys("Хaрків"), word_keys("Харків"));
    assert_eq!(word_keys("Kиїв"), word_keys("Київ"));
    assert_eq!(word_keys("ХАРКIВ"), word_keys("Харків"));
    assert_eq!(word_keys("Cлoбожанщинa"), word_keys("Слобожанщина"));
    assert_eq!(word_keys("Киïв"), word_keys("Київ"));
    assert_eq!(word_keys("Рoсія"), word_keys("Росія"));
}

#[test]
fn cyrillic_look_alikes_inside_latin_words() {
    // Cyrillic і in "Kyіv", Cyrillic о and с in "Kоvalenkо", Cyrillic Х in
    // "Хerson".
    assert_eq!(word_keys("Kyіv"), word_keys("Kyiv"));
    assert_eq!(word_keys("Kоvalenkо"), word_keys("Kovalenko"));
    assert_eq!(word_keys("Хerson"), word_keys("Xerson"));
    assert_eq!(word_keys("Mariupоl"), word_keys("Mariupol"));
}

#[test]
fn stress_marks_and_combining_forms() {
    // Stress accent on а: no precomposed form exists, the mark is dropped.
    assert_eq!(word_keys("Ива́н"), word_keys("Иван"));
    assert_eq!(word_keys("Оле́на"), word_keys("Олена"));
    // й, ї, ё typed as base letter plus combining mark compose first.
    assert_eq!(word_keys("И\u{306}осип"), word_keys("Йосип"));
    assert_eq!(word_keys("Андріи\u{306}"), word_keys("Андрій"));
    assert_eq!(word_keys("І\u{308}жакевич"), word_keys("Їжакевич"));
    assert_eq!(word_keys("Фе\u{308}дор"), word_keys("Фёдор"));
    // Combining accents on Latin letters.
    assert_eq!(word_keys("Jose\u{301}"), word_keys("José"));
}

#[test]
fn compatibility_forms_fold() {
    assert_eq!(latin("Ｋｙｉｖ"), "kyiv");
    assert_eq!(latin("ﬁlip"), "filip");
    assert_eq!(latin("x²"), "x2");
}

#[test]
fn invisible_characters_do_not_split_words() {
    let visible = word_keys("Харків");
    for hidden in [
        '\u{AD}', '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{200E}',
    ] {
        let text = format!("Хар{hidden}ків");
        assert_eq!(word_keys(&text), visible, "{hidden:?}");
    }
    assert_eq!(word_keys("\u{FEFF}\u{202E}Харків\u{202C}"), visible);
}

// --- Skeleton: variants that must agree ------------------------------------

#[test]
fn skeleton_kharkiv() {
    assert_same_skeleton(&["Kharkiv", "Харків", "Harkiv", "Charkiv", "Charkiw", "Charków"]);
    // A different vowel structure, but the consonants agree.
    assert_same_skeleton(&["Kharkiv", "Харьков", "Kharkov"]);
}

#[test]
fn skeleton_oleksandr() {
    assert_same_skeleton(&[
        "Oleksandr",
        "Олександр",
        "Aleksandr",
        "Александр",
        "Alexander",
        "Oleksander",
    ]);
}

#[test]
fn skeleton_hryhorii() {
    assert_same_skeleton(&["Hryhorii", "Григорій", "Grigoriy", "Grigorij", "Григорий", "Hryhoriy"]);
}

#[test]
fn skeleton_yevhen() {
    assert_same_skeleton(&["Yevhen", "Євген", "Evgeniy", "Yevgeny", "Евгений", "Ievhen", "Jewgeni"]);
}

#[test]
fn skeleton_zhytomyr() {
    assert_same_skeleton(&["Zhytomyr", "Житомир", "Žytomyr", "Zhitomir", "Schytomyr"]);
    // French "j" before a vowel is read as the glide of "Julia": documented.
    assert_different_skeleton("Zhytomyr", "Jitomir");
    // Initial "j" before a consonant can only be `ж` (French "Jdanov").
    assert_same_skeleton(&["Zhdanov", "Жданов", "Jdanov"]);
}

#[test]
fn skeleton_shevchenko() {
    assert_same_skeleton(&[
        "Shevchenko",
        "Шевченко",
        "Ševčenko",
        "Sevcenko",
        "Schewtschenko",
        "Szewczenko",
    ]);
}

#[test]
fn skeleton_tsvetkov() {
    assert_same_skeleton(&["Tsvetkov", "Цветков", "Cvetkov", "Tsvetkow"]);
}

#[test]
fn skeleton_yulia() {
    assert_same_skeleton(&["Yulia", "Юлія", "Julia", "Yuliya", "Iuliia", "Юлия", "Julija"]);
}

#[test]
fn skeleton_kovalenko() {
    assert_same_skeleton(&["Kovalenko", "Коваленко", "Kowalenko"]);
}

#[test]
fn skeleton_places() {
    assert_same_skeleton(&["Kyiv", "Київ", "Kiev", "Kyjiw", "Kijów"]);
    assert_same_skeleton(&["Zaporizhzhia", "Запоріжжя", "Zaporozhye", "Saporischschja"]);
    assert_same_skeleton(&["Chernihiv", "Чернігів", "Tschernihiw", "Černihiv", "Czernihów"]);
    assert_same_skeleton(&["Kherson", "Херсон", "Cherson", "Herson"]);
    assert_same_skeleton(&["Odesa", "Одеса", "Odessa", "Одесса"]);
    assert_same_skeleton(&["Chasiv", "Часів", "Časiv", "Tschassiw"]);
}

// --- Skeleton: names that must stay apart -----------------------------------

#[test]
fn skeleton_keeps_different_names_apart() {
    assert_different_skeleton("Mykola", "Nikolai");
    assert_different_skeleton("Микола", "Николай");
    assert_different_skeleton("Ivan", "Ivanov");
    assert_different_skeleton("Petro", "Pavlo");
    assert_different_skeleton("Kyiv", "Kherson");
    assert_different_skeleton("Shevchenko", "Sevchuk");
    assert_different_skeleton("Kovalenko", "Kovalchuk");
    assert_different_skeleton("Tsvetkov", "Svetkov");
}

/// Documented collisions: words that differ only in vowels share a
/// skeleton; their `latin` keys stay apart.
#[test]
fn skeleton_vowel_only_differences_collide() {
    for (a, b) in [("Marko", "Mark"), ("Anna", "Inna"), ("Олена", "Alina")] {
        assert_eq!(skeleton(a), skeleton(b), "{a} / {b}");
        assert_ne!(latin(a), latin(b), "{a} / {b}");
    }
}

#[test]
fn skeleton_of_words_without_consonants() {
    assert_eq!(skeleton("Я"), "ia");
    assert_eq!(skeleton("Ja"), "ia");
    assert_eq!(skeleton("Ю"), "iu");
    assert_eq!(skeleton("і"), "i");
    assert_eq!(skeleton("О"), "o");
}

#[test]
fn skeleton_values() {
    assert_eq!(skeleton("Харків"), "hrkv");
    assert_eq!(skeleton("Олександр"), "lksndr");
    assert_eq!(skeleton("Шевченко"), "svcnk");
}

// --- Words, numbers, punctuation ---------------------------------------------

#[test]
fn numbers_are_words() {
    assert_eq!(
        word_keys("2014"),
        [WordKeys {
            latin: "2014".to_owned(),
            skeleton: "2014".to_owned(),
        }]
    );
    assert_eq!(index_text("2014"), "2014 _2014");
    // Digits never collapse: 2001 is not 201.
    assert_eq!(skeleton("2001"), "2001");
    assert_eq!(latins("0000-00-00"), ["0000", "00", "00"]);
    assert_eq!(latins("Бахмут 2023"), ["bakhmut", "2023"]);
}

#[test]
fn punctuation_and_hyphens_split_words() {
    assert_eq!(latins("Ivanova-Petrenko"), ["ivanova", "petrenko"]);
    assert_eq!(latins("Іванова-Петренко"), ["ivanova", "petrenko"]);
    assert_eq!(latins("Kyiv,Kharkiv;Lviv"), ["kyiv", "kharkiv", "lviv"]);
    assert_eq!(latins("  Київ\t(Україна)\n"), ["kyiv", "ukraina"]);
    assert_eq!(latins("Часів Яр"), ["chasiv", "yar"]);
}

#[test]
fn index_text_format() {
    assert_eq!(index_text("Харків"), "kharkiv _hrkv");
    assert_eq!(index_text("Шевченко Тарас"), "shevchenko _svcnk taras _trs");
    assert_eq!(index_text(""), "");
    assert_eq!(index_text(" ,.-!? "), "");
}

#[test]
fn to_latin_joins_words_with_single_spaces() {
    assert_eq!(to_latin("Тарас  Григорович\nШевченко"), "taras hryhorovych shevchenko");
    assert_eq!(to_latin(""), "");
    assert_eq!(to_latin("Kharkiv, Ukraine!"), "kharkiv ukraine");
}

// --- Hostile input -----------------------------------------------------------

#[test]
fn empty_and_separator_only_input() {
    for text in ["", " ", "\n\t", "---", "'", "\u{301}", "\u{200B}", "🇺🇦"] {
        assert!(word_keys(text).is_empty(), "{text:?}");
        assert_eq!(index_text(text), "", "{text:?}");
        assert_eq!(to_latin(text), "", "{text:?}");
    }
}

#[test]
fn scripts_without_transliteration_are_dropped() {
    assert!(word_keys("שלום مرحبا 東京 Αθήνα").is_empty());
    assert_eq!(latins("Kyiv שלום Lviv"), ["kyiv", "lviv"]);
    // A word mixing scripts keeps the letters we can read.
    assert_eq!(latins("Київشلام"), ["kyiv"]);
}

#[test]
fn emoji_and_control_characters_separate_words() {
    assert_eq!(latins("Kyiv🇺🇦Kharkiv"), ["kyiv", "kharkiv"]);
    assert_eq!(latins("\u{0}Ky\u{7}iv\u{1B}[0m"), ["ky", "iv", "0m"]);
    assert_eq!(latins("👨‍👩‍👧 Олена"), ["olena"]);
}

#[test]
fn long_words_are_capped() {
    let long = "Щ".repeat(10_000);
    let keys = word_keys(&long);
    assert_eq!(keys.len(), 1);
    for key in &keys {
        assert_eq!(key.latin.len(), 64);
        assert!(key.skeleton.len() <= 64);
    }
    let long_latin = "x".repeat(10_000);
    for key in word_keys(&long_latin) {
        assert_eq!(key.latin.len(), 64);
        assert!(key.skeleton.len() <= 64);
    }
    // The rest of an over-long word is skipped, not read as a new word.
    assert_eq!(latins(&format!("{} Kyiv", "a".repeat(10_000))).len(), 2);
}

#[test]
fn long_texts_are_capped() {
    let text = "Олександр Шевченко ".repeat(5_000);
    let index = index_text(&text);
    assert!(index.len() <= 8 * 1024);
    assert!(index.split(' ').all(is_token));
    // Whole words only: the last token is a complete skeleton.
    assert!(index.ends_with(" _svcnk") || index.ends_with(" _lksndr"));
    assert!(to_latin(&text).len() <= 8 * 1024);
    assert_eq!(word_keys(&text).len(), 1024);
}

#[test]
fn combining_mark_floods_stay_bounded() {
    let zalgo = format!("Ки{}їв", "\u{301}\u{316}\u{35C}".repeat(10_000));
    let keys = word_keys(&zalgo);
    assert!(keys.iter().all(|k| k.latin.len() <= 64));
    assert!(!keys.is_empty());
    let marks_only = "\u{301}".repeat(100_000);
    assert!(word_keys(&marks_only).is_empty());
}

#[test]
fn index_tokens_are_always_fts_safe() {
    let nasty = "Ива́н O'Brien 0000-00-00 Ｋｙｉｖ ﬁlip \u{0}\u{7f} 🇺🇦 שלום ß Æ İstanbul ǅ ½";
    let index = index_text(nasty);
    assert!(!index.is_empty());
    assert!(index.split(' ').all(is_token), "{index:?}");
}
