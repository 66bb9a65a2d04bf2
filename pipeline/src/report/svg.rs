//! Hand-written SVG charts (horizontal bars, stacked bars, lines, heatmap): self-contained, no fonts or
//! scripts to fetch, styled to match the report, and readable as standalone files.

use cinepicks_domain::identity;
use maud::{Markup, html};

/// The charts' palette: the cinema's wine red, a night blue, its gold, then supporting colours.
pub const PALETTE: [&str; 8] =
    [identity::ACCENT, NIGHT, identity::GOLD, "#2a7f62", "#6d4c8d", "#d9822b", "#3a7bd5", "#6b7280"];
/// The second series colour, beside the accent.
pub const NIGHT: &str = "#1f3b5b";

const WIDTH: f64 = 760.0;

/// Height of the title band above every chart.
const TITLE_BAND: f64 = 30.0;

/// A whole SVG document with its title, shown and accessible; `body` is drawn in a group below the title band,
/// in coordinates starting at 0. maud escapes every text and attribute; elements are closed explicitly, so the
/// document is well-formed XML as a standalone `.svg` file.
fn document(height: f64, title: &str, body: Markup) -> String {
    let total = height + TITLE_BAND;
    html! {
        svg xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {WIDTH} {total}")) width=(WIDTH) height=(total)
            role="img" aria-label=(title) font-family=(identity::TEXT_FONT) font-size="12" {
            title { (title) }
            rect width="100%" height="100%" fill="#ffffff" {}
            text x="8" y="19" font-size="14" font-weight="600" fill=(identity::INK) { (title) }
            g transform=(format!("translate(0,{TITLE_BAND})")) { (body) }
        }
    }
    .into_string()
}

/// A coordinate or length with one decimal, as every chart writes them.
fn d1(value: f64) -> String {
    format!("{value:.1}")
}

