//! [`HttpUpstreamSender`]: posts each event as JSON to the provincial platform's endpoint, with
//! its idempotency key in the `Idempotency-Key` header and an optional bearer token. A 2xx
//! answer, or 409 (the receiver already has the event), is an acknowledgement; anything else,
//! and any transport error, is retried later.
//!
//! Plain `http://` only for now: reqwest is built without TLS in this workspace.

use std::time::Duration;

use crate::notify::BoxFuture;
use crate::upstream::{UpstreamEvent, UpstreamSender};

/// Posts events to one URL.
#[derive(Clone)]
pub struct HttpUpstreamSender {
    client: reqwest::Client,
    url: String,
    token: Option<String>,
}

impl std::fmt::Debug for HttpUpstreamSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpUpstreamSender")
            .field("target", &self.target())
            .field("token", &self.token.as_ref().map(|_| "***"))
            .finish()
    }
}

impl HttpUpstreamSender {
    /// A sender to `url` (`http://host[:port]/path`); `token` is sent as `Bearer` when given.
    pub fn new(url: &str, token: Option<String>) -> Result<HttpUpstreamSender, String> {
        let url = url.trim();
        let rest = url
            .strip_prefix("http://")
            .ok_or_else(|| "the upstream URL must start with http://".to_string())?;
        if rest.is_empty() || rest.starts_with('/') || url.chars().any(char::is_whitespace) {
            return Err("the upstream URL has no host".to_string());
        }
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| format!("the HTTP client could not be built: {}", e.without_url()))?;
        Ok(HttpUpstreamSender {
            client,
            url: url.to_string(),
            token: token.filter(|t| !t.trim().is_empty()),
        })
    }
}

impl UpstreamSender for HttpUpstreamSender {
    fn send<'a>(&'a self, event: &'a UpstreamEvent) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            let body = serde_json::to_vec(event).map_err(|e| e.to_string())?;
            let mut request = self
                .client
                .post(&self.url)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", &event.idempotency_key)
                .body(body);
            if let Some(token) = &self.token {
                request = request.bearer_auth(token);
            }
            // Errors never carry the URL (it may hold credentials).
            let response = request
                .send()
                .await
                .map_err(|e| format!("upstream request failed: {}", e.without_url()))?;
            let status = response.status();
            if status.is_success() || status == reqwest::StatusCode::CONFLICT {
                return Ok(());
            }
            let text = response.text().await.unwrap_or_default();
            let text: String = text.chars().take(200).collect();
            Err(format!(
                "upstream answered HTTP {}: {text}",
                status.as_u16()
            ))
        })
    }

    /// The scheme, host and path, without user info or query.
    fn target(&self) -> String {
        let rest = self.url.trim_start_matches("http://");
        let rest = rest.split(['?', '#']).next().unwrap_or_default();
        let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
        format!("http://{rest}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_http_urls_with_a_host_are_accepted() {
        assert!(HttpUpstreamSender::new("https://x.example/in", None).is_err());
        assert!(HttpUpstreamSender::new("http:///in", None).is_err());
        assert!(HttpUpstreamSender::new("ftp://x", None).is_err());
        assert!(HttpUpstreamSender::new("http://x.example/in", None).is_ok());
    }

    #[test]
    fn the_target_and_debug_hide_credentials() {
        let s = HttpUpstreamSender::new(
            "http://u:p4ss@gov.example:8080/events?key=s3cret",
            Some("t0ken".into()),
        )
        .unwrap();
        assert_eq!(s.target(), "http://gov.example:8080/events");
        let debugged = format!("{s:?}");
        assert!(!debugged.contains("t0ken") && !debugged.contains("s3cret"));
    }
}
