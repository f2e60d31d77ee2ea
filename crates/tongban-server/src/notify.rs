//! Delivery of notices by the server: the senders the settings choose, and the background task
//! that works through the outbox every `dispatch_every_ms` until shutdown.

use std::sync::Arc;
use std::time::Duration;

use crate::periodic::Periodic;
use tongban_app::{App, Channel, DispatchReport, FileSender, Senders, SmtpConfig, SmtpSender};

use crate::settings::Settings;

/// SMS to `notify_sms_file`; email over SMTP when `smtp_host` is set, else to
/// `notify_email_file`. An empty path leaves its channel without a sender.
pub fn senders(settings: &Settings) -> anyhow::Result<Senders> {
    let mut senders = Senders::none().with_max_attempts(settings.notify_max_attempts);
    if !settings.notify_sms_file.as_os_str().is_empty() {
        senders = senders.with(Arc::new(FileSender::new(
            Channel::Sms,
            &settings.notify_sms_file,
        )));
    }
    if !settings.smtp_host.trim().is_empty() {
        let mut config = SmtpConfig::new(
            settings.smtp_host.trim(),
            settings.smtp_port,
            settings.smtp_from.trim(),
        );
        if !settings.smtp_user.is_empty() {
            config.auth = Some((
                settings.smtp_user.clone(),
                settings.smtp_password.expose().to_string(),
            ));
        }
        let smtp = SmtpSender::new(config).map_err(|e| anyhow::anyhow!("smtp settings: {e}"))?;
        senders = senders.with(Arc::new(smtp));
    } else if !settings.notify_email_file.as_os_str().is_empty() {
        senders = senders.with(Arc::new(FileSender::new(
            Channel::Email,
            &settings.notify_email_file,
        )));
    }
    Ok(senders)
}

/// Where each channel's notices go, for the start-up log (no credentials).
pub fn describe(settings: &Settings) -> (String, String) {
    let file = |path: &std::path::Path| {
        if path.as_os_str().is_empty() {
            "none".to_string()
        } else {
            format!("file {}", path.display())
        }
    };
    let email = if settings.smtp_host.trim().is_empty() {
        file(&settings.notify_email_file)
    } else {
        format!("smtp {}:{}", settings.smtp_host.trim(), settings.smtp_port)
    };
    (file(&settings.notify_sms_file), email)
}

/// Dispatches the outbox every `every` until stopped.
pub fn spawn_dispatcher(app: App, every: Duration) -> Periodic {
    Periodic::spawn(every, move || {
        let app = app.clone();
        async move { dispatch_once(&app).await }
    })
}

async fn dispatch_once(app: &App) {
    match app.dispatch_outbox().await {
        Ok(report) if report == DispatchReport::default() => {}
        Ok(report) => tracing::info!(
            sent = report.sent,
            retried = report.retried,
            failed = report.failed,
            "outbox dispatched"
        ),
        Err(err) => tracing::error!(error = %err, "dispatching the outbox failed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> Settings {
        let env = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::load_from(None, Some(env)).unwrap()
    }

    #[test]
    fn by_default_both_channels_are_written_to_files() {
        let s = settings(&[]);
        assert_eq!(
            senders(&s).unwrap().channels(),
            [Channel::Sms, Channel::Email]
        );
        let (sms, email) = describe(&s);
        assert_eq!(sms, "file data/outbox/sms.jsonl");
        assert_eq!(email, "file data/outbox/email.jsonl");
    }

    #[test]
    fn an_smtp_host_takes_email_and_an_empty_file_turns_a_channel_off() {
        let s = settings(&[
            ("TONGBAN_NOTIFY_SMS_FILE", ""),
            ("TONGBAN_SMTP_HOST", "mail.local"),
            ("TONGBAN_SMTP_FROM", "noreply@tongban.example"),
            ("TONGBAN_SMTP_USER", "tongban"),
            ("TONGBAN_SMTP_PASSWORD", "s3cret"),
            ("TONGBAN_NOTIFY_MAX_ATTEMPTS", "3"),
        ]);
        let senders = senders(&s).unwrap();
        assert_eq!(senders.channels(), [Channel::Email]);
        assert_eq!(senders.max_attempts(), 3);
        let (sms, email) = describe(&s);
        assert_eq!(
            (sms.as_str(), email.as_str()),
            ("none", "smtp mail.local:25")
        );
        assert!(!format!("{senders:?}").contains("s3cret"));
    }

    #[test]
    fn a_bad_sender_address_is_refused_at_start() {
        let s = settings(&[
            ("TONGBAN_SMTP_HOST", "mail.local"),
            ("TONGBAN_SMTP_FROM", "not-an-address"),
        ]);
        assert!(senders(&s).is_err());
    }
}
