//! The one document model that letters and reports are built into, and that the HTML and PDF
//! renderers both draw. Keeping a single model means the two outputs say the same thing.

use serde::Serialize;

use crate::Language;

/// A document ready to be rendered.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Document {
    /// The title of the HTML page and of the PDF's metadata.
    pub title: String,
    pub language: Language,
    pub blocks: Vec<Block>,
}

/// One block of a document, laid out top to bottom.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", content = "content", rename_all = "snake_case")]
pub enum Block {
    /// The sender's letterhead: the first line bold, a rule below.
    Letterhead(Vec<String>),
    Heading(String),
    Subheading(String),
    Paragraph(String),
    /// Lines whose breaks are kept (an address).
    Lines(Vec<String>),
    /// Lines set flush right (date, reference).
    RightLines(Vec<String>),
    List(Vec<String>),
    /// Text that must be read character by character (a hash), set apart and never hyphenated.
    Code(String),
    Table(Table),
    Figure(Figure),
    PageBreak,
}

/// A simple table; numeric columns are set flush right.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Relative widths of the columns (any positive numbers).
    pub widths: Vec<f32>,
    pub numeric: Vec<bool>,
}

/// A vector drawing (chart or map) in points, y growing downwards as in SVG.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    pub width: f32,
    pub height: f32,
    /// Read by screen readers (SVG `<title>`) and printed under the figure.
    pub caption: String,
    pub shapes: Vec<Shape>,
}

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub const BLACK: Rgb = Rgb(0, 0, 0);
    pub const GREY: Rgb = Rgb(120, 120, 120);
    pub const LIGHT: Rgb = Rgb(225, 225, 225);
    pub const ACCENT: Rgb = Rgb(31, 84, 140);
    pub const MARK: Rgb = Rgb(176, 48, 32);

    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    pub(crate) fn floats(self) -> (f32, f32, f32) {
        (
            f32::from(self.0) / 255.0,
            f32::from(self.1) / 255.0,
            f32::from(self.2) / 255.0,
        )
    }
}

/// Where a text's x coordinate sits on the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Anchor {
    Start,
    Middle,
    End,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "shape", rename_all = "snake_case")]
pub enum Shape {
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Rgb,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        stroke: Rgb,
        width: f32,
    },
    Polyline {
        points: Vec<(f32, f32)>,
        stroke: Rgb,
        width: f32,
    },
    Circle {
        cx: f32,
        cy: f32,
        r: f32,
        fill: Rgb,
    },
    /// One line of text; `y` is its baseline.
    Text {
        x: f32,
        y: f32,
        text: String,
        size: f32,
        anchor: Anchor,
        fill: Rgb,
        bold: bool,
    },
}

/// Makes a text safe to lay out: control characters (other than none) become spaces, so a hostile
/// title cannot break lines or the PDF's text operators.
pub(crate) fn clean(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// Shortens a text to `max` characters with an ellipsis, for chart labels.
pub(crate) fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
    s.push('…');
    s
}
