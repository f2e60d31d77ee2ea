//! The push to the provincial platform by the server: the sender the settings choose, the
//! background task that pushes every `push_every_ms` until shutdown, and the `tongban upstream
//! status|push` verbs.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use tongban_app::{App, HttpUpstreamSender, PushReport, Upstream, UpstreamStatus, beijing};

use crate::periodic::Periodic;
use crate::settings::Settings;

/// The push configuration: the default streams, and an HTTP sender when `upstream_url` is set.
pub fn upstream(settings: &Settings) -> anyhow::Result<Upstream> {
    let url = settings.upstream_url.trim();
    let mut upstream = Upstream::default();
    if !url.is_empty() {
        let token = Some(settings.upstream_token.expose().to_string());
        let sender = HttpUpstreamSender::new(url, token)
            .map_err(|e| anyhow::anyhow!("upstream settings: {e}"))?;
        upstream.sender = Some(Arc::new(sender));
    }
    Ok(upstream)
}

/// Pushes every configured stream every `every` until stopped.
pub fn spawn_pusher(app: App, every: Duration) -> Periodic {
    Periodic::spawn(every, move || {
        let app = app.clone();
        async move {
            match app.push_upstream_all().await {
                Ok(reports) => log_reports(&reports),
                Err(err) => tracing::error!(error = %err, "pushing upstream failed"),
            }
        }
    })
}

fn log_reports(reports: &[PushReport]) {
    for r in reports.iter().filter(|r| r.pushed > 0 || r.error.is_some()) {
        tracing::info!(
            stream = %r.stream,
            pushed = r.pushed,
            error = r.error.as_deref().unwrap_or(""),
            "pushed upstream"
        );
    }
}

fn time(at_ms: Option<i64>) -> String {
    at_ms
        .and_then(|ms| {
            time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()
        })
        .map(|t| {
            let t = t.to_offset(beijing());
            format!(
                "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            )
        })
        .unwrap_or_else(|| "-".to_string())
}

/// What `upstream status` prints (the same as the 上级平台推送 page).
pub fn describe_status(status: &UpstreamStatus) -> String {
    let mut out = match &status.target {
        Some(target) => format!("上级平台 / upstream: {target}\n"),
        None => "未配置上级平台地址 / no upstream_url configured: nothing is pushed\n".to_string(),
    };
    for s in &status.streams {
        out.push_str(&format!(
            "{}: 已推送 / pushed {}, 待推送 / backlog {}, 游标 / cursor seq {}, 最近成功 / last success {}, 最近错误 / last error {}, 下次重试 / next attempt {}",
            s.stream,
            s.pushed_count,
            s.backlog,
            s.last_seq,
            time(s.last_success_at_ms),
            s.last_error.as_deref().unwrap_or("-"),
            time(s.next_attempt_ms),
        ));
        if let Some(holder) = &s.lease_holder {
            out.push_str(&format!(
                ", 推送中 / held by {holder} until {}",
                time(s.lease_until_ms)
            ));
        }
        out.push('\n');
    }
    out
}

/// `upstream status`.
pub async fn status(app: &App) -> anyhow::Result<ExitCode> {
    let status = app
        .upstream_status_for_operator()
        .await
        .context("reading the upstream push status")?;
    print!("{}", describe_status(&status));
    Ok(ExitCode::SUCCESS)
}

/// `upstream push`: one round of every stream now; exit 1 if a stream failed or nothing is
/// configured.
pub async fn push(app: &App) -> anyhow::Result<ExitCode> {
    if app.upstream().sender.is_none() {
        println!("未配置上级平台地址 / no upstream_url configured: nothing is pushed");
        return Ok(ExitCode::FAILURE);
    }
    let reports = app
        .push_upstream_as_operator()
        .await
        .context("pushing upstream")?;
    let mut failed = false;
    for r in &reports {
        match &r.error {
            Some(error) => {
                failed = true;
                println!(
                    "{}: 已推送 / pushed {}, 失败 / failed: {error}",
                    r.stream, r.pushed
                );
            }
            None => println!("{}: 已推送 / pushed {}", r.stream, r.pushed),
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tongban_app::UpstreamStreamStatus;

    #[test]
    fn without_an_address_the_status_says_so_and_still_counts_the_backlog() {
        let status = UpstreamStatus {
            configured: false,
            target: None,
            streams: vec![UpstreamStreamStatus {
                stream: "licences".into(),
                kinds: vec!["licence.issued".into()],
                last_seq: 0,
                pushed_count: 0,
                backlog: 12,
                attempts: 0,
                last_error: None,
                next_attempt_ms: None,
                last_success_at_ms: None,
                lease_holder: None,
                lease_until_ms: None,
            }],
        };
        let text = describe_status(&status);
        assert!(text.starts_with("未配置上级平台地址"), "{text}");
        assert!(text.contains("licences: 已推送 / pushed 0, 待推送 / backlog 12"));
    }

    #[test]
    fn an_address_gives_an_http_sender_and_a_bad_one_is_refused() {
        let env = |pairs: &[(&str, &str)]| {
            Some(
                pairs
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            )
        };
        let none = Settings::load_from(None, env(&[])).unwrap();
        assert!(upstream(&none).unwrap().sender.is_none());
        let some = Settings::load_from(
            None,
            env(&[("TONGBAN_UPSTREAM_URL", "http://gov.example:8080/events")]),
        )
        .unwrap();
        let target = upstream(&some).unwrap().sender.map(|s| s.target());
        assert_eq!(target.as_deref(), Some("http://gov.example:8080/events"));
        assert_eq!(
            time(Some(1_764_028_800_000)),
            "2025-11-25 08:00:00",
            "Beijing time"
        );
    }
}
