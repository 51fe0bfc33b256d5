//! The reports crate's integration tests: real PDFs parsed back by an independent parser,
//! figures checked against a hand-made data set, template errors, and hostile input.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use evidentia_model::incident::{Casualties, Count};
use evidentia_model::person::InvolvementRole;
use evidentia_model::{PartialDate, Period};
use evidentia_reports::Language;
use evidentia_reports::letter::{
    BundleRef, LetterContext, LetterError, LetterIncident, LetterKind, PersonCount, Recipient, Sender,
    default_template, render_default_letter, render_letter,
};

const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

/// The text of every page, extracted by an independent PDF parser.
fn pdf_text(pdf: &[u8]) -> (usize, String) {
    let doc = lopdf::Document::load_mem(pdf).expect("a PDF lopdf can read");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    let text = doc.extract_text(&pages).expect("text can be extracted");
    (pages.len(), text)
}

/// Extracted text with all whitespace removed: extractors break lines where the layout did.
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn date(s: &str) -> PartialDate {
    s.parse().unwrap()
}

fn context(lang: Language, kind: LetterKind) -> LetterContext {
    LetterContext {
        kind,
        language: lang,
        recipient: Recipient {
            name: "Office of a UN special procedure".into(),
            kind: "UN special procedure".into(),
            address: "Example Avenue 1\n1000 Example City".into(),
        },
        sender: Sender {
            name: "Example Human Rights Office".into(),
            address: "Sample Street 5, Exampletown\ninfo@example.org".into(),
        },
        subject: "Обстріл житлового кварталу в Зразковому".into(),
        body: "First paragraph of the letter.\n\nSecond paragraph, with more detail.".into(),
        reference: Some("EHRO/2024/017".into()),
        sent_date: Some(date("2024-05-05")),
        incidents: vec![LetterIncident {
            title: "Shelling of a residential block in Sampleville".into(),
            period: Period {
                from: date("2024-04"),
                to: None,
            },
            place: "Sampleville, Northern District".into(),
            categories: vec!["Attack on civilians".into()],
            reported_casualties: Casualties {
                killed: Some(Count {
                    total: 3,
                    children: Some(1),
                    women: None,
                }),
                injured: Some(Count {
                    total: 12,
                    children: None,
                    women: None,
                }),
                missing: None,
            },
            documented_persons: vec![
                PersonCount {
                    role: InvolvementRole::Killed,
                    count: 2,
                },
                PersonCount {
                    role: InvolvementRole::Witness,
                    count: 4,
                },
            ],
            evidence_count: 17,
        }],
        bundle: Some(BundleRef {
            file_name: "bundle-2024-017.zip".into(),
            sha256: HASH.into(),
            size: 2_516_582,
        }),
    }
}

#[test]
fn default_letters_render_in_every_language_and_kind() {
    for lang in Language::ALL {
        for kind in LetterKind::ALL {
            let doc = render_default_letter(&context(lang, kind)).unwrap_or_else(|e| panic!("{lang:?} {kind:?}: {e}"));
            let html = evidentia_reports::html::render(&doc);
            assert!(html.contains(HASH), "{lang:?} {kind:?}");
            assert!(html.contains("Обстріл житлового кварталу"));
            assert!(html.contains("EHRO/2024/017"));
            assert!(html.contains("Shelling of a residential block"));
        }
    }
    let html = evidentia_reports::html::render(
        &render_default_letter(&context(Language::Uk, LetterKind::Notification)).unwrap(),
    );
    assert!(html.contains("5 травня 2024 р."), "{html}");
    assert!(html.contains("квітень 2024 р."), "{html}");
    let html = evidentia_reports::html::render(
        &render_default_letter(&context(Language::En, LetterKind::Notification)).unwrap(),
    );
    assert!(html.contains("5 May 2024"));
    assert!(html.contains("April 2024"));
    assert!(html.contains("2 killed, 4 witnesses"), "{html}");
    assert!(html.contains("Reported by sources: 3 killed, 12 injured."), "{html}");
}

#[test]
fn letter_pdf_has_extractable_cyrillic_subject_and_hash_and_embedded_subset_fonts() {
    let doc = render_default_letter(&context(Language::Uk, LetterKind::Appeal)).unwrap();
    let pdf = evidentia_reports::pdf::render(&doc).unwrap();
    let (pages, text) = pdf_text(&pdf);
    assert_eq!(pages, 1, "{text}");
    let flat = squeeze(&text);
    assert!(
        flat.contains(&squeeze("Звернення: Обстріл житлового кварталу в Зразковому")),
        "{text}"
    );
    assert!(flat.contains(HASH), "{text}");
    assert!(flat.contains("1/1"), "page number: {text}");

    let parsed = lopdf::Document::load_mem(&pdf).unwrap();
    let mut subset_fonts = 0;
    for object in parsed.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        if dict.get(b"Type").and_then(|t| t.as_name()).ok() != Some(b"FontDescriptor".as_slice()) {
            continue;
        }
        let name = dict.get(b"FontName").and_then(|n| n.as_name()).unwrap();
        // A subset is tagged ABCDEF+Name.
        assert_eq!(name.get(6), Some(&b'+'), "{}", String::from_utf8_lossy(name));
        let file = dict
            .get(b"FontFile2")
            .and_then(|f| f.as_reference())
            .expect("FontFile2 present");
        let stream = parsed.get_object(file).unwrap().as_stream().unwrap();
        let font = stream.decompressed_content().unwrap();
        // The whole of DejaVu Sans is 740 KB; a letter's subset is a few tens.
        assert!(font.len() < 100_000, "{}", font.len());
        subset_fonts += 1;
    }
    assert_eq!(subset_fonts, 2, "regular and bold");
    assert!(pdf.len() < 80_000, "{}", pdf.len());
}

