//! Charts and the briefing map as vector figures (drawn as SVG in HTML and as paths in PDF). No
//! scripts, no tiles, no external data: a chart must print and archive as it looked.

use crate::doc::{Anchor, Figure, Rgb, Shape, truncate};

const WIDTH: f32 = 480.0;
const FONT: f32 = 8.0;

fn text(x: f32, y: f32, s: impl Into<String>, anchor: Anchor, fill: Rgb) -> Shape {
    Shape::Text {
        x,
        y,
        text: s.into(),
        size: FONT,
        anchor,
        fill,
        bold: false,
    }
}

/// Horizontal bars, one per key, longest first as given. Labels longer than a column are cut with
/// an ellipsis (the table under the chart has them in full).
pub fn bar_chart(caption: &str, rows: &[(String, u64)]) -> Figure {
    let label_w = 170.0;
    let row_h = 16.0;
    let top = 6.0;
    let bar_x = label_w + 8.0;
    let bar_max = WIDTH - bar_x - 40.0;
    let max = rows.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1) as f32;
    let mut shapes = Vec::new();
    for (i, (label, value)) in rows.iter().enumerate() {
        let y = top + i as f32 * row_h;
        let w = (*value as f32 / max * bar_max).max(if *value > 0 { 1.0 } else { 0.0 });
        shapes.push(text(label_w, y + 11.0, truncate(label, 34), Anchor::End, Rgb::BLACK));
        shapes.push(Shape::Rect {
            x: bar_x,
            y: y + 2.0,
            w,
            h: row_h - 5.0,
            fill: Rgb::ACCENT,
        });
        shapes.push(text(
            bar_x + w + 4.0,
            y + 11.0,
            value.to_string(),
            Anchor::Start,
            Rgb::BLACK,
        ));
    }
    shapes.push(Shape::Line {
        x1: bar_x,
        y1: top,
        x2: bar_x,
        y2: top + rows.len() as f32 * row_h,
        stroke: Rgb::GREY,
        width: 0.6,
    });
    Figure {
        width: WIDTH,
        height: top * 2.0 + rows.len().max(1) as f32 * row_h,
        caption: caption.to_owned(),
        shapes,
    }
}

/// A line over consecutive months (`YYYY-MM` keys). Months between the first and the last that
/// have no incident are drawn as zero, so the line does not skip over quiet months.
pub fn month_line_chart(caption: &str, months: &[(String, u64)]) -> Figure {
    let series = fill_months(months);
    let (height, left, right, top, bottom) = (200.0, 36.0, 12.0, 10.0, 34.0);
    let plot_w = WIDTH - left - right;
    let plot_h = height - top - bottom;
    let max = series.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let mut shapes = Vec::new();
    // Axes and three gridlines: 0, half, max.
    for (i, v) in [0, max / 2, max].into_iter().enumerate() {
        if i == 1 && (v == 0 || v == max) {
            continue;
        }
        let y = top + plot_h - v as f32 / max as f32 * plot_h;
        shapes.push(Shape::Line {
            x1: left,
            y1: y,
            x2: left + plot_w,
            y2: y,
            stroke: if v == 0 { Rgb::GREY } else { Rgb::LIGHT },
            width: 0.6,
        });
        shapes.push(text(left - 4.0, y + 3.0, v.to_string(), Anchor::End, Rgb::GREY));
    }
    let n = series.len();
    let x_of = |i: usize| {
        if n <= 1 {
            left + plot_w / 2.0
        } else {
            left + i as f32 / (n - 1) as f32 * plot_w
        }
    };
    let points: Vec<(f32, f32)> = series
        .iter()
        .enumerate()
        .map(|(i, (_, v))| (x_of(i), top + plot_h - *v as f32 / max as f32 * plot_h))
        .collect();
    if points.len() > 1 {
        shapes.push(Shape::Polyline {
            points: points.clone(),
            stroke: Rgb::ACCENT,
            width: 1.5,
        });
    }
    if n <= 60 {
        for (x, y) in &points {
            shapes.push(Shape::Circle {
                cx: *x,
                cy: *y,
                r: 2.0,
                fill: Rgb::ACCENT,
            });
        }
    }
    // At most about 12 month labels.
    let step = n.div_ceil(12).max(1);
    for (i, (key, _)) in series.iter().enumerate() {
        if i % step == 0 || i + 1 == n {
            shapes.push(text(
                x_of(i),
                top + plot_h + 14.0,
                key.clone(),
                Anchor::Middle,
                Rgb::GREY,
            ));
        }
    }
    Figure {
        width: WIDTH,
        height,
        caption: caption.to_owned(),
        shapes,
    }
}

