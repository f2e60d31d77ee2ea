//! BENCHMARKS.md is shared by the benchmarks: each writes only its own `## ` section.

use std::path::Path;

/// `document` with the section whose heading line starts with `heading` (a `## ` line, up to
/// the next `## ` line) replaced by `section`, or with `section` appended when there is none.
/// A missing document becomes `# Benchmarks` and the section.
pub fn replace_section(document: Option<&str>, heading: &str, section: &str) -> String {
    let section = format!("{}\n", section.trim_end());
    let Some(document) = document.filter(|d| !d.trim().is_empty()) else {
        return format!("# Benchmarks\n\n{section}");
    };
    let lines: Vec<&str> = document.lines().collect();
    let is_h2 = |line: &str| line.starts_with("## ");
    let Some(start) = lines
        .iter()
        .position(|l| is_h2(l) && l.starts_with(heading))
    else {
        return format!("{}\n\n{section}", document.trim_end());
    };
    let end = lines[start + 1..]
        .iter()
        .position(|l| is_h2(l))
        .map_or(lines.len(), |i| start + 1 + i);
    let mut out = lines[..start].join("\n");
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(&section);
    if end < lines.len() {
        out.push('\n');
        out.push_str(&lines[end..].join("\n"));
        out.push('\n');
    }
    out
}

/// Replaces (or appends) one section of the markdown file at `path`.
pub fn write_section(path: &Path, heading: &str, section: &str) -> anyhow::Result<()> {
    use anyhow::Context as _;
    let existing = match std::fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
        Err(err) => return Err(err).with_context(|| format!("reading {}", path.display())),
    };
    let document = replace_section(existing.as_deref(), heading, section);
    std::fs::write(path, document).with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: &str = "## Durable event appends";

    #[test]
    fn writing_a_section_replaces_only_that_section() {
        let doc = "# Benchmarks\n\n## Durable event appends (x)\n\nold\n\n### Machine\n\n- a\n\n## Catalogue search\n\nkept\n";
        let new = replace_section(Some(doc), H, "## Durable event appends (x)\n\nnew\n");
        assert_eq!(
            new,
            "# Benchmarks\n\n## Durable event appends (x)\n\nnew\n\n## Catalogue search\n\nkept\n"
        );
        let appended = replace_section(
            Some("# Benchmarks\n\n## Other\n\nx\n"),
            H,
            "## Durable event appends\n\ny",
        );
        assert_eq!(
            appended,
            "# Benchmarks\n\n## Other\n\nx\n\n## Durable event appends\n\ny\n"
        );
        let last = replace_section(Some(&appended), H, "## Durable event appends\n\nz\n");
        assert_eq!(
            last,
            "# Benchmarks\n\n## Other\n\nx\n\n## Durable event appends\n\nz\n"
        );
        assert_eq!(
            replace_section(None, H, "## Durable event appends\n"),
            "# Benchmarks\n\n## Durable event appends\n"
        );
    }
}
