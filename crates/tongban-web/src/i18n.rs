//! The message catalogue: every piece of UI text, looked up by key.
//!
//! The zh-CN catalogue lives in `locales/zh-CN.txt`, one `key = text` per line (`#` starts a
//! comment), compiled into the binary. An English edition is another file with the same keys.
//! A missing key renders as the key itself, and a test checks that every key used by a
//! template exists, so a gap is caught before release.

use std::collections::HashMap;
use std::sync::OnceLock;

/// One language's messages.
#[derive(Debug)]
pub struct Catalog {
    messages: HashMap<&'static str, &'static str>,
}

const ZH_CN: &str = include_str!("../locales/zh-CN.txt");

impl Catalog {
    /// The complete zh-CN catalogue.
    pub fn zh_cn() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| Catalog::parse(ZH_CN))
    }

    fn parse(text: &'static str) -> Catalog {
        let messages = text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .filter_map(|line| line.split_once(" = "))
            .map(|(key, value)| (key.trim(), value.trim()))
            .collect();
        Catalog { messages }
    }

    /// The text for `key`, or the key itself when it is missing.
    pub fn get<'a>(&self, key: &'a str) -> &'a str
    where
        'static: 'a,
    {
        self.messages.get(key).copied().unwrap_or(key)
    }

    pub fn contains(&self, key: &str) -> bool {
        self.messages.contains_key(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_has_no_duplicate_or_malformed_lines() {
        let mut seen = std::collections::HashSet::new();
        for line in ZH_CN
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            let (key, value) = line
                .split_once(" = ")
                .unwrap_or_else(|| panic!("malformed line: {line}"));
            assert!(seen.insert(key.trim()), "duplicate key {key}");
            assert!(!value.trim().is_empty(), "empty text for {key}");
        }
    }

    #[test]
    fn every_key_used_by_a_template_or_page_exists_in_zh_cn() {
        let catalog = Catalog::zh_cn();
        let mut missing = Vec::new();
        for dir in ["templates", "src/pages"] {
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
            for entry in std::fs::read_dir(&root).unwrap() {
                let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
                for part in text.split("t(\"").skip(1) {
                    let key = part.split('"').next().unwrap();
                    if !catalog.contains(key) {
                        missing.push(key.to_string());
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "keys missing from zh-CN.txt: {missing:?}"
        );
    }

    #[test]
    fn a_missing_key_shows_itself() {
        assert_eq!(Catalog::zh_cn().get("no.such.key"), "no.such.key");
    }
}
