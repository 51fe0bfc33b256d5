//! Signed notes and checkpoints: round trips, wrong keys, and every single-byte change.

use evidentia_log::checkpoint::Checkpoint;
use evidentia_log::note::{self, NoteError, Signer, Verifier, open};
use proptest::prelude::*;

fn signer(name: &str, seed: u8) -> Signer {
    Signer::from_seed(name, [seed; 32]).unwrap()
}

#[test]
fn key_a_does_not_open_with_only_key_b() {
    let a = signer("example.org/log", 1);
    let b = signer("example.org/log", 2); // same name, different key (so different key ID)
    let c = signer("other.example/log", 1); // same key, different name
    let note = a.sign("text\n").unwrap();
    assert_eq!(
        open(note.as_bytes(), &[b.verifier()]),
        Err(NoteError::NoVerifiedSignature)
    );
    assert_eq!(
        open(note.as_bytes(), &[c.verifier()]),
        Err(NoteError::NoVerifiedSignature)
    );
    assert_eq!(open(note.as_bytes(), &[]), Err(NoteError::NoVerifiedSignature));
    let (_, names) = open(note.as_bytes(), &[b.verifier(), a.verifier(), c.verifier()]).unwrap();
    assert_eq!(names, vec!["example.org/log".to_owned()]);
}

#[test]
fn a_known_key_with_a_bad_signature_rejects_the_note() {
    let a = signer("a", 1);
    let b = signer("b", 2);
    let note = note::sign("text\n", &[&a, &b]).unwrap();
    let (_, names) = open(note.as_bytes(), &[a.verifier(), b.verifier()]).unwrap();
    assert_eq!(names, vec!["a".to_owned(), "b".to_owned()]);
    // Replace b's signature with one over other text: b is known, so the note is rejected
    // even though a's signature is fine.
    let other = b.sign("other\n").unwrap();
    let b_line_other = other.lines().last().unwrap();
    let b_line = note.lines().last().unwrap();
    let forged = note.replace(b_line, b_line_other);
    assert_eq!(
        open(forged.as_bytes(), &[a.verifier(), b.verifier()]),
        Err(NoteError::InvalidSignature {
            name: "b".into(),
            key_id: b.key_id()
        })
    );
    // With only a known, b's line is just an unknown signature and is ignored.
    assert!(open(forged.as_bytes(), &[a.verifier()]).is_ok());
}

#[test]
fn duplicate_signatures_and_duplicate_verifiers_count_once() {
    let a = signer("a", 1);
    let note = note::sign("t\n", &[&a, &a]).unwrap();
    let (_, names) = open(note.as_bytes(), &[a.verifier()]).unwrap();
    assert_eq!(names, vec!["a".to_owned()]);
    assert!(
        open(note.as_bytes(), &[a.verifier(), a.verifier()]).is_ok(),
        "same key listed twice"
    );
}

#[test]
fn structural_rejections() {
    let a = signer("a", 1);
    let keys = [a.verifier()];
    let good = a.sign("line one\nline two\n").unwrap();
    assert!(open(good.as_bytes(), &keys).is_ok());
    let sig_line = good.lines().last().unwrap().to_owned();
    let cases: Vec<(String, &str)> = vec![
        (good.trim_end_matches('\n').to_owned(), "no final newline"),
        (good.replacen("\n\n", "\n", 1), "no blank line"),
        (good.replace('\u{2014}', "-"), "hyphen instead of em dash"),
        (good.replacen("\u{2014} ", "\u{2014}  ", 1), "two spaces"),
        (
            good.replacen("\u{2014} a ", "\u{2014} a  ", 1),
            "two spaces before signature",
        ),
        (good.replacen("line one", "line\tone", 1), "tab in text"),
        (good.replacen("line one\n", "line one\r\n", 1), "CR in text"),
        (format!("{good}\n"), "blank line after signatures"),
        (format!("{good}{}", "x\n"), "garbage after signatures"),
        (good.replacen(&sig_line, &format!("{sig_line}="), 1), "bad base64"),
        (good.replacen(&sig_line, "\u{2014} a AAAA", 1), "short signature"),
        (
            format!("{good}{}\n", sig_line.replacen(" a ", " a+b ", 1)),
            "plus in name",
        ),
        (String::from("\n\n"), "nothing"),
        (String::new(), "empty"),
    ];
    for (note, why) in cases {
        assert!(open(note.as_bytes(), &keys).is_err(), "{why}: {note:?}");
    }
    assert_eq!(open(&[0xff, b'\n', b'\n'], &keys), Err(NoteError::NotUtf8));
    let too_many = format!("{good}{}", format!("{sig_line}\n").repeat(100));
    assert_eq!(
        open(too_many.as_bytes(), &keys),
        Err(NoteError::TooManySignatures { max: 100 })
    );
    let huge = format!("{}\n\n{sig_line}\n", "x".repeat(note::MAX_NOTE_BYTES));
    assert!(matches!(open(huge.as_bytes(), &keys), Err(NoteError::TooLarge { .. })));
}

