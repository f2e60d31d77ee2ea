//! Logs never contain ID numbers, phone numbers, passwords or session tokens: every test in
//! this binary logs into one shared buffer, and this test searches it after sensitive calls.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use reqwest::StatusCode;
use serde_json::json;

use crate::support::{CITIZEN_PW, spawn_app};

static BUFFER: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();

#[derive(Clone)]
struct SharedWriter(Arc<Mutex<Vec<u8>>>);

impl Write for SharedWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Installs the capturing subscriber once for the whole test binary.
pub fn capture() {
    BUFFER.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let writer = SharedWriter(buffer.clone());
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || writer.clone())
            .finish();
        let _ = tracing::subscriber::set_global_default(subscriber);
        buffer
    });
}

fn captured() -> String {
    String::from_utf8_lossy(&BUFFER.get().unwrap().lock().unwrap()).to_string()
}

#[tokio::test]
async fn logs_never_contain_id_numbers_phones_passwords_or_tokens() {
    let app = spawn_app().await;
    let city = tongban_demo::generate(&tongban_demo::DemoConfig {
        seed: 7,
        citizens: 5,
        enterprises: 3,
    });
    let citizen = &city.citizens[1];
    let (status, body) = app
        .call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({ "login": citizen.id_number, "password": CITIZEN_PW })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let token = body["token"].as_str().unwrap().to_string();
    let (status, _) = app
        .call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({ "login": citizen.id_number, "password": "Wrong-pass-1" })),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let _ = app
        .client
        .get(app.url(&format!("/search?q={}", citizen.id_number)))
        .send()
        .await
        .unwrap();
    let _ = app.call("GET", "/api/v1/me", Some(&token), None).await;
    let logs = captured();
    assert!(logs.contains("request"), "the request log is captured");
    for secret in [
        citizen.id_number.as_str(),
        citizen.phone.as_str(),
        CITIZEN_PW,
        "Wrong-pass-1",
        token.as_str(),
    ] {
        assert!(!logs.contains(secret), "a log line contains {secret}");
    }
}
