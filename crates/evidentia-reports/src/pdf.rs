//! PDF output: A4 pages laid out from the document model, with DejaVu Sans embedded as subsetted
//! TrueType (CIDFontType2, Identity-H) and a ToUnicode map so that text can be searched, copied
//! and extracted in any script the font covers.
//!
//! Text is set glyph by glyph from the font's character map without shaping. That is correct for
//! the Latin and Cyrillic scripts the letters are written in; scripts that need shaping (Arabic,
//! Indic) would need a shaper, and are the first thing to add if a deployment writes in them.

use std::collections::{BTreeMap, HashMap};

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use subsetter::GlyphRemapper;

use crate::doc::{Anchor, Block, Document, Figure, Rgb, Shape, Table, clean};

const REGULAR_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

const PAGE_W: f32 = 595.276;
const PAGE_H: f32 = 841.89;
const MARGIN_X: f32 = 62.0;
const MARGIN_TOP: f32 = 57.0;
const MARGIN_BOTTOM: f32 = 66.0;
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN_X;

const BODY: f32 = 10.5;
const LEADING: f32 = 1.38;

/// Why a PDF could not be written.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the embedded font cannot be read: {0}")]
    Font(String),
    #[error("the embedded font cannot be subset: {0}")]
    Subset(String),
}

/// One of the two faces, with the glyphs used so far.
struct Face {
    font: ttf_parser::Face<'static>,
    data: &'static [u8],
    postscript_name: &'static str,
    units_per_em: f32,
    ascent: f32,
    descent: f32,
    cap_height: f32,
    bbox: [f32; 4],
    italic_angle: f32,
    /// By character: the original glyph id, its advance (in font units) and the character the
    /// glyph shows (the replacement character where the font lacks one).
    cache: HashMap<char, (u16, f32, char)>,
    remapper: GlyphRemapper,
    /// New glyph id → the character it stands for, and its advance in font units.
    used: BTreeMap<u16, (char, f32)>,
}

impl Face {
    fn new(data: &'static [u8], postscript_name: &'static str) -> Result<Self, PdfError> {
        let font = ttf_parser::Face::parse(data, 0).map_err(|e| PdfError::Font(e.to_string()))?;
        let b = font.global_bounding_box();
        let bbox = [b.x_min, b.y_min, b.x_max, b.y_max].map(f32::from);
        let ascent = f32::from(font.ascender());
        let mut remapper = GlyphRemapper::new();
        // Glyph 0 (.notdef) must stay glyph 0 in the subset.
        remapper.remap(0);
        Ok(Self {
            units_per_em: f32::from(font.units_per_em().max(1)),
            ascent,
            descent: f32::from(font.descender()),
            cap_height: font.capital_height().map_or(ascent * 0.7, f32::from),
            bbox,
            italic_angle: font.italic_angle(),
            font,
            data,
            postscript_name,
            cache: HashMap::new(),
            remapper,
            used: BTreeMap::new(),
        })
    }

    fn lookup(&mut self, c: char) -> (u16, f32, char) {
        if let Some(g) = self.cache.get(&c) {
            return *g;
        }
        let glyph = |ch: char| self.font.glyph_index(ch).map(|g| (g.0, ch)).filter(|(g, _)| *g != 0);
        // A character the font lacks is shown, and extracted, as the replacement character (or
        // "?"), never as an invisible .notdef box.
        let (gid, shown) = glyph(c)
            .or_else(|| glyph('\u{FFFD}'))
            .or_else(|| glyph('?'))
            .unwrap_or((0, c));
        let advance = f32::from(self.font.glyph_hor_advance(ttf_parser::GlyphId(gid)).unwrap_or(0));
        self.cache.insert(c, (gid, advance, shown));
        (gid, advance, shown)
    }

    fn width(&mut self, text: &str, size: f32) -> f32 {
        let units: f32 = text.chars().map(|c| self.lookup(c).1).sum();
        units * size / self.units_per_em
    }

