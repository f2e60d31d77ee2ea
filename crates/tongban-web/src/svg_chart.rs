//! Small charts drawn as SVG on the server (no JavaScript): a line chart of a few series over
//! periods, and a horizontal bar chart. Every piece of text is escaped; the SVG scales to the
//! width of a phone screen (`viewBox`, no fixed width).

use std::fmt::Write;

/// Escapes text for SVG/XML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Colours of the series, in order (distinguishable, and each series also has its own dash).
const COLOURS: [&str; 4] = ["#9e1c20", "#1f5fa8", "#2e7d32", "#6a4c93"];
const DASHES: [&str; 4] = ["", "6 3", "2 3", "8 3 2 3"];

/// One line: its name and a value (percent) per label; `None` where there is no value.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

/// A line chart of percentages (0–100) over `labels`.
pub fn line_chart(title: &str, labels: &[String], series: &[Series]) -> String {
    let (w, h) = (640.0_f64, 300.0_f64);
    let (left, right, top, bottom) = (44.0, 12.0, 30.0, 70.0);
    let plot_w = w - left - right;
    let plot_h = h - top - bottom;
    let n = labels.len().max(1);
    let x_of = |i: usize| {
        if n == 1 {
            left + plot_w / 2.0
        } else {
            left + plot_w * (i as f64) / ((n - 1) as f64)
        }
    };
    let y_of = |v: f64| top + plot_h * (1.0 - v.clamp(0.0, 100.0) / 100.0);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        t = escape(title)
    );
    for pct in [0, 25, 50, 75, 100] {
        let y = y_of(f64::from(pct));
        let _ = write!(
            s,
            r##"<line x1="{left}" y1="{y:.1}" x2="{x2:.1}" y2="{y:.1}" stroke="#ddd"/><text x="{tx:.1}" y="{ty:.1}" font-size="11" text-anchor="end" fill="#555">{pct}%</text>"##,
            x2 = w - right,
            tx = left - 4.0,
            ty = y + 4.0
        );
    }
    let step = n.div_ceil(6).max(1);
    for (i, label) in labels.iter().enumerate() {
        if i % step != 0 && i + 1 != n {
            continue;
        }
        let _ = write!(
            s,
            r##"<text x="{x:.1}" y="{y:.1}" font-size="11" text-anchor="middle" fill="#555">{l}</text>"##,
            x = x_of(i),
            y = top + plot_h + 16.0,
            l = escape(label)
        );
    }
    for (k, line) in series.iter().enumerate() {
        let colour = COLOURS[k % COLOURS.len()];
        let dash = DASHES[k % DASHES.len()];
        let mut d = String::new();
        let mut pen_down = false;
        for (i, v) in line.values.iter().enumerate().take(n) {
            match v {
                Some(v) => {
                    let _ = write!(
                        d,
                        "{}{:.1} {:.1} ",
                        if pen_down { "L" } else { "M" },
                        x_of(i),
                        y_of(*v)
                    );
                    pen_down = true;
                }
                None => pen_down = false,
            }
        }
        if !d.is_empty() {
            let _ = write!(
                s,
                r#"<path d="{d}" fill="none" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>"#,
                d = d.trim_end()
            );
        }
        for (i, v) in line.values.iter().enumerate().take(n) {
            if let Some(v) = v {
                let _ = write!(
                    s,
                    r#"<circle cx="{:.1}" cy="{:.1}" r="2.5" fill="{colour}"><title>{} {}：{:.2}%</title></circle>"#,
                    x_of(i),
                    y_of(*v),
                    escape(&line.name),
                    escape(labels.get(i).map_or("", String::as_str)),
                    v
                );
            }
        }
        let lx = left + (k as f64) * 150.0;
        let ly = h - 22.0;
        let _ = write!(
            s,
            r##"<line x1="{lx:.1}" y1="{ly:.1}" x2="{lx2:.1}" y2="{ly:.1}" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/><text x="{tx:.1}" y="{ty:.1}" font-size="12" fill="#222">{name}</text>"##,
            lx2 = lx + 24.0,
            tx = lx + 30.0,
            ty = ly + 4.0,
            name = escape(&line.name)
        );
    }
    s.push_str("</svg>");
    s
}

/// One bar: its label, its value (0–100, for the length) and the text shown at its end.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub text: String,
    /// Marks a lagging unit.
    pub alert: bool,
}

/// A horizontal bar chart, one bar a line, values 0–100.
pub fn bar_chart(title: &str, bars: &[Bar]) -> String {
    let row = 26.0_f64;
    let (w, left, right, top) = (640.0_f64, 150.0, 70.0, 10.0);
    let h = top * 2.0 + row * (bars.len().max(1) as f64);
    let plot_w = w - left - right;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        t = escape(title)
    );
    for (i, b) in bars.iter().enumerate() {
        let y = top + row * (i as f64);
        let len = plot_w * b.value.clamp(0.0, 100.0) / 100.0;
        let colour = if b.alert { "#c62828" } else { "#1f5fa8" };
        let _ = write!(
            s,
            r##"<text x="{lx:.1}" y="{ty:.1}" font-size="12" text-anchor="end" fill="#222">{label}</text><rect x="{left}" y="{ry:.1}" width="{len:.1}" height="16" fill="{colour}"/><text x="{vx:.1}" y="{ty:.1}" font-size="12" fill="#222">{text}</text>"##,
            lx = left - 6.0,
            ty = y + 15.0,
            ry = y + 3.0,
            vx = left + len + 6.0,
            label = escape(&b.label),
            text = escape(&b.text)
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_in_a_chart_is_escaped() {
        let svg = bar_chart(
            "排名<script>",
            &[Bar {
                label: "A&B\"县".into(),
                value: 50.0,
                text: "50.00".into(),
                alert: false,
            }],
        );
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("排名&lt;script&gt;"));
        assert!(svg.contains("A&amp;B&quot;县"));
    }

    #[test]
    fn a_line_breaks_where_a_period_has_no_value() {
        let svg = line_chart(
            "趋势",
            &["1月".into(), "2月".into(), "3月".into(), "4月".into()],
            &[Series {
                name: "好评率".into(),
                values: vec![Some(90.0), None, Some(80.0), Some(100.0)],
            }],
        );
        let path = svg.split("<path d=\"").nth(1).unwrap();
        let d = path.split('"').next().unwrap();
        assert_eq!(d.matches('M').count(), 2, "{d}");
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }

    #[test]
    fn a_bar_is_as_long_as_its_share_of_the_plot() {
        let svg = bar_chart(
            "x",
            &[
                Bar {
                    label: "a".into(),
                    value: 100.0,
                    text: "100".into(),
                    alert: false,
                },
                Bar {
                    label: "b".into(),
                    value: 25.0,
                    text: "25".into(),
                    alert: true,
                },
            ],
        );
        assert!(svg.contains("width=\"420.0\""));
        assert!(svg.contains("width=\"105.0\""));
        assert!(svg.contains("#c62828"));
    }
}