/// Shortens a label to `max` characters with an ellipsis.
fn clip(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_owned()
    } else {
        let mut s: String = label.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// One horizontal bar.
pub struct Bar {
    pub label: String,
    pub value: f64,
    /// Text shown at the end of the bar.
    pub shown: String,
    pub color: &'static str,
}

/// Horizontal bars, longest first as given; values must be ≥ 0.
pub fn hbar(title: &str, bars: &[Bar]) -> String {
    let row = 24.0;
    // Room for the longest value text after the longest bar.
    let longest = bars.iter().map(|b| b.shown.chars().count()).max().unwrap_or(0) as f64;
    let (left, right, top) = (210.0, (7.0 * longest + 14.0).max(60.0), 12.0);
    let height = top * 2.0 + row * bars.len().max(1) as f64;
    let max = bars.iter().map(|b| b.value).fold(0.0_f64, f64::max).max(f64::MIN_POSITIVE);
    let span = WIDTH - left - right;
    let body = html! {
        @for (i, b) in bars.iter().enumerate() {
            @let y = top + i as f64 * row;
            @let w = (b.value.max(0.0) / max * span).max(1.0);
            @let ty = y + row / 2.0 + 4.0;
            text x=(left - 8.0) y=(ty) text-anchor="end" fill="#222" { (clip(&b.label, 32)) }
            rect x=(left) y=(y + 3.0) width=(d1(w)) height=(row - 6.0) rx="3" fill=(b.color) {}
            text x=(d1(left + w + 6.0)) y=(ty) fill="#444" { (b.shown) }
        }
        @if bars.is_empty() { (empty_note(height)) }
    };
    document(height, title, body)
}

/// One bar made of coloured segments (values ≥ 0), with a total shown at its end.
pub struct Stacked {
    pub label: String,
    pub segments: Vec<f64>,
    pub shown: String,
}

/// Horizontal stacked bars over a shared scale from 0 to `max`; `legend` names the segments.
pub fn stacked_hbar(title: &str, bars: &[Stacked], legend: &[&str], max: f64) -> String {
    let row = 26.0;
    let (left, right, top) = (210.0, 80.0, 38.0);
    let height = top + 12.0 + row * bars.len().max(1) as f64;
    let span = WIDTH - left - right;
    let legend = legend.iter().enumerate().map(|(i, l)| (*l, PALETTE[i % PALETTE.len()], false));
    let body = html! {
        (legend_row(left, 16.0, legend))
        @for (i, b) in bars.iter().enumerate() {
            @let y = top + i as f64 * row;
            // Each segment starts where the previous one ended.
            @let widths: Vec<f64> = b.segments.iter().map(|v| v.max(0.0) / max.max(f64::MIN_POSITIVE) * span).collect();
            @let starts: Vec<f64> = widths.iter().scan(left, |x, w| { let at = *x; *x += w; Some(at) }).collect();
            @for (k, (x, w)) in starts.iter().zip(&widths).enumerate() {
                rect x=(d1(*x)) y=(y + 4.0) width=(d1(*w)) height=(row - 8.0) fill=(PALETTE[k % PALETTE.len()]) {}
            }
            @let end = widths.iter().fold(left, |x, w| x + w);
            @let ty = y + row / 2.0 + 4.0;
            text x=(left - 8.0) y=(ty) text-anchor="end" fill="#222" { (clip(&b.label, 32)) }
            text x=(d1(end + 6.0)) y=(ty) fill="#222" font-weight="600" { (b.shown) }
        }
        @if bars.is_empty() { (empty_note(height)) }
    };
    document(height, title, body)
}

/// A line of a line chart.
pub struct Line {
    pub name: String,
    pub color: &'static str,
    pub points: Vec<(f64, f64)>,
    pub dashed: bool,
}

/// Round tick values covering [lo, hi] (about `n` of them).
pub fn nice_ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) {
        return vec![];
    }
    let (lo, hi) = if hi > lo { (lo, hi) } else { (lo - 1.0, hi + 1.0) };
    let raw = (hi - lo) / n.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * mag).find(|s| *s >= raw).unwrap_or(10.0 * mag);
    let start = (lo / step).floor() * step;
    let mut ticks = Vec::new();
    let mut t = start;
    while t <= hi + step * 1e-9 {
        ticks.push(if t.abs() < step * 1e-9 { 0.0 } else { t });
        t += step;
    }
    if ticks.last().is_some_and(|l| *l < hi) {
        ticks.push(t);
    }
    ticks
}