    /// The glyph ids of the subset for `text`, recording what each stands for.
    fn encode(&mut self, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let (gid, advance, shown) = self.lookup(c);
            let new = self.remapper.remap(gid);
            self.used.entry(new).or_insert((shown, advance));
            out.extend_from_slice(&new.to_be_bytes());
        }
        out
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Weight {
    Regular,
    Bold,
}

enum Op {
    Text {
        x: f32,
        y: f32,
        weight: Weight,
        size: f32,
        glyphs: Vec<u8>,
        color: Rgb,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        color: Rgb,
    },
    Path {
        points: Vec<(f32, f32)>,
        color: Rgb,
        width: f32,
    },
    Circle {
        x: f32,
        y: f32,
        r: f32,
        color: Rgb,
    },
}

struct Layout {
    regular: Face,
    bold: Face,
    pages: Vec<Vec<Op>>,
    /// Distance from the top of the page to the top of the next line.
    y: f32,
}

impl Layout {
    fn face(&mut self, weight: Weight) -> &mut Face {
        match weight {
            Weight::Regular => &mut self.regular,
            Weight::Bold => &mut self.bold,
        }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN_TOP;
    }

    fn page_is_empty(&self) -> bool {
        self.pages.last().is_none_or(Vec::is_empty)
    }

    /// Makes room for `height`, starting a new page if the current one cannot hold it.
    fn ensure(&mut self, height: f32) {
        if self.y + height > PAGE_H - MARGIN_BOTTOM && !self.page_is_empty() {
            self.new_page();
        }
    }

    fn text_at(&mut self, x: f32, baseline_from_top: f32, text: &str, weight: Weight, size: f32, color: Rgb) {
        let glyphs = self.face(weight).encode(text);
        self.ops().push(Op::Text {
            x,
            y: PAGE_H - baseline_from_top,
            weight,
            size,
            glyphs,
            color,
        });
    }

