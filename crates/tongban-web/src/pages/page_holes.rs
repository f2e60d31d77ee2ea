//! A page rendered once with markers where the per-request values go — the CSRF token, a
//! form's idempotency key, the current path (with its query) — kept as its fixed parts and
//! filled in for each request, byte for byte what rendering with those values would give.
//! The 办事指南 of anonymous visitors is served this way (`items.rs`).

use askama::Template;
use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;

/// The values a [`HoledPage`] takes per request, unescaped (as the template would get them).
pub struct Values<'a> {
    pub csrf: &'a str,
    pub key: &'a str,
    pub path: &'a str,
}

/// The markers to render a page with in place of the [`Values`]: letters and digits only (the
/// HTML escaper leaves them alone), fresh and random for every rendering, so no item text can
/// contain one.
pub struct Markers {
    stem: String,
    pub csrf: String,
    pub key: String,
    pub path: String,
}

impl Markers {
    pub fn new() -> Markers {
        let stem = format!("tbhole{}", uuid::Uuid::new_v4().simple());
        Markers {
            csrf: format!("{stem}c"),
            key: format!("{stem}k"),
            path: format!("{stem}p"),
            stem,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hole {
    Csrf,
    Key,
    Path,
}

#[derive(Debug, PartialEq, Eq)]
enum Part {
    Text(Box<str>),
    Hole(Hole),
}

/// A rendered page cut at its markers.
#[derive(Debug)]
pub struct HoledPage {
    parts: Vec<Part>,
    /// The bytes of the text parts together.
    fixed_len: usize,
}

impl HoledPage {
    /// Cuts `rendered` (rendered with `markers` as its values) at each marker.
    pub fn split(rendered: &str, markers: &Markers) -> HoledPage {
        let mut parts = Vec::new();
        let mut fixed_len = 0;
        let mut text = String::new();
        let mut rest = rendered;
        while let Some(at) = rest.find(markers.stem.as_str()) {
            let after = &rest[at + markers.stem.len()..];
            let hole = match after.as_bytes().first() {
                Some(b'c') => Some(Hole::Csrf),
                Some(b'k') => Some(Hole::Key),
                Some(b'p') => Some(Hole::Path),
                _ => None,
            };
            match hole {
                Some(hole) => {
                    text.push_str(&rest[..at]);
                    if !text.is_empty() {
                        fixed_len += text.len();
                        parts.push(Part::Text(std::mem::take(&mut text).into_boxed_str()));
                    }
                    parts.push(Part::Hole(hole));
                    rest = &after[1..];
                }
                None => {
                    let end = at + markers.stem.len();
                    text.push_str(&rest[..end]);
                    rest = &rest[end..];
                }
            }
        }
        text.push_str(rest);
        if !text.is_empty() {
            fixed_len += text.len();
            parts.push(Part::Text(text.into_boxed_str()));
        }
        HoledPage { parts, fixed_len }
    }

    /// The page with `values` in its holes, escaped as the template escapes them.
    pub fn fill(&self, values: &Values<'_>) -> Bytes {
        let csrf = escape_html(values.csrf);
        let key = escape_html(values.key);
        let path = escape_html(values.path);
        let holes = self
            .parts
            .iter()
            .map(|p| match p {
                Part::Text(_) => 0,
                Part::Hole(Hole::Csrf) => csrf.len(),
                Part::Hole(Hole::Key) => key.len(),
                Part::Hole(Hole::Path) => path.len(),
            })
            .sum::<usize>();
        let mut out = Vec::with_capacity(self.fixed_len + holes);
        for part in &self.parts {
            let bytes = match part {
                Part::Text(text) => text.as_bytes(),
                Part::Hole(Hole::Csrf) => csrf.as_bytes(),
                Part::Hole(Hole::Key) => key.as_bytes(),
                Part::Hole(Hole::Path) => path.as_bytes(),
            };
            out.extend_from_slice(bytes);
        }
        Bytes::from(out)
    }
}

/// An HTML page answer, as askama_web gives one (200, `text/html; charset=utf-8`).
pub fn html_response(body: Bytes) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = StatusCode::OK;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

#[derive(Template)]
#[template(source = "{{ text }}", ext = "html")]
struct Escaped<'a> {
    text: &'a str,
}

/// `text` as `{{ text }}` prints it in a template: through the same escaper.
fn escape_html(text: &str) -> std::borrow::Cow<'_, str> {
    if !text
        .bytes()
        .any(|b| matches!(b, b'"' | b'&' | b'\'' | b'<' | b'>'))
    {
        return std::borrow::Cow::Borrowed(text);
    }
    match (Escaped { text }).render() {
        Ok(escaped) => std::borrow::Cow::Owned(escaped),
        Err(_) => std::borrow::Cow::Owned(String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_cut_at_its_markers_is_filled_back_with_escaped_values() {
        let markers = Markers::new();
        let rendered = format!(
            "<a>{c}</a><b x=\"{p}\">{k}{k}</b>tail {stem}x",
            c = markers.csrf,
            p = markers.path,
            k = markers.key,
            stem = markers.stem
        );
        let page = HoledPage::split(&rendered, &markers);
        let filled = page.fill(&Values {
            csrf: "abc",
            key: "K",
            path: "/items/1?a=<1>&b='2'\"",
        });
        assert_eq!(
            std::str::from_utf8(&filled).unwrap(),
            format!(
                "<a>abc</a><b x=\"/items/1?a=&#60;1&#62;&#38;b=&#39;2&#39;&#34;\">KK</b>tail {}x",
                markers.stem
            )
        );
    }

    #[test]
    fn values_are_escaped_exactly_as_a_template_escapes_them() {
        for text in ["plain/path?x=1", "<&>\"'", "中文?q=营业执照&x=<b>"] {
            let rendered = Escaped { text }.render().unwrap();
            assert_eq!(escape_html(text), rendered, "{text}");
        }
    }
}