/// Lines over a numeric x axis (years), with axes, grid and legend. `y_fmt` formats the y ticks.
pub fn lines(title: &str, series: &[Line], x_label: &str, y_label: &str, y_fmt: &dyn Fn(f64) -> String) -> String {
    let height = 340.0;
    let (left, right, top, bottom) = (64.0, 24.0, 40.0, 44.0);
    let points: Vec<(f64, f64)> =
        series.iter().flat_map(|l| l.points.iter().copied()).filter(|(x, y)| x.is_finite() && y.is_finite()).collect();
    if points.is_empty() {
        return document(height, title, empty_note(height));
    }
    let (x0, x1) = points.iter().fold((f64::MAX, f64::MIN), |(a, b), (x, _)| (a.min(*x), b.max(*x)));
    // x is a year or a decade: a single one gets a decade of room on each side, ticks stay whole.
    let (x0, x1) = if x1 - x0 < 1.0 { (x0 - 10.0, x1 + 10.0) } else { (x0, x1) };
    let (y0, y1) = points.iter().fold((f64::MAX, f64::MIN), |(a, b), (_, y)| (a.min(*y), b.max(*y)));
    let y_ticks = nice_ticks(if y0 > 0.0 && y0 < (y1 - y0) { 0.0 } else { y0 }, y1, 5);
    let x_ticks: Vec<f64> = nice_ticks(x0, x1, 8).into_iter().filter(|t| t.fract() == 0.0).collect();
    let (ylo, yhi) = (*y_ticks.first().unwrap_or(&y0), *y_ticks.last().unwrap_or(&y1));
    let (xlo, xhi) = (x0.min(*x_ticks.first().unwrap_or(&x0)), x1.max(*x_ticks.last().unwrap_or(&x1)));
    let (pw, ph) = (WIDTH - left - right, height - top - bottom);
    let sx = |x: f64| left + if xhi > xlo { (x - xlo) / (xhi - xlo) * pw } else { pw / 2.0 };
    let sy = |y: f64| top + ph - if yhi > ylo { (y - ylo) / (yhi - ylo) * ph } else { ph / 2.0 };
    let (axis, cy) = (top + ph, top + ph / 2.0);
    let body = html! {
        @for t in &y_ticks {
            line x1=(left) x2=(WIDTH - right) y1=(d1(sy(*t))) y2=(d1(sy(*t))) stroke="#e5e7eb" {}
            text x=(left - 6.0) y=(d1(sy(*t) + 4.0)) text-anchor="end" fill="#555" { (y_fmt(*t)) }
        }
        @for t in x_ticks.iter().filter(|t| **t >= xlo && **t <= xhi) {
            line x1=(d1(sx(*t))) x2=(d1(sx(*t))) y1=(axis) y2=(axis + 5.0) stroke="#9ca3af" {}
            text x=(d1(sx(*t))) y=(axis + 18.0) text-anchor="middle" fill="#555" { (t) }
        }
        line x1=(left) x2=(WIDTH - right) y1=(axis) y2=(axis) stroke="#9ca3af" {}
        text x=(left + pw / 2.0) y=(height - 6.0) text-anchor="middle" fill="#555" { (x_label) }
        text x="14" y=(cy) text-anchor="middle" fill="#555" transform=(format!("rotate(-90 14 {cy})")) { (y_label) }
        @for l in series {
            @let pts: Vec<(String, String)> = l.points.iter()
                .filter(|(x, y)| x.is_finite() && y.is_finite())
                .map(|(x, y)| (d1(sx(*x)), d1(sy(*y))))
                .collect();
            @if !pts.is_empty() {
                @let joined = pts.iter().map(|(x, y)| format!("{x},{y}")).collect::<Vec<_>>().join(" ");
                polyline points=(joined) fill="none" stroke=(l.color) stroke-width="2.2" stroke-linejoin="round"
                    stroke-dasharray=[l.dashed.then_some("6 4")] {}
                @if pts.len() <= 40 && !l.dashed {
                    @for (x, y) in &pts {
                        circle cx=(x) cy=(y) r="2.6" fill=(l.color) {}
                    }
                }
            }
        }
        (legend_row(left, 18.0, series.iter().map(|l| (l.name.as_str(), l.color, l.dashed))))
    };
    document(height, title, body)
}

fn legend_row<'a>(x0: f64, y: f64, items: impl Iterator<Item = (&'a str, &'a str, bool)>) -> Markup {
    let mut x = x0;
    let mut entries = Vec::new();
    for (name, color, dashed) in items {
        entries.push((x, name, color, dashed));
        x += 24.0 + 7.0 * name.chars().count() as f64 + 18.0;
    }
    html! {
        @for (x, name, color, dashed) in entries {
            line x1=(x) x2=(x + 18.0) y1=(y) y2=(y) stroke=(color) stroke-width="4"
                stroke-dasharray=[dashed.then_some("5 3")] {}
            text x=(x + 24.0) y=(y + 4.0) fill="#333" { (name) }
        }
    }
}