#[test]
fn a_long_letter_breaks_over_pages_with_numbers() {
    let mut ctx = context(Language::Ru, LetterKind::Notification);
    ctx.body = (0..60)
        .map(|i| format!("Абзац {i}: съешь же ещё этих мягких французских булок, да выпей чаю. The quick brown fox jumps over the lazy dog."))
        .collect::<Vec<_>>()
        .join("\n\n");
    let pdf = evidentia_reports::pdf::render(&render_default_letter(&ctx).unwrap()).unwrap();
    let (pages, text) = pdf_text(&pdf);
    assert!(pages > 1, "{pages}");
    let flat = squeeze(&text);
    assert!(flat.contains(&format!("{pages}/{pages}")));
    assert!(flat.contains(&squeeze("Абзац 59: съешь же ещё")));
    assert!(flat.contains(HASH));
}

#[test]
fn a_template_syntax_error_names_its_line() {
    let template = "^ {{ sender.name }}\n\n# {{ subject }}\n\n{% if bundle %}\nno end\n";
    let err = render_letter(template, &context(Language::En, LetterKind::Notification)).unwrap_err();
    assert!(matches!(err, LetterError::Syntax { .. }), "{err:?}");
    assert!(err.line() >= 5, "{err}");
    assert!(err.to_string().contains(&format!("line {}", err.line())));

    let template = "line one\n{{ subject }\n";
    let err = render_letter(template, &context(Language::En, LetterKind::Notification)).unwrap_err();
    assert!(matches!(err, LetterError::Syntax { line: 2, .. }), "{err:?}");
}

#[test]
fn an_unknown_field_names_the_field_and_line() {
    let template = "^ {{ sender.name }}\n\n# {{ subject }}\n\n{% for i in incidents %}- {{ i.titel }}\n{% endfor %}\n";
    let err = render_letter(template, &context(Language::En, LetterKind::Notification)).unwrap_err();
    assert_eq!(
        err,
        LetterError::UnknownField {
            line: 5,
            field: "i.titel".into()
        },
        "{err}"
    );
    assert_eq!(err.to_string(), "template line 5: unknown field `i.titel`");

    let err = render_letter(
        "a\nb\n{{ recipient.nmae|upper }}",
        &context(Language::En, LetterKind::Appeal),
    )
    .unwrap_err();
    assert_eq!(
        err,
        LetterError::UnknownField {
            line: 3,
            field: "recipient.nmae".into()
        }
    );
    let err = render_letter("{{ nothing }}", &context(Language::En, LetterKind::Appeal)).unwrap_err();
    assert!(err.to_string().contains("`nothing`"), "{err}");
}

#[test]
fn values_cannot_open_blocks_or_inject_html() {
    let mut ctx = context(Language::En, LetterKind::Notification);
    ctx.incidents[0].title = "Title\n\n# Fake heading\n<script>alert(1)</script>".into();
    let doc = render_default_letter(&ctx).unwrap();
    assert_eq!(
        doc.blocks
            .iter()
            .filter(|b| matches!(b, evidentia_reports::doc::Block::Heading(_)))
            .count(),
        1
    );
    let html = evidentia_reports::html::render(&doc);
    assert!(!html.contains("<script>"));
    assert!(html.contains("&lt;script&gt;"));
}

#[test]
fn hostile_letters_do_not_panic() {
    let mut ctx = context(Language::Uk, LetterKind::FollowUp);
    ctx.subject = "Ж".repeat(10_000);
    ctx.incidents[0].title = "x".repeat(10_000);
    ctx.body = "\u{0}\u{7}\u{202e}\u{1F600}\u{FFFF}\t\r\n\r\n".repeat(50);
    ctx.recipient.address = String::new();
    ctx.sender = Sender::default();
    ctx.bundle = None;
    ctx.reference = None;
    ctx.sent_date = None;
    let doc = render_default_letter(&ctx).unwrap();
    let pdf = evidentia_reports::pdf::render(&doc).unwrap();
    let (pages, _) = pdf_text(&pdf);
    assert!(pages >= 2);
    let _ = evidentia_reports::html::render(&doc);

    // Everything empty.
    let empty = LetterContext {
        kind: LetterKind::Notification,
        language: Language::En,
        recipient: Recipient::default(),
        sender: Sender::default(),
        subject: String::new(),
        body: String::new(),
        reference: None,
        sent_date: None,
        incidents: Vec::new(),
        bundle: None,
    };
    let pdf = evidentia_reports::pdf::render(&render_default_letter(&empty).unwrap()).unwrap();
    assert_eq!(pdf_text(&pdf).0, 1);
    // A template that loops for ever is stopped.
    let err = render_letter(
        "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
        &empty,
    );
    assert!(err.is_err());
    assert!(default_template(LetterKind::Appeal, Language::Ru).contains("Обращение"));
}
