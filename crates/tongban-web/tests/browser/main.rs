//! Browser tests: the main journeys driven in headless Chromium through chromedriver (W3C
//! WebDriver over HTTP), with an axe-core accessibility scan of the pages they pass. Skipped,
//! with a message, when chromedriver is not installed — unless `TONGBAN_BROWSER_TESTS=1`, which
//! CI sets, and which also requires axe-core at `TONGBAN_AXE_JS`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod a11y;
mod axe;
mod bureau;
mod elder;
mod journey;
mod steps;
mod support;
mod webdriver;

use tokio::sync::{Mutex, MutexGuard};

use crate::webdriver::Browser;

/// One browser at a time: the machine is small and each test starts its own Chromium.
static ONE_AT_A_TIME: Mutex<()> = Mutex::const_new(());

/// What a browser test needs: chromedriver's path, axe.min.js (if found) and the turn to run.
pub struct Setup {
    pub driver: String,
    pub axe: Option<String>,
    _turn: MutexGuard<'static, ()>,
}

impl Setup {
    /// Starts a headless Chromium with a `width`×`height` window.
    pub async fn browser(&self, width: u32, height: u32) -> Browser {
        Browser::start(&self.driver, width, height).await
    }

    pub fn axe(&self) -> Option<&str> {
        self.axe.as_deref()
    }
}

/// The set-up, or `None` (after saying why) when the browser tests cannot run here.
pub async fn setup(test: &str) -> Option<Setup> {
    let required = std::env::var("TONGBAN_BROWSER_TESTS").is_ok_and(|v| v == "1");
    let Some(driver) = webdriver::chromedriver_path() else {
        assert!(
            !required,
            "TONGBAN_BROWSER_TESTS=1 but chromedriver is not installed \
             (apt-get install chromium chromium-driver, or set TONGBAN_CHROMEDRIVER)"
        );
        eprintln!(
            "{test}: skipped, chromedriver is not installed (set TONGBAN_BROWSER_TESTS=1 to require it)"
        );
        return None;
    };
    let axe = axe::source();
    if axe.is_none() {
        assert!(
            !required,
            "TONGBAN_BROWSER_TESTS=1 but TONGBAN_AXE_JS does not name axe.min.js"
        );
        eprintln!("{test}: accessibility scan skipped, TONGBAN_AXE_JS does not name axe.min.js");
    }
    let turn = ONE_AT_A_TIME.lock().await;
    Some(Setup {
        driver,
        axe,
        _turn: turn,
    })
}