/// A grid of coloured cells: red above `center`, blue below, white at it; `fmt` writes each value.
pub fn heatmap(
    title: &str,
    rows: &[String],
    columns: &[String],
    values: &[Vec<Option<f64>>],
    center: f64,
    fmt: &dyn Fn(f64) -> String,
) -> String {
    let (left, top, cell_h) = (150.0, 96.0, 24.0);
    let cols = columns.len().max(1) as f64;
    let cell_w = ((WIDTH - left - 10.0) / cols).min(80.0);
    let height = top + cell_h * rows.len().max(1) as f64 + 10.0;
    let spread =
        values.iter().flatten().flatten().map(|v| (v - center).abs()).fold(0.0_f64, f64::max).max(f64::MIN_POSITIVE);
    let body = html! {
        @for (j, c) in columns.iter().enumerate() {
            @let x = d1(left + cell_w * (j as f64 + 0.5));
            text x=(x) y=(top - 8.0) fill="#333" transform=(format!("rotate(-40 {x} {})", top - 8.0)) { (clip(c, 16)) }
        }
        @for (i, r) in rows.iter().enumerate() {
            @let y = top + cell_h * i as f64;
            @let ty = y + cell_h / 2.0 + 4.0;
            text x=(left - 8.0) y=(ty) text-anchor="end" fill="#222" { (clip(r, 22)) }
            @for (j, v) in values.get(i).into_iter().flatten().enumerate() {
                @let x = left + cell_w * j as f64;
                @let (fill, shown) = match v {
                    Some(v) => (blend(((v - center) / spread).clamp(-1.0, 1.0)), fmt(*v)),
                    None => ("#f3f4f6".to_owned(), String::new()),
                };
                rect x=(d1(x)) y=(y) width=(d1(cell_w)) height=(cell_h) fill=(fill) stroke="#fff" {}
                text x=(d1(x + cell_w / 2.0)) y=(ty) text-anchor="middle" font-size="10.5" fill="#111" { (shown) }
            }
        }
        @if rows.is_empty() { (empty_note(height)) }
    };
    document(height, title, body)
}

/// White → the cinema's red for t in (0, 1], white → night blue for t in [−1, 0).
fn blend(t: f64) -> String {
    let rgb = |hex: &str| {
        let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map_or(0.0, f64::from);
        (channel(1), channel(3), channel(5))
    };
    let (r, g, b) = rgb(if t >= 0.0 { identity::ACCENT } else { NIGHT });
    let a = t.abs() * 0.85;
    let mix = |c: f64| (255.0 + (c - 255.0) * a).round() as u8;
    format!("#{:02x}{:02x}{:02x}", mix(r), mix(g), mix(b))
}

/// A dash in the middle of a chart that has nothing to show.
fn empty_note(height: f64) -> Markup {
    html! { text x=(WIDTH / 2.0) y=(height / 2.0) text-anchor="middle" fill="#888" { "—" } }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_ticks_are_round_and_cover_the_range() {
        assert_eq!(nice_ticks(0.0, 100.0, 5), [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        let t = nice_ticks(1913.0, 2024.0, 8);
        assert!(t[0] <= 1913.0 && *t.last().unwrap() >= 2024.0, "{t:?}");
        assert!(t.windows(2).all(|w| (w[1] - w[0] - 20.0).abs() < 1e-9), "{t:?}");
    }

    #[test]
    fn charts_are_well_formed_svg_with_escaped_labels() {
        let bars = [Bar { label: "Tom & Jerry <3".into(), value: 2.0, shown: "2".into(), color: PALETTE[0] }];
        let svg = hbar("Title", &bars);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("Tom &amp; Jerry &lt;3"));
        let line =
            Line { name: "a".into(), color: PALETTE[1], points: vec![(1990.0, 1.0), (2000.0, 2.0)], dashed: false };
        assert!(lines("T", &[line], "x", "y", &|v| format!("{v}")).contains("<polyline"));
        let heat = heatmap("H", &["r".into()], &["c".into()], &[vec![Some(1.0)]], 0.0, &|v| format!("{v}"));
        assert!(heat.contains("#"));
    }

    #[test]
    fn a_single_year_gets_whole_year_ticks_around_it() {
        let line = Line { name: "a".into(), color: PALETTE[1], points: vec![(1910.0, 30.0)], dashed: false };
        let svg = lines("T", &[line], "x", "y", &|v| format!("{v}"));
        assert!(svg.contains(">1910<") && !svg.contains("1909.25"), "{svg}");
    }
}
