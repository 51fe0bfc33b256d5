//! Standalone HTML: one file, no scripts, no external resources, every text escaped, with a print
//! style sheet for A4. Figures are inline SVG written by hand.

use std::fmt::Write as _;

use crate::doc::{Anchor, Block, Document, Figure, Shape, Table};

const STYLE: &str = r#"
@page { size: A4; margin: 20mm; }
html { font-family: "DejaVu Sans", "Noto Sans", Arial, sans-serif; font-size: 11pt; line-height: 1.4; color: #000; }
body { max-width: 170mm; margin: 2em auto; padding: 0 1em; }
.letterhead { border-bottom: 1px solid #444; padding-bottom: .5em; margin-bottom: 1.5em; }
.letterhead p { margin: 0; }
.letterhead p:first-child { font-weight: bold; font-size: 1.15em; }
.lines p, .right p { margin: 0; }
.lines, .right { margin: 1em 0; }
.right { text-align: right; }
h1 { font-size: 1.3em; margin: 1.2em 0 .6em; }
h2 { font-size: 1.1em; margin: 1.2em 0 .4em; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: .9em; word-break: break-all; }
pre.code { white-space: pre-wrap; word-break: break-all; margin: .5em 0; }
table { border-collapse: collapse; width: 100%; margin: .5em 0 1em; }
th, td { border-bottom: 1px solid #ccc; padding: .15em .4em; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1em 0; break-inside: avoid; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: .9em; color: #444; }
p, li { overflow-wrap: anywhere; }
.page-break { break-after: page; }
@media print { body { margin: 0; max-width: none; padding: 0; } }
"#;

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Renders a document as one standalone HTML page.
pub fn render(doc: &Document) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        doc.language.code(),
        escape(&doc.title)
    );
    for block in &doc.blocks {
        block_html(&mut out, block);
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn paragraphs(out: &mut String, class: &str, lines: &[String]) {
    let _ = writeln!(out, "<div class=\"{class}\">");
    for l in lines {
        let _ = writeln!(out, "<p>{}</p>", escape(l));
    }
    out.push_str("</div>\n");
}

fn block_html(out: &mut String, block: &Block) {
    match block {
        Block::Letterhead(lines) => paragraphs(out, "letterhead", lines),
        Block::Heading(t) => {
            let _ = writeln!(out, "<h1>{}</h1>", escape(t));
        }
        Block::Subheading(t) => {
            let _ = writeln!(out, "<h2>{}</h2>", escape(t));
        }
        Block::Paragraph(t) => {
            let _ = writeln!(out, "<p>{}</p>", escape(t));
        }
        Block::Lines(lines) => paragraphs(out, "lines", lines),
        Block::RightLines(lines) => paragraphs(out, "right", lines),
        Block::List(items) => {
            out.push_str("<ul>\n");
            for i in items {
                let _ = writeln!(out, "<li>{}</li>", escape(i));
            }
            out.push_str("</ul>\n");
        }
        Block::Code(t) => {
            let _ = writeln!(out, "<pre class=\"code\"><code>{}</code></pre>", escape(t));
        }
        Block::Table(t) => table_html(out, t),
        Block::Figure(f) => {
            out.push_str("<figure>\n");
            out.push_str(&svg(f));
            let _ = writeln!(out, "<figcaption>{}</figcaption>\n</figure>", escape(&f.caption));
        }
        Block::PageBreak => out.push_str("<div class=\"page-break\"></div>\n"),
    }
}

fn table_html(out: &mut String, t: &Table) {
    let class = |i: usize| {
        if t.numeric.get(i).copied().unwrap_or(false) {
            " class=\"n\""
        } else {
            ""
        }
    };
    out.push_str("<table>\n<thead><tr>");
    for (i, h) in t.header.iter().enumerate() {
        let _ = write!(out, "<th{}>{}</th>", class(i), escape(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &t.rows {
        out.push_str("<tr>");
        for (i, c) in row.iter().enumerate() {
            let _ = write!(out, "<td{}>{}</td>", class(i), escape(c));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

fn num(v: f32) -> String {
    let v = if v.is_finite() { v } else { 0.0 };
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// A figure as an inline SVG element (no scripts, no external references).
pub fn svg(f: &Figure) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" font-family=\"DejaVu Sans, sans-serif\">\n<title>{}</title>",
        escape(&f.caption),
        w = num(f.width),
        h = num(f.height),
    );
    for s in &f.shapes {
        match s {
            Shape::Rect { x, y, w, h, fill } => {
                let _ = writeln!(
                    out,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>",
                    num(*x),
                    num(*y),
                    num(*w),
                    num(*h),
                    fill.hex()
                );
            }
            Shape::Line {
                x1,
                y1,
                x2,
                y2,
                stroke,
                width,
            } => {
                let _ = writeln!(
                    out,
                    "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"{}\"/>",
                    num(*x1),
                    num(*y1),
                    num(*x2),
                    num(*y2),
                    stroke.hex(),
                    num(*width)
                );
            }
            Shape::Polyline { points, stroke, width } => {
                let pts: Vec<String> = points.iter().map(|(x, y)| format!("{},{}", num(*x), num(*y))).collect();
                let _ = writeln!(
                    out,
                    "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\"/>",
                    pts.join(" "),
                    stroke.hex(),
                    num(*width)
                );
            }
            Shape::Circle { cx, cy, r, fill } => {
                let _ = writeln!(
                    out,
                    "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\"/>",
                    num(*cx),
                    num(*cy),
                    num(*r),
                    fill.hex()
                );
            }
            Shape::Text {
                x,
                y,
                text,
                size,
                anchor,
                fill,
                bold,
            } => {
                let anchor = match anchor {
                    Anchor::Start => "start",
                    Anchor::Middle => "middle",
                    Anchor::End => "end",
                };
                let weight = if *bold { " font-weight=\"bold\"" } else { "" };
                let _ = writeln!(
                    out,
                    "<text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"{anchor}\" fill=\"{}\"{weight}>{}</text>",
                    num(*x),
                    num(*y),
                    num(*size),
                    fill.hex(),
                    escape(text)
                );
            }
        }
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Language;

    #[test]
    fn text_is_escaped_everywhere() {
        let doc = Document {
            title: "<script>".into(),
            language: Language::En,
            blocks: vec![
                Block::Paragraph("a & <b>\"x\"</b>".into()),
                Block::Figure(Figure {
                    width: 10.0,
                    height: 10.0,
                    caption: "<c>".into(),
                    shapes: vec![Shape::Text {
                        x: 0.0,
                        y: 0.0,
                        text: "</svg><script>".into(),
                        size: 9.0,
                        anchor: Anchor::Start,
                        fill: crate::doc::Rgb::BLACK,
                        bold: false,
                    }],
                }),
            ],
        };
        let html = render(&doc);
        assert!(!html.contains("<script>"));
        assert!(!html.contains("<b>"));
        assert!(html.contains("a &amp; &lt;b&gt;&quot;x&quot;&lt;/b&gt;"));
        assert_eq!(html.matches("</svg>").count(), 1);
    }
}
