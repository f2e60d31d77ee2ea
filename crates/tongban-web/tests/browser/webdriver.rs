//! A small W3C WebDriver client over reqwest: one chromedriver process per test, one headless
//! Chromium session on it, and the few commands the journeys need (navigate, find, click, type,
//! read text and URL, run a script).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::Client;
use serde_json::{Value, json};

/// The key under which W3C WebDriver returns an element reference.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Windows narrower than this are phones (Chromium's device emulation).
const PHONE_BELOW: u32 = 500;

/// How long a page condition is polled before the test fails.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// The chromedriver binary: `TONGBAN_CHROMEDRIVER`, else Debian's.
pub fn chromedriver_path() -> Option<String> {
    let path = std::env::var("TONGBAN_CHROMEDRIVER")
        .unwrap_or_else(|_| "/usr/bin/chromedriver".to_string());
    std::path::Path::new(&path).exists().then_some(path)
}

/// The Chromium binary: `TONGBAN_CHROMIUM`, else Debian's.
fn chromium_path() -> String {
    std::env::var("TONGBAN_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_string())
}

/// A running chromedriver with one browser session; both end when this is dropped.
pub struct Browser {
    http: Client,
    driver: Child,
    port: u16,
    session: String,
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Ends the session (closing Chromium), then chromedriver itself; blocking on purpose,
        // since drop cannot await. chromedriver is asked to shut down before it is killed.
        let _ = raw_request(self.port, "DELETE", &format!("/session/{}", self.session));
        let _ = raw_request(self.port, "GET", "/shutdown");
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.driver.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// One HTTP request to chromedriver without a runtime (for `Drop`).
fn raw_request(port: u16, method: &str, path: &str) -> std::io::Result<()> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )?;
    let mut sink = Vec::new();
    stream.read_to_end(&mut sink)?;
    Ok(())
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// A reference to an element of the current page.
#[derive(Clone, Debug)]
pub struct Element(String);

impl Browser {
    /// Starts chromedriver and a headless Chromium whose window is `width`×`height`.
    pub async fn start(driver_path: &str, width: u32, height: u32) -> Browser {
        let port = free_port();
        let driver = Command::new(driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let http = Client::builder()
            .timeout(Duration::from_secs(120))
            .build()
            .unwrap();
        let mut browser = Browser {
            http,
            driver,
            port,
            session: String::new(),
        };
        browser.wait_until_ready().await;
        let mut chrome = json!({
            "binary": chromium_path(),
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-extensions",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--mute-audio",
                "--lang=zh-CN",
                format!("--window-size={},{height}", width.max(PHONE_BELOW)),
            ],
        });
        if width < PHONE_BELOW {
            // A headless window is at least 500 px wide: narrower means a phone, emulated.
            chrome["mobileEmulation"] = json!({ "deviceMetrics": {
                "width": width, "height": height, "pixelRatio": 3.0, "mobile": true, "touch": true,
            }});
        }
        let capabilities = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": chrome,
            }}
        });
        let value = browser.command("POST", "/session", capabilities).await;
        browser.session = value["sessionId"]
            .as_str()
            .expect("a new session has an id")
            .to_string();
        browser
            .session_command(
                "POST",
                "/timeouts",
                json!({ "script": 60_000, "pageLoad": 60_000 }),
            )
            .await;
        browser
    }

    async fn wait_until_ready(&self) {
        let deadline = Instant::now() + PATIENCE;
        let url = format!("http://127.0.0.1:{}/status", self.port);
        loop {
            if let Ok(res) = self.http.get(&url).send().await
                && let Ok(body) = res.json::<Value>().await
                && body["value"]["ready"] == true
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not answer in time"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// One WebDriver command; its `value`, or a panic naming the WebDriver error.
    async fn command(&self, method: &str, path: &str, body: Value) -> Value {
        match self.try_command(method, path, body).await {
            Ok(value) => value,
            Err(error) => panic!("WebDriver {method} {path}: {error}"),
        }
    }

    async fn try_command(&self, method: &str, path: &str, body: Value) -> Result<Value, String> {
        let url = format!("http://127.0.0.1:{}{}", self.port, path);
        let request = match method {
            "GET" => self.http.get(url),
            "DELETE" => self.http.delete(url),
            _ => self.http.post(url).json(&body),
        };
        let res = request.send().await.map_err(|e| e.to_string())?;
        let ok = res.status().is_success();
        let body: Value = res.json().await.map_err(|e| e.to_string())?;
        if ok {
            Ok(body["value"].clone())
        } else {
            Err(format!(
                "{}: {}",
                body["value"]["error"].as_str().unwrap_or("?"),
                body["value"]["message"]
                    .as_str()
                    .unwrap_or("")
                    .lines()
                    .next()
                    .unwrap_or("")
            ))
        }
    }

    async fn session_command(&self, method: &str, path: &str, body: Value) -> Value {
        let path = format!("/session/{}{}", self.session, path);
        self.command(method, &path, body).await
    }

    /// Opens `url` and waits for it to load.
    pub async fn goto(&self, url: &str) {
        self.session_command("POST", "/url", json!({ "url": url }))
            .await;
    }

    /// The address of the current page.
    pub async fn url(&self) -> String {
        self.session_command("GET", "/url", Value::Null)
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// The path (and query) of the current page.
    pub async fn path(&self) -> String {
        let url = self.url().await;
        let after_scheme = url.split_once("//").map(|(_, rest)| rest).unwrap_or(&url);
        after_scheme
            .find('/')
            .map(|i| after_scheme[i..].to_string())
            .unwrap_or_else(|| "/".into())
    }

    async fn try_find(&self, css: &str) -> Option<Element> {
        let path = format!("/session/{}/element", self.session);
        let value = self
            .try_command(
                "POST",
                &path,
                json!({ "using": "css selector", "value": css }),
            )
            .await
            .ok()?;
        value[ELEMENT_KEY]
            .as_str()
            .map(|id| Element(id.to_string()))
    }

    /// The first element matching `css`, waited for.
    pub async fn find(&self, css: &str) -> Element {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(element) = self.try_find(css).await {
                return element;
            }
            assert!(
                Instant::now() < deadline,
                "no element {css} on {}:\n{}",
                self.path().await,
                self.text().await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Every element matching `css` now.
    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        let value = self
            .session_command(
                "POST",
                "/elements",
                json!({ "using": "css selector", "value": css }),
            )
            .await;
        value
            .as_array()
            .map(|list| {
                list.iter()
                    .filter_map(|v| v[ELEMENT_KEY].as_str())
                    .map(|id| Element(id.to_string()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Clicks the element matching `css`.
    pub async fn click(&self, css: &str) {
        let element = self.find(css).await;
        self.click_element(&element).await;
    }

    pub async fn click_element(&self, element: &Element) {
        let path = format!("/element/{}/click", element.0);
        self.session_command("POST", &path, json!({})).await;
    }

    /// Clears the field matching `css` and types `text` into it (for a file input: a path).
    pub async fn type_into(&self, css: &str, text: &str) {
        let element = self.find(css).await;
        let is_file = self.attribute(&element, "type").await == "file";
        if !is_file {
            let path = format!("/element/{}/clear", element.0);
            self.session_command("POST", &path, json!({})).await;
        }
        let path = format!("/element/{}/value", element.0);
        self.session_command("POST", &path, json!({ "text": text }))
            .await;
    }

    pub async fn attribute(&self, element: &Element, name: &str) -> String {
        let path = format!("/element/{}/attribute/{name}", element.0);
        self.session_command("GET", &path, Value::Null)
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub async fn element_text(&self, element: &Element) -> String {
        let path = format!("/element/{}/text", element.0);
        self.session_command("GET", &path, Value::Null)
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// The visible text of the whole page.
    /// Empty while a new page is replacing the old one.
    pub async fn text(&self) -> String {
        let path = format!("/session/{}/execute/sync", self.session);
        let script = json!({
            "script": "return document.body ? document.body.innerText : '';",
            "args": [],
        });
        match self.try_command("POST", &path, script).await {
            Ok(Value::String(text)) => text,
            _ => String::new(),
        }
    }

    /// Waits until the page's visible text contains `needle`.
    pub async fn wait_for_text(&self, needle: &str) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let text = self.text().await;
            if text.contains(needle) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the page {} never said {needle:?}:\n{text}",
                self.path().await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the page's visible text contains `needle` at least `times` times.
    pub async fn wait_for_count(&self, needle: &str, times: usize) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let text = self.text().await;
            if text.matches(needle).count() >= times {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the page {} never said {needle:?} {times} times:\n{text}",
                self.path().await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the current path satisfies `wanted`; the path.
    pub async fn wait_for_path(&self, what: &str, wanted: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let path = self.path().await;
            if wanted(&path) {
                return path;
            }
            assert!(
                Instant::now() < deadline,
                "never reached {what}; still on {path}:\n{}",
                self.text().await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Runs a synchronous script in the page; its result.
    pub async fn script(&self, script: &str, args: Value) -> Value {
        self.session_command(
            "POST",
            "/execute/sync",
            json!({ "script": script, "args": args }),
        )
        .await
    }

    /// Runs an asynchronous script (it calls its last argument when done); its result.
    pub async fn async_script(&self, script: &str, args: Value) -> Value {
        self.session_command(
            "POST",
            "/execute/async",
            json!({ "script": script, "args": args }),
        )
        .await
    }

    /// The size of the page's viewport in CSS pixels.
    pub async fn viewport(&self) -> (u64, u64) {
        let size = self
            .script(
                "return [document.documentElement.clientWidth, window.innerHeight];",
                json!([]),
            )
            .await;
        (
            size[0].as_u64().unwrap_or_default(),
            size[1].as_u64().unwrap_or_default(),
        )
    }
}
