//! The 办理流程 of an item drawn as an SVG on the server: one box per step, top to bottom (it
//! fits a phone), each with who does it and its time budget, joined by arrows. No script, no
//! external font: text is plain `<text>` in the page's font.

use std::fmt::Write;

/// One box of the diagram.
pub struct FlowBox<'a> {
    pub name: &'a str,
    pub who: &'a str,
    /// "1 个工作日", "即时办结" …
    pub budget: String,
}

const WIDTH: u32 = 320;
const BOX_HEIGHT: u32 = 56;
const GAP: u32 = 28;

/// The diagram, with a title and a text description for screen readers.
pub fn flow_svg(title: &str, boxes: &[FlowBox<'_>]) -> String {
    let count = boxes.len() as u32;
    let height = count * BOX_HEIGHT + count.saturating_sub(1) * GAP + 2;
    let description: Vec<String> = boxes
        .iter()
        .enumerate()
        .map(|(i, b)| format!("{}. {}（{}，{}）", i + 1, b.name, b.who, b.budget))
        .collect();
    let mut svg = String::new();
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" style="max-width:{WIDTH}px" role="img" aria-labelledby="flow-title flow-desc"><title id="flow-title">{}</title><desc id="flow-desc">{}</desc>"##,
        escape(title),
        escape(&description.join("；"))
    );
    svg.push_str(r##"<defs><marker id="arrow" viewBox="0 0 10 10" refX="5" refY="9" markerWidth="8" markerHeight="8" orient="auto"><path d="M0,0 L10,0 L5,10 z" fill="#0b4f9c"/></marker></defs>"##);
    for (i, b) in boxes.iter().enumerate() {
        let y = i as u32 * (BOX_HEIGHT + GAP) + 1;
        let _ = write!(
            svg,
            r##"<rect x="1" y="{y}" width="{}" height="{BOX_HEIGHT}" rx="6" fill="#eef4fb" stroke="#0b4f9c" stroke-width="2"/><text x="14" y="{}" font-size="16" font-weight="700" fill="#1a1a1a">{}. {}</text><text x="14" y="{}" font-size="13" fill="#3d4750">{} · {}</text>"##,
            WIDTH - 2,
            y + 23,
            i + 1,
            escape(b.name),
            y + 44,
            escape(b.who),
            escape(&b.budget)
        );
        if i + 1 < boxes.len() {
            let x = WIDTH / 2;
            let _ = write!(
                svg,
                r##"<line x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="#0b4f9c" stroke-width="2" marker-end="url(#arrow)"/>"##,
                y + BOX_HEIGHT,
                y + BOX_HEIGHT + GAP - 4
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// XML text escaping for element content and attribute values.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_step_is_a_box_joined_by_arrows_with_a_text_description() {
        let boxes = [
            FlowBox {
                name: "受理",
                who: "窗口人员",
                budget: "1 个工作日".into(),
            },
            FlowBox {
                name: "审查",
                who: "审查人员",
                budget: "3 个工作日".into(),
            },
            FlowBox {
                name: "决定",
                who: "审批人员",
                budget: "1 个工作日".into(),
            },
        ];
        let svg = flow_svg("食品经营许可办理流程", &boxes);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<rect").count(), 3);
        assert_eq!(svg.matches("<line").count(), 2);
        assert!(svg.contains("<desc id=\"flow-desc\">1. 受理（窗口人员，1 个工作日）"));
    }

    #[test]
    fn text_in_the_diagram_is_escaped() {
        let svg = flow_svg(
            "<b>",
            &[FlowBox {
                name: "a&b",
                who: "\"x\"",
                budget: "<1>".into(),
            }],
        );
        assert!(!svg.contains("<b>") && svg.contains("&lt;b&gt;") && svg.contains("a&amp;b"));
    }
}