    /// Breaks `text` into lines no wider than `max`: at spaces, and inside words that are wider
    /// than a line on their own (a hash, a hostile 10,000-character title).
    fn wrap(&mut self, text: &str, weight: Weight, size: f32, max: f32) -> Vec<String> {
        let face = self.face(weight);
        let space = face.width(" ", size);
        let mut lines = Vec::new();
        let mut line = String::new();
        let mut line_w = 0.0;
        for word in text.split_whitespace() {
            let w = face.width(word, size);
            if !line.is_empty() && line_w + space + w <= max {
                line.push(' ');
                line.push_str(word);
                line_w += space + w;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                line_w = 0.0;
            }
            if w <= max {
                line.push_str(word);
                line_w = w;
                continue;
            }
            for c in word.chars() {
                let cw = face.width(c.encode_utf8(&mut [0; 4]), size);
                if !line.is_empty() && line_w + cw > max {
                    lines.push(std::mem::take(&mut line));
                    line_w = 0.0;
                }
                line.push(c);
                line_w += cw;
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
        lines
    }

    /// Sets wrapped text at `x`, flowing over pages; `right` sets each line flush right.
    #[allow(clippy::too_many_arguments)]
    fn flow(&mut self, text: &str, x: f32, width: f32, weight: Weight, size: f32, color: Rgb, right: bool) {
        let leading = size * LEADING;
        let text = clean(text);
        for line in self.wrap(&text, weight, size, width) {
            self.ensure(leading);
            let lx = if right {
                x + width - self.face(weight).width(&line, size)
            } else {
                x
            };
            let baseline = self.y + size;
            self.text_at(lx, baseline, &line, weight, size, color);
            self.y += leading;
        }
    }

    fn gap(&mut self, h: f32) {
        if !self.page_is_empty() {
            self.y += h;
        }
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Letterhead(lines) => {
                for (i, l) in lines.iter().enumerate() {
                    if i == 0 {
                        self.flow(l, MARGIN_X, CONTENT_W, Weight::Bold, 13.0, Rgb::BLACK, false);
                    } else {
                        self.flow(l, MARGIN_X, CONTENT_W, Weight::Regular, 9.0, Rgb::GREY, false);
                    }
                }
                self.y += 4.0;
                let y = PAGE_H - self.y;
                self.ops().push(Op::Path {
                    points: vec![(MARGIN_X, y), (PAGE_W - MARGIN_X, y)],
                    color: Rgb::GREY,
                    width: 0.6,
                });
                self.y += 16.0;
            }
            Block::Heading(t) => {
                self.gap(8.0);
                self.ensure(14.0 * LEADING * 3.0);
                self.flow(t, MARGIN_X, CONTENT_W, Weight::Bold, 14.0, Rgb::BLACK, false);
                self.y += 6.0;
            }
            Block::Subheading(t) => {
                self.gap(8.0);
                self.ensure(11.5 * LEADING * 3.0);
                self.flow(t, MARGIN_X, CONTENT_W, Weight::Bold, 11.5, Rgb::BLACK, false);
                self.y += 4.0;
            }
            Block::Paragraph(t) => {
                self.flow(t, MARGIN_X, CONTENT_W, Weight::Regular, BODY, Rgb::BLACK, false);
                self.y += 7.0;
            }
            Block::Lines(lines) | Block::RightLines(lines) => {
                let right = matches!(block, Block::RightLines(_));
                for l in lines {
                    self.flow(l, MARGIN_X, CONTENT_W, Weight::Regular, BODY, Rgb::BLACK, right);
                }
                self.y += 10.0;
            }
            Block::List(items) => {
                for item in items {
                    self.ensure(BODY * LEADING);
                    let baseline = self.y + BODY;
                    self.text_at(MARGIN_X + 4.0, baseline, "•", Weight::Regular, BODY, Rgb::BLACK);
                    self.flow(
                        item,
                        MARGIN_X + 16.0,
                        CONTENT_W - 16.0,
                        Weight::Regular,
                        BODY,
                        Rgb::BLACK,
                        false,
                    );
                    self.y += 3.0;
                }
                self.y += 5.0;
            }
            Block::Code(t) => {
                self.flow(t, MARGIN_X, CONTENT_W, Weight::Regular, 9.0, Rgb::BLACK, false);
                self.y += 7.0;
            }
            Block::Table(t) => self.table(t),
            Block::Figure(f) => self.figure(f),
            Block::PageBreak => {
                if !self.page_is_empty() {
                    self.new_page();
                }
            }
        }
    }

    fn table(&mut self, t: &Table) {
        let size = 9.0;
        let leading = size * LEADING;
        let columns = t.header.len().max(t.rows.iter().map(Vec::len).max().unwrap_or(0));
        if columns == 0 {
            return;
        }
        let total: f32 = (0..columns)
            .map(|i| {
                t.widths
                    .get(i)
                    .copied()
                    .filter(|w| w.is_finite() && *w > 0.0)
                    .unwrap_or(1.0)
            })
            .sum();
        let widths: Vec<f32> = (0..columns)
            .map(|i| {
                t.widths
                    .get(i)
                    .copied()
                    .filter(|w| w.is_finite() && *w > 0.0)
                    .unwrap_or(1.0)
                    / total
                    * CONTENT_W
            })
            .collect();
        let pad = 4.0;
        let row = |layout: &mut Self, cells: &[String], weight: Weight| {
            let wrapped: Vec<Vec<String>> = (0..columns)
                .map(|i| {
                    let text = clean(cells.get(i).map(String::as_str).unwrap_or(""));
                    layout.wrap(&text, weight, size, (widths[i] - 2.0 * pad).max(10.0))
                })
                .collect();
            let lines = wrapped.iter().map(Vec::len).max().unwrap_or(0).max(1);
            let height = lines as f32 * leading + 3.0;
            // A row that fits on a page is kept whole; a longer one (a 10,000-character title)
            // continues line by line on the next pages.
            if height <= PAGE_H - MARGIN_TOP - MARGIN_BOTTOM {
                layout.ensure(height);
            }
            for n in 0..lines {
                layout.ensure(leading);
                let baseline = layout.y + size;
                let mut x = MARGIN_X;
                for (i, cell) in wrapped.iter().enumerate() {
                    if let Some(line) = cell.get(n) {
                        let lx = if t.numeric.get(i).copied().unwrap_or(false) {
                            x + widths[i] - pad - layout.face(weight).width(line, size)
                        } else {
                            x + pad
                        };
                        layout.text_at(lx, baseline, line, weight, size, Rgb::BLACK);
                    }
                    x += widths[i];
                }
                layout.y += leading;
            }
            layout.y += 3.0;
            let y = PAGE_H - layout.y + 1.5;
            layout.ops().push(Op::Path {
                points: vec![(MARGIN_X, y), (PAGE_W - MARGIN_X, y)],
                color: Rgb::LIGHT,
                width: 0.5,
            });
        };
        self.ensure(leading * 3.0);
        row(self, &t.header, Weight::Bold);
        for r in &t.rows {
            row(self, r, Weight::Regular);
        }
        self.y += 10.0;
    }

    fn figure(&mut self, f: &Figure) {
        let (w, h) = (f.width.max(1.0), f.height.max(1.0));
        let max_h = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM - 40.0;
        let scale = (CONTENT_W / w).min(max_h / h).min(1.0);
        let (sw, sh) = (w * scale, h * scale);
        self.ensure(sh + 24.0);
        let x0 = MARGIN_X + (CONTENT_W - sw) / 2.0;
        let top = self.y;
        let px = |x: f32| x0 + x * scale;
        let py = |y: f32| PAGE_H - (top + y * scale);
        for s in &f.shapes {
            match s {
                Shape::Rect { x, y, w, h, fill } => {
                    let op = Op::Rect {
                        x: px(*x),
                        y: py(*y + *h),
                        w: *w * scale,
                        h: *h * scale,
                        color: *fill,
                    };
                    self.ops().push(op);
                }
                Shape::Line {
                    x1,
                    y1,
                    x2,
                    y2,
                    stroke,
                    width,
                } => {
                    let op = Op::Path {
                        points: vec![(px(*x1), py(*y1)), (px(*x2), py(*y2))],
                        color: *stroke,
                        width: *width * scale,
                    };
                    self.ops().push(op);
                }
                Shape::Polyline { points, stroke, width } => {
                    let op = Op::Path {
                        points: points.iter().map(|(x, y)| (px(*x), py(*y))).collect(),
                        color: *stroke,
                        width: *width * scale,
                    };
                    self.ops().push(op);
                }
                Shape::Circle { cx, cy, r, fill } => {
                    let op = Op::Circle {
                        x: px(*cx),
                        y: py(*cy),
                        r: *r * scale,
                        color: *fill,
                    };
                    self.ops().push(op);
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
                    let weight = if *bold { Weight::Bold } else { Weight::Regular };
                    let size = *size * scale;
                    let text = clean(text);
                    let tw = self.face(weight).width(&text, size);
                    let x = match anchor {
                        Anchor::Start => px(*x),
                        Anchor::Middle => px(*x) - tw / 2.0,
                        Anchor::End => px(*x) - tw,
                    };
                    let glyphs = self.face(weight).encode(&text);
                    let op = Op::Text {
                        x,
                        y: py(*y),
                        weight,
                        size,
                        glyphs,
                        color: *fill,
                    };
                    self.ops().push(op);
                }
            }
        }
        self.y += sh + 4.0;
        self.flow(&f.caption, MARGIN_X, CONTENT_W, Weight::Regular, 8.5, Rgb::GREY, false);
        self.y += 10.0;
    }
}

/// The least height a block needs on a page before it starts: a figure whole, a table's header
/// and first row, three lines of text.
fn min_height(block: &Block) -> f32 {
    match block {
        Block::Figure(f) => {
            let (w, h) = (f.width.max(1.0), f.height.max(1.0));
            let max_h = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM - 40.0;
            h * (CONTENT_W / w).min(max_h / h).min(1.0) + 24.0
        }
        Block::PageBreak => 0.0,
        _ => 3.0 * BODY * LEADING,
    }
}

/// Renders a document as a PDF file.
pub fn render(doc: &Document) -> Result<Vec<u8>, PdfError> {
    let layout = lay_out(doc)?;
    write_pdf(doc, layout)
}

fn lay_out(doc: &Document) -> Result<Layout, PdfError> {
    let mut layout = Layout {
        regular: Face::new(REGULAR_TTF, "DejaVuSans")?,
        bold: Face::new(BOLD_TTF, "DejaVuSans-Bold")?,
        pages: Vec::new(),
        y: MARGIN_TOP,
    };
    layout.new_page();
    for (i, block) in doc.blocks.iter().enumerate() {
        // A heading stays with the start of what follows it.
        if let (Block::Heading(_) | Block::Subheading(_), Some(next)) = (block, doc.blocks.get(i + 1)) {
            layout.ensure(40.0 + min_height(next));
        }
        layout.block(block);
    }
    // Page numbers, now that the count is known.
    let count = layout.pages.len();
    for i in 0..count {
        let label = format!("{} / {count}", i + 1);
        let w = layout.regular.width(&label, 8.5);
        let glyphs = layout.regular.encode(&label);
        layout.pages[i].push(Op::Text {
            x: (PAGE_W - w) / 2.0,
            y: 34.0,
            weight: Weight::Regular,
            size: 8.5,
            glyphs,
            color: Rgb::GREY,
        });
    }
    Ok(layout)
}

fn compress(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

fn content_stream(ops: &[Op]) -> Vec<u8> {
    let mut c = Content::new();
    for op in ops {
        match op {
            Op::Text {
                x,
                y,
                weight,
                size,
                glyphs,
                color,
            } => {
                let (r, g, b) = color.floats();
                let font = match weight {
                    Weight::Regular => Name(b"F1"),
                    Weight::Bold => Name(b"F2"),
                };
                c.begin_text();
                c.set_fill_rgb(r, g, b);
                c.set_font(font, *size);
                c.set_text_matrix([1.0, 0.0, 0.0, 1.0, *x, *y]);
                c.show(Str(glyphs));
                c.end_text();
            }
            Op::Rect { x, y, w, h, color } => {
                let (r, g, b) = color.floats();
                c.set_fill_rgb(r, g, b);
                c.rect(*x, *y, *w, *h);
                c.fill_nonzero();
            }
            Op::Path { points, color, width } => {
                let Some(((x0, y0), rest)) = points.split_first() else {
                    continue;
                };
                let (r, g, b) = color.floats();
                c.set_stroke_rgb(r, g, b);
                c.set_line_width(*width);
                c.move_to(*x0, *y0);
                for (x, y) in rest {
                    c.line_to(*x, *y);
                }
                c.stroke();
            }
            Op::Circle { x, y, r, color } => {
                // Four Bézier quarter arcs.
                let k = 0.552_284_8 * r;
                let (cr, cg, cb) = color.floats();
                c.set_fill_rgb(cr, cg, cb);
                c.move_to(x + r, *y);
                c.cubic_to(x + r, y + k, x + k, y + r, *x, y + r);
                c.cubic_to(x - k, y + r, x - r, y + k, x - r, *y);
                c.cubic_to(x - r, y - k, x - k, y - r, *x, y - r);
                c.cubic_to(x + k, y - r, x + r, y - k, x + r, *y);
                c.close_path();
                c.fill_nonzero();
            }
        }
    }
    c.finish().to_vec()
}

/// A six-letter subset tag derived from the glyphs used, as the PDF specification asks
/// (`ABCDEF+FontName`), so identical subsets get identical names.
fn subset_tag(face: &Face) -> String {
    let mut h: u32 = 2_166_136_261;
    for g in face.used.keys() {
        for b in g.to_be_bytes() {
            h = (h ^ u32::from(b)).wrapping_mul(16_777_619);
        }
    }
    (0..6).map(|i| char::from(b'A' + ((h >> (i * 5)) % 26) as u8)).collect()
}

struct Ids {
    next: i32,
}

impl Ids {
    fn next(&mut self) -> Ref {
        self.next += 1;
        Ref::new(self.next)
    }
}

/// The ToUnicode map in the minimal form of the PDF specification's own example (ISO 32000-1,
/// 9.10.3), which simple text extractors parse as well as full readers do; bfchar sections hold at
/// most 100 entries each, as the specification requires.
fn to_unicode_cmap(face: &Face) -> Vec<u8> {
    use std::fmt::Write as _;
    let mut out = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let entries: Vec<(&u16, &(char, f32))> = face.used.iter().filter(|(gid, _)| **gid != 0).collect();
    for chunk in entries.chunks(100) {
        let _ = writeln!(out, "{} beginbfchar", chunk.len());
        for (gid, (c, _)) in chunk {
            let mut units = [0u16; 2];
            let utf16: String = c.encode_utf16(&mut units).iter().map(|u| format!("{u:04X}")).collect();
            let _ = writeln!(out, "<{gid:04X}> <{utf16}>");
        }
        out.push_str("endbfchar\n");
    }
    out.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    out.into_bytes()
}

fn write_font(pdf: &mut Pdf, ids: &mut Ids, face: &Face) -> Result<Option<Ref>, PdfError> {
    if face.used.is_empty() {
        return Ok(None);
    }
    let type0 = ids.next();
    let cid = ids.next();
    let descriptor = ids.next();
    let cmap_ref = ids.next();
    let file = ids.next();
    let name = format!("{}+{}", subset_tag(face), face.postscript_name);
    let name = Name(name.as_bytes());
    let to_pdf = |v: f32| v * 1000.0 / face.units_per_em;

    pdf.type0_font(type0)
        .base_font(name)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid)
        .to_unicode(cmap_ref);

    let system_info = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    let mut cid_font = pdf.cid_font(cid);
    cid_font
        .subtype(CidFontType::Type2)
        .base_font(name)
        .system_info(system_info)
        .font_descriptor(descriptor)
        .default_width(0.0)
        .cid_to_gid_map_predefined(Name(b"Identity"));
    {
        let mut widths = cid_font.widths();
        for (gid, (_, advance)) in &face.used {
            widths.consecutive(*gid, [to_pdf(*advance)]);
        }
    }
    cid_font.finish();

    let [x0, y0, x1, y1] = face.bbox;
    pdf.font_descriptor(descriptor)
        .name(name)
        .flags(FontFlags::NON_SYMBOLIC)
        .bbox(Rect::new(to_pdf(x0), to_pdf(y0), to_pdf(x1), to_pdf(y1)))
        .italic_angle(face.italic_angle)
        .ascent(to_pdf(face.ascent))
        .descent(to_pdf(face.descent))
        .cap_height(to_pdf(face.cap_height))
        .stem_v(80.0)
        .font_file2(file);

    let cmap = to_unicode_cmap(face);
    pdf.stream(cmap_ref, &compress(&cmap)).filter(Filter::FlateDecode);

    let subset = subsetter::subset(face.data, 0, &face.remapper).map_err(|e| PdfError::Subset(format!("{e:?}")))?;
    let compressed = compress(&subset);
    let mut stream = pdf.stream(file, &compressed);
    stream.filter(Filter::FlateDecode);
    stream.pair(Name(b"Length1"), i32::try_from(subset.len()).unwrap_or(i32::MAX));
    stream.finish();
    Ok(Some(type0))
}

fn write_pdf(doc: &Document, layout: Layout) -> Result<Vec<u8>, PdfError> {
    let mut pdf = Pdf::new();
    let mut ids = Ids { next: 0 };
    let catalog = ids.next();
    let tree = ids.next();
    let info = ids.next();
    let regular = write_font(&mut pdf, &mut ids, &layout.regular)?;
    let bold = write_font(&mut pdf, &mut ids, &layout.bold)?;

    let mut kids = Vec::new();
    for ops in &layout.pages {
        let page = ids.next();
        let content = ids.next();
        kids.push(page);
        let data = compress(&content_stream(ops));
        pdf.stream(content, &data).filter(Filter::FlateDecode);
        let mut p = pdf.page(page);
        p.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H))
            .parent(tree)
            .contents(content);
        let mut resources = p.resources();
        let mut fonts = resources.fonts();
        if let Some(regular) = regular {
            fonts.pair(Name(b"F1"), regular);
        }
        if let Some(bold) = bold {
            fonts.pair(Name(b"F2"), bold);
        }
    }
    let count = i32::try_from(kids.len()).unwrap_or(i32::MAX);
    pdf.pages(tree).kids(kids).count(count);
    let lang = doc.language.code();
    pdf.catalog(catalog).pages(tree).lang(TextStr(lang));
    let title = clean(&doc.title);
    pdf.document_info(info)
        .title(TextStr(&title))
        .producer(TextStr("Evidentia"));
    Ok(pdf.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Language;

    #[test]
    fn hostile_text_stays_inside_the_page() {
        let long = "Щ".repeat(10_000);
        let words = "word ".repeat(3_000);
        let doc = Document {
            title: long.clone(),
            language: Language::Uk,
            blocks: vec![
                Block::Letterhead(vec![long.clone(), words.clone()]),
                Block::Heading(long.clone()),
                Block::RightLines(vec![long.clone()]),
                Block::List(vec![long.clone(), words.clone()]),
                Block::Code(long.clone()),
                Block::Table(Table {
                    header: vec![long.clone(), String::new()],
                    rows: vec![vec![words.clone(), long.clone(), "extra cell".into()], vec![]],
                    widths: vec![f32::NAN, -1.0],
                    numeric: vec![true],
                }),
                Block::Figure(Figure {
                    width: 0.0,
                    height: 1e9,
                    caption: long.clone(),
                    shapes: vec![],
                }),
            ],
        };
        let layout = lay_out(&doc).unwrap();
        assert!(layout.pages.len() > 5);
        for ops in &layout.pages {
            for op in ops {
                if let Op::Text { x, y, .. } = op {
                    assert!((MARGIN_X - 1.0..=PAGE_W - MARGIN_X).contains(x), "x {x}");
                    assert!((30.0..=PAGE_H - MARGIN_TOP).contains(y), "y {y}");
                }
            }
        }
    }

    #[test]
    fn characters_the_font_lacks_become_the_replacement_character() {
        let mut face = Face::new(REGULAR_TTF, "DejaVuSans").unwrap();
        face.encode("a中\u{E000}Ж");
        let shown: Vec<char> = face.used.values().map(|(c, _)| *c).collect();
        assert_eq!(shown, ['a', '\u{FFFD}', 'Ж']);
    }

    #[test]
    fn output_is_deterministic() {
        let doc = Document {
            title: "t".into(),
            language: Language::En,
            blocks: vec![Block::Paragraph("Same input, same bytes: Ґґ Її Єє Ёё".into())],
        };
        assert_eq!(render(&doc).unwrap(), render(&doc).unwrap());
    }
}
