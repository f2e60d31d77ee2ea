//! The axe-core accessibility scan: injects axe.min.js (read from `TONGBAN_AXE_JS`) into the
//! current page, runs `axe.run()` and fails on any violation of impact "serious" or "critical",
//! naming the rule, its help text and the offending nodes.

use serde_json::{Value, json};

use crate::webdriver::Browser;

/// axe.min.js, when `TONGBAN_AXE_JS` names a readable file.
pub fn source() -> Option<String> {
    let path = std::env::var("TONGBAN_AXE_JS").ok()?;
    std::fs::read_to_string(path).ok()
}

/// The serious and critical violations of `results.violations`, one line per rule and node.
pub fn serious(results: &Value) -> Vec<String> {
    let mut lines = Vec::new();
    for violation in results["violations"].as_array().into_iter().flatten() {
        let impact = violation["impact"].as_str().unwrap_or_default();
        if impact != "serious" && impact != "critical" {
            continue;
        }
        lines.push(format!(
            "[{impact}] {}: {} ({})",
            violation["id"].as_str().unwrap_or_default(),
            violation["help"].as_str().unwrap_or_default(),
            violation["helpUrl"].as_str().unwrap_or_default(),
        ));
        for node in violation["nodes"].as_array().into_iter().flatten() {
            lines.push(format!(
                "    {}  {}",
                node["target"],
                node["html"]
                    .as_str()
                    .unwrap_or_default()
                    .chars()
                    .take(160)
                    .collect::<String>()
            ));
        }
    }
    lines
}

/// Scans the current page; panics listing every serious or critical violation. Does nothing
/// when axe is not available (the caller has already said so once).
pub async fn check(browser: &Browser, axe: Option<&str>, page: &str) {
    let Some(axe) = axe else {
        return;
    };
    let lines = serious_on(browser, axe, page).await;
    assert!(
        lines.is_empty(),
        "axe-core found serious accessibility violations on {page} ({}):\n{}",
        browser.path().await,
        lines.join("\n")
    );
}

/// The serious and critical violations axe finds on the current page (minor and moderate
/// ones are printed, not returned).
pub async fn serious_on(browser: &Browser, axe: &str, page: &str) -> Vec<String> {
    let started = std::time::Instant::now();
    browser.script(axe, json!([])).await;
    let results = browser
        .async_script(
            "const done = arguments[arguments.length - 1];\
             axe.run(document, { resultTypes: ['violations'] })\
               .then(r => done({ violations: r.violations }))\
               .catch(e => done({ error: String(e) }));",
            json!([]),
        )
        .await;
    assert!(
        results["error"].is_null(),
        "axe failed on {page}: {}",
        results["error"]
    );
    let lesser: Vec<&str> = results["violations"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|v| !matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .filter_map(|v| v["id"].as_str())
        .collect();
    eprintln!("axe on {page}: {} ms", started.elapsed().as_millis());
    if !lesser.is_empty() {
        eprintln!("axe on {page}: minor or moderate: {}", lesser.join(", "));
    }
    serious(&results)
}