fn parse_month(key: &str) -> Option<(i32, u32)> {
    let (y, m) = key.split_once('-')?;
    let (y, m): (i32, u32) = (y.parse().ok()?, m.parse().ok()?);
    (1..=12).contains(&m).then_some((y, m))
}

/// The months from the first to the last key with zeros in between; keys that are not months
/// (a year alone) are left out. A span of more than 100 years is shown as given.
fn fill_months(months: &[(String, u64)]) -> Vec<(String, u64)> {
    let mut known: Vec<((i32, u32), u64)> = months
        .iter()
        .filter_map(|(k, v)| parse_month(k).map(|ym| (ym, *v)))
        .collect();
    known.sort();
    let (Some(first), Some(last)) = (known.first(), known.last()) else {
        return Vec::new();
    };
    let index = |(y, m): (i32, u32)| i64::from(y) * 12 + i64::from(m) - 1;
    let span = index(last.0) - index(first.0);
    if span > 1200 {
        return known
            .into_iter()
            .map(|((y, m), v)| (format!("{y:04}-{m:02}"), v))
            .collect();
    }
    let mut out = Vec::new();
    for i in index(first.0)..=index(last.0) {
        let (y, m) = (i.div_euclid(12), i.rem_euclid(12) + 1);
        let key = format!("{y:04}-{m:02}");
        let v = known
            .iter()
            .filter(|((ky, km), _)| i64::from(*ky) == y && i64::from(*km) == m)
            .map(|(_, v)| *v)
            .sum();
        out.push((key, v));
    }
    out
}

/// A point on the briefing map; points are numbered in the order given.
#[derive(Debug, Clone, PartialEq)]
pub struct MapPoint {
    pub lat: f64,
    pub lon: f64,
}