#[test]
fn unknown_signatures_are_ignored_even_if_they_share_a_name_or_an_id() {
    let a = signer("a", 1);
    let note = a.sign("t\n").unwrap();
    let sig_line = note.lines().last().unwrap();
    // Same name, different ID; and same ID, different name: both unknown, both ignored.
    let other = signer("a", 9).sign("t\n").unwrap();
    let renamed = sig_line.replacen("\u{2014} a ", "\u{2014} b ", 1);
    let noisy = format!("{note}{}\n{renamed}\n", other.lines().last().unwrap());
    let (_, names) = open(noisy.as_bytes(), &[a.verifier()]).unwrap();
    assert_eq!(names, vec!["a".to_owned()]);
}

fn text_strategy() -> impl Strategy<Value = String> {
    // Printable text including non-ASCII and blank lines, always ending in a newline.
    proptest::collection::vec(
        prop_oneof![Just("\n".to_owned()), "[a-zA-Z0-9 ./+=:—é€😀-]{1,12}",],
        1..12,
    )
    .prop_map(|parts| parts.concat() + "\n")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn note_round_trip(text in text_strategy(), seed in any::<[u8; 32]>()) {
        let s = Signer::from_seed("example.org/log", seed).unwrap();
        let v = Verifier::from_vkey(&s.verifier().to_vkey()).unwrap();
        prop_assert_eq!(&v, &s.verifier());
        prop_assert_eq!(Signer::from_skey(&s.to_skey()).unwrap().verifier(), v.clone());
        let note = s.sign(&text).unwrap();
        let (opened, names) = open(note.as_bytes(), &[v]).unwrap();
        prop_assert_eq!(opened, text);
        prop_assert_eq!(names, vec!["example.org/log".to_owned()]);
    }

    /// Changing any single byte of a signed note, text or signature, makes it fail to open.
    #[test]
    fn every_modified_byte_fails(text in text_strategy(), seed in any::<[u8; 32]>(), mask in 1u8..=255) {
        let s = Signer::from_seed("example.org/log", seed).unwrap();
        let keys = [s.verifier()];
        let note = s.sign(&text).unwrap().into_bytes();
        for i in 0..note.len() {
            let mut bad = note.clone();
            bad[i] ^= mask;
            prop_assert!(open(&bad, &keys).is_err(), "byte {} of {:?}", i, String::from_utf8_lossy(&bad));
        }
    }

    #[test]
    fn checkpoint_round_trip(
        origin in "[a-z0-9.+/-]{1,40}",
        size in any::<u64>(),
        root in any::<[u8; 32]>(),
        extensions in proptest::collection::vec("[ -~]{1,20}", 0..3),
    ) {
        let cp = Checkpoint::new(&origin, size, root).unwrap().with_extensions(extensions).unwrap();
        let text = cp.to_text();
        prop_assert_eq!(Checkpoint::parse(&text).unwrap(), cp.clone());
        let s = signer("example.org/log", 7); // origins may contain "+", key names may not
        let note = cp.sign(&[&s]).unwrap();
        let opened = Checkpoint::open(note.as_bytes(), &[s.verifier()]).unwrap();
        prop_assert_eq!(opened.checkpoint, cp);
    }
}