/// Points on a plain latitude/longitude box (equirectangular, with the longitude scaled by the
/// cosine of the middle latitude so distances look right at mid latitudes). No tiles, no borders:
/// nothing that would need a network or take a position on a frontier.
pub fn map(caption: &str, points: &[MapPoint], no_points: &str) -> Figure {
    let (width, height) = (WIDTH, 300.0);
    let pad: f64 = 24.0;
    let mut shapes = vec![Shape::Rect {
        x: 0.0,
        y: 0.0,
        w: width,
        h: height,
        fill: Rgb(244, 244, 240),
    }];
    let valid: Vec<&MapPoint> = points
        .iter()
        .filter(|p| p.lat.is_finite() && p.lon.is_finite() && p.lat.abs() <= 90.0 && p.lon.abs() <= 180.0)
        .collect();
    if valid.is_empty() {
        shapes.push(text(width / 2.0, height / 2.0, no_points, Anchor::Middle, Rgb::GREY));
        return Figure {
            width,
            height,
            caption: caption.to_owned(),
            shapes,
        };
    }
    let (mut lat0, mut lat1, mut lon0, mut lon1) = (90.0f64, -90.0f64, 180.0f64, -180.0f64);
    for p in &valid {
        lat0 = lat0.min(p.lat);
        lat1 = lat1.max(p.lat);
        lon0 = lon0.min(p.lon);
        lon1 = lon1.max(p.lon);
    }
    // At least about 0.2° across, and a margin around the points.
    let (mlat, mlon) = (((lat1 - lat0) * 0.1).max(0.1), ((lon1 - lon0) * 0.1).max(0.1));
    let (lat0, lat1) = ((lat0 - mlat).max(-90.0), (lat1 + mlat).min(90.0));
    let (lon0, lon1) = ((lon0 - mlon).max(-180.0), (lon1 + mlon).min(180.0));
    let k = ((lat0 + lat1) / 2.0).to_radians().cos().max(0.05);
    let (span_x, span_y) = ((lon1 - lon0) * k, lat1 - lat0);
    let scale = ((f64::from(width) - 2.0 * pad) / span_x).min((f64::from(height) - 2.0 * pad) / span_y);
    let (used_w, used_h) = (span_x * scale, span_y * scale);
    let ox = (f64::from(width) - used_w) / 2.0;
    let oy = (f64::from(height) - used_h) / 2.0;
    let project = |lat: f64, lon: f64| -> (f32, f32) {
        (
            ((lon - lon0) * k * scale + ox) as f32,
            ((lat1 - lat) * scale + oy) as f32,
        )
    };
    // Graticule at a round step, labelled in degrees.
    let step = [0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0]
        .into_iter()
        .find(|s| (lat1 - lat0).max(lon1 - lon0) / s <= 6.0)
        .unwrap_or(45.0);
    let mut lat = (lat0 / step).ceil() * step;
    while lat <= lat1 {
        let (x0, y) = project(lat, lon0);
        let (x1, _) = project(lat, lon1);
        shapes.push(Shape::Line {
            x1: x0,
            y1: y,
            x2: x1,
            y2: y,
            stroke: Rgb::LIGHT,
            width: 0.5,
        });
        shapes.push(text(x0 + 2.0, y - 2.0, format!("{lat:.1}°"), Anchor::Start, Rgb::GREY));
        lat += step;
    }
    let mut lon = (lon0 / step).ceil() * step;
    while lon <= lon1 {
        let (x, y0) = project(lat1, lon);
        let (_, y1) = project(lat0, lon);
        shapes.push(Shape::Line {
            x1: x,
            y1: y0,
            x2: x,
            y2: y1,
            stroke: Rgb::LIGHT,
            width: 0.5,
        });
        shapes.push(text(x + 2.0, y1 - 2.0, format!("{lon:.1}°"), Anchor::Start, Rgb::GREY));
        lon += step;
    }
    for (i, p) in valid.iter().enumerate() {
        let (x, y) = project(p.lat, p.lon);
        shapes.push(Shape::Circle {
            cx: x,
            cy: y,
            r: 3.5,
            fill: Rgb::MARK,
        });
        // Number the points; the list below the map says which incident each is.
        if valid.len() <= 60 {
            shapes.push(text(x + 5.0, y - 3.0, (i + 1).to_string(), Anchor::Start, Rgb::BLACK));
        }
    }
    Figure {
        width,
        height,
        caption: caption.to_owned(),
        shapes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_filled_with_zeros() {
        let filled = fill_months(&[("2024-11".into(), 2), ("2025-02".into(), 1), ("2024".into(), 9)]);
        assert_eq!(
            filled,
            vec![
                ("2024-11".to_owned(), 2),
                ("2024-12".to_owned(), 0),
                ("2025-01".to_owned(), 0),
                ("2025-02".to_owned(), 1)
            ]
        );
    }

    #[test]
    fn degenerate_inputs_make_figures() {
        assert!(!bar_chart("x", &[]).shapes.is_empty());
        let _ = month_line_chart("x", &[]);
        let _ = month_line_chart("x", &[("2024-01".into(), 0)]);
        let one = map("m", &[MapPoint { lat: 10.0, lon: 10.0 }], "none");
        assert!(one.shapes.iter().any(|s| matches!(s, Shape::Circle { .. })));
        let bad = map(
            "m",
            &[MapPoint {
                lat: f64::NAN,
                lon: 500.0,
            }],
            "none",
        );
        assert!(!bad.shapes.iter().any(|s| matches!(s, Shape::Circle { .. })));
    }
}
