//! Server settings: defaults, an optional TOML file and `TONGBAN_*` environment overrides.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use config::{Config, Environment, File, FileFormat};
use serde::Deserialize;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// Every setting of the server. See `tongban.example.toml` for what each one means.
/// The demo's year of history: about 20,700 cases.
pub const DEFAULT_DEMO_APPLICATIONS: u64 = 20_700;
/// Signed licences in the demo: the source's 153,000 pushed to the province.
pub const DEFAULT_DEMO_LICENCES: u64 = 153_000;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Settings {
    pub listen: String,
    pub database_url: String,
    pub secret_key_file: PathBuf,
    pub cookie_secure: bool,
    pub trust_forwarded_for: bool,
    /// The largest JSON or form body, in bytes; larger ones are refused with 413.
    pub max_body_bytes: usize,
    /// The largest file upload (multipart form) on a page, in bytes.
    pub max_upload_bytes: usize,
    pub session_hours: i64,
    pub max_login_failures: i64,
    pub login_lock_minutes: i64,
    pub log_format: LogFormat,
    /// Where SMS notices are written as JSON lines ('' = no SMS sender).
    pub notify_sms_file: PathBuf,
    /// Where email notices are written as JSON lines when no SMTP host is set ('' = none).
    pub notify_email_file: PathBuf,
    /// Attempts at one message before it is marked failed.
    pub notify_max_attempts: i64,
    /// SMTP server for email notices ('' = write them to `notify_email_file`).
    pub smtp_host: String,
    pub smtp_port: u16,
    pub smtp_from: String,
    /// AUTH PLAIN user ('' = no authentication).
    pub smtp_user: String,
    pub smtp_password: Secret,
    /// How many cases of history `tongban demo` seeds (about a year's; 0 seeds none).
    pub demo_applications: usize,
    /// How many signed licences `tongban demo` seeds in all (the source reports 153,000).
    pub demo_licences: usize,
    /// The 6-digit region code that starts every 办件编号.
    pub region_code: String,
    /// Where applicants' uploaded materials are kept (content-addressed by SM3). Back it up
    /// with the database.
    pub uploads_dir: PathBuf,
    /// The SM4 master key sealing departments' licence signing keys, 32 hex digits. When empty
    /// it is read from (or first generated into) `licence_master_key_file`. Keep it out of the
    /// database's backups.
    pub licence_master_key: Secret,
    pub licence_master_key_file: PathBuf,
    /// The address citizens reach the public pages at; QR codes on licences point to it
    /// ('' = `http://` + `listen`).
    pub public_base_url: String,
    /// Where events are pushed to the provincial platform (`http://…`; '' = no push).
    pub upstream_url: String,
    /// Bearer token for the provincial platform ('' = none).
    pub upstream_token: Secret,
    /// 好差评: working days an invitation to rate stays valid.
    pub evaluation_invite_working_days: u32,
    /// 好差评: working days to rectify or explain a 差评.
    pub rectification_days: u32,
    /// Per-region overrides of `rectification_days`: `prefix=days` pairs separated by commas,
    /// keyed by 行政区划代码 prefix (e.g. `511921=10,5119210=8`; the longest prefix wins).
    pub rectification_days_by_region: String,
    /// Milliseconds between rounds of the notification outbox dispatcher.
    pub dispatch_every_ms: u64,
    /// Milliseconds between rounds of the push to the provincial platform.
    pub push_every_ms: u64,
    /// Milliseconds between sweeps of overdue cases (容缺 deadlines, escalations, 差评).
    pub sweep_every_ms: u64,
    /// Milliseconds between rounds of the indicator projector.
    pub indicators_every_ms: u64,
    /// Milliseconds between rounds of the 两书一函 drafter.
    pub letters_every_ms: u64,
}

/// A setting that must never be printed or logged: its `Debug` shows `***`.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// The value itself, for the one place that uses it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_empty() { "\"\"" } else { "***" })
    }
}

impl Settings {
    /// Reads the settings: built-in defaults, then `file` (if given), then `TONGBAN_*`
    /// variables from the process environment.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Settings> {
        Settings::load_from(file, None)
    }

    /// Like [`Settings::load`], but with the environment given as a map (for tests).
    pub fn load_from(
        file: Option<&Path>,
        env: Option<HashMap<String, String>>,
    ) -> anyhow::Result<Settings> {
        let mut builder = Config::builder()
            .set_default("listen", "127.0.0.1:8080")?
            .set_default("database_url", "sqlite://data/tongban.db")?
            .set_default("secret_key_file", "data/secret.key")?
            .set_default("cookie_secure", false)?
            .set_default("trust_forwarded_for", false)?
            .set_default("max_body_bytes", tongban_web::DEFAULT_MAX_BODY_BYTES as u64)?
            .set_default(
                "max_upload_bytes",
                tongban_web::DEFAULT_MAX_UPLOAD_BYTES as u64,
            )?
            .set_default("session_hours", 12)?
            .set_default("max_login_failures", 5)?
            .set_default("login_lock_minutes", 15)?
            .set_default("log_format", "text")?
            .set_default("notify_sms_file", "data/outbox/sms.jsonl")?
            .set_default("notify_email_file", "data/outbox/email.jsonl")?
            .set_default("notify_max_attempts", 8)?
            .set_default("smtp_host", "")?
            .set_default("smtp_port", 25)?
            .set_default("smtp_from", "")?
            .set_default("smtp_user", "")?
            .set_default("smtp_password", "")?
            .set_default("demo_applications", DEFAULT_DEMO_APPLICATIONS)?
            .set_default("demo_licences", DEFAULT_DEMO_LICENCES)?
            .set_default("region_code", "511900")?
            .set_default("uploads_dir", "data/uploads")?
            .set_default("licence_master_key", "")?
            .set_default("licence_master_key_file", "data/licence-master.key")?
            .set_default("public_base_url", "")?
            .set_default("upstream_url", "")?
            .set_default("upstream_token", "")?
            .set_default("evaluation_invite_working_days", 5)?
            .set_default("rectification_days", 15)?
            .set_default("rectification_days_by_region", "")?
            .set_default("dispatch_every_ms", 2_000)?
            .set_default("push_every_ms", 2_000)?
            .set_default("sweep_every_ms", 60_000)?
            .set_default("indicators_every_ms", 30_000)?
            .set_default("letters_every_ms", 3_600_000)?;
        if let Some(path) = file {
            if !path.is_file() {
                anyhow::bail!("配置文件不存在 / config file not found: {}", path.display());
            }
            builder = builder.add_source(File::from(path).format(FileFormat::Toml).required(true));
        }
        builder = builder.add_source(
            Environment::with_prefix("TONGBAN")
                .try_parsing(true)
                .source(env),
        );
        let config = builder.build().context("reading the configuration")?;
        let settings: Settings = config
            .try_deserialize()
            .context("invalid configuration value")?;
        settings.check()?;
        Ok(settings)
    }

    fn check(&self) -> anyhow::Result<()> {
        if self.session_hours < 1 {
            anyhow::bail!(
                "session_hours must be at least 1 (got {})",
                self.session_hours
            );
        }
        if self.max_login_failures < 1 || self.login_lock_minutes < 1 {
            anyhow::bail!("max_login_failures and login_lock_minutes must be at least 1");
        }
        if self.notify_max_attempts < 1 {
            anyhow::bail!("notify_max_attempts must be at least 1");
        }
        if !self.smtp_host.trim().is_empty() && self.smtp_from.trim().is_empty() {
            anyhow::bail!("smtp_from (the sender address) is needed when smtp_host is set");
        }
        if self.rectification_days < 1 || self.evaluation_invite_working_days < 1 {
            anyhow::bail!(
                "rectification_days and evaluation_invite_working_days must be at least 1"
            );
        }
        self.rectification_overrides()?;
        let intervals = [
            self.dispatch_every_ms,
            self.push_every_ms,
            self.sweep_every_ms,
            self.indicators_every_ms,
            self.letters_every_ms,
        ];
        if intervals.iter().any(|ms| *ms < 10) {
            anyhow::bail!("the *_every_ms intervals of the background jobs must be at least 10");
        }
        let upstream = self.upstream_url.trim();
        if !upstream.is_empty() && !upstream.starts_with("http://") {
            anyhow::bail!("upstream_url must start with http:// (TLS is not supported yet)");
        }
        Ok(())
    }

    /// The parsed `rectification_days_by_region`.
    pub fn rectification_overrides(&self) -> anyhow::Result<Vec<(String, u32)>> {
        let mut out = Vec::new();
        for pair in self
            .rectification_days_by_region
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let (prefix, days) = pair
                .split_once('=')
                .context("rectification_days_by_region pairs are prefix=days")?;
            let prefix = prefix.trim();
            if prefix.is_empty() || prefix.len() > 12 || !prefix.bytes().all(|b| b.is_ascii_digit())
            {
                anyhow::bail!(
                    "rectification_days_by_region: {prefix:?} is not a division code prefix"
                );
            }
            let days: u32 = days.trim().parse().ok().filter(|d| *d >= 1).context(
                "rectification_days_by_region: days must be a whole number of at least 1",
            )?;
            out.push((prefix.to_string(), days));
        }
        Ok(out)
    }

    /// The database URL with any password replaced by `***`, safe to print and log.
    pub fn database_url_masked(&self) -> String {
        mask_url(&self.database_url)
    }
}

/// Replaces the password of a `scheme://user:password@host/...` URL (and a `password=`
/// query parameter) with `***`.
pub fn mask_url(url: &str) -> String {
    let mut out = match url.split_once("://") {
        Some((scheme, rest)) => {
            // The authority ends at the first '/', '?' or '#'; credentials end at its last '@'.
            let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            let (authority, tail) = rest.split_at(authority_end);
            match authority.rsplit_once('@') {
                Some((userinfo, host)) => {
                    let user = userinfo.split_once(':').map_or(userinfo, |(user, _)| user);
                    let masked = if userinfo.contains(':') {
                        format!("{user}:***")
                    } else {
                        user.to_string()
                    };
                    format!("{scheme}://{masked}@{host}{tail}")
                }
                None => url.to_string(),
            }
        }
        None => url.to_string(),
    };
    if let Some((base, query)) = out.split_once('?') {
        let params: Vec<String> = query
            .split('&')
            .map(|p| match p.split_once('=') {
                Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                _ => p.to_string(),
            })
            .collect();
        out = format!("{base}?{}", params.join("&"));
    }
    out
}

/// For a SQLite URL, the database file it names (`None` for PostgreSQL or in-memory).
pub fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return None;
    }
    Some(PathBuf::from(path))
}

/// Creates the directory that will hold a SQLite database file.
pub fn ensure_sqlite_parent(url: &str) -> anyhow::Result<()> {
    if let Some(parent) = sqlite_path(url).as_deref().and_then(Path::parent)
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating the database directory {}", parent.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Option<HashMap<String, String>> {
        Some(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn defaults_apply_when_nothing_is_configured() {
        let s = Settings::load_from(None, env(&[])).unwrap();
        assert_eq!(s.listen, "127.0.0.1:8080");
        assert_eq!(s.database_url, "sqlite://data/tongban.db");
        assert_eq!(s.secret_key_file, PathBuf::from("data/secret.key"));
        assert!(!s.cookie_secure);
        assert_eq!(s.session_hours, 12);
        assert_eq!(s.log_format, LogFormat::Text);
    }

    #[test]
    fn environment_variables_override_the_file() {
        let dir = std::env::temp_dir().join(format!("tongban-settings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("t.toml");
        std::fs::write(
            &file,
            "listen = \"0.0.0.0:9000\"\nsession_hours = 8\nlog_format = \"json\"\n",
        )
        .unwrap();
        let s = Settings::load_from(
            Some(&file),
            env(&[
                ("TONGBAN_LISTEN", "127.0.0.1:7000"),
                ("TONGBAN_COOKIE_SECURE", "true"),
            ]),
        )
        .unwrap();
        assert_eq!(s.listen, "127.0.0.1:7000");
        assert_eq!(s.session_hours, 8);
        assert_eq!(s.log_format, LogFormat::Json);
        assert!(s.cookie_secure);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_example_file_documents_every_setting_with_its_default() {
        let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("tongban.example.toml");
        let text = std::fs::read_to_string(&example).unwrap();
        let from_example = Settings::load_from(Some(&example), env(&[])).unwrap();
        assert_eq!(from_example, Settings::load_from(None, env(&[])).unwrap());
        for key in [
            "listen",
            "database_url",
            "secret_key_file",
            "cookie_secure",
            "trust_forwarded_for",
            "session_hours",
            "max_login_failures",
            "login_lock_minutes",
            "log_format",
            "notify_sms_file",
            "notify_email_file",
            "notify_max_attempts",
            "smtp_host",
            "smtp_port",
            "smtp_from",
            "smtp_user",
            "smtp_password",
            "upstream_url",
            "upstream_token",
            "evaluation_invite_working_days",
            "rectification_days",
            "rectification_days_by_region",
            "dispatch_every_ms",
            "push_every_ms",
            "sweep_every_ms",
            "indicators_every_ms",
            "letters_every_ms",
        ] {
            assert!(
                text.contains(&format!("\n{key} = ")),
                "{key} is not documented"
            );
            assert!(
                text.contains(&format!("TONGBAN_{}", key.to_uppercase())),
                "{key} has no variable"
            );
        }
    }

    #[test]
    fn rectification_deadlines_can_be_overridden_per_region_and_bad_pairs_are_refused() {
        let s = Settings::load_from(
            None,
            env(&[(
                "TONGBAN_RECTIFICATION_DAYS_BY_REGION",
                "511921=10, 511921001=8",
            )]),
        )
        .unwrap();
        assert_eq!(s.rectification_days, 15);
        assert_eq!(
            s.rectification_overrides().unwrap(),
            vec![("511921".to_string(), 10), ("511921001".to_string(), 8)]
        );
        for bad in ["5119x=3", "511921", "511921=0"] {
            assert!(
                Settings::load_from(None, env(&[("TONGBAN_RECTIFICATION_DAYS_BY_REGION", bad)]))
                    .is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn notices_go_to_files_by_default_and_smtp_needs_a_sender_address() {
        let s = Settings::load_from(None, env(&[])).unwrap();
        assert_eq!(s.notify_sms_file, PathBuf::from("data/outbox/sms.jsonl"));
        assert_eq!(
            s.notify_email_file,
            PathBuf::from("data/outbox/email.jsonl")
        );
        assert_eq!((s.smtp_host.as_str(), s.smtp_port), ("", 25));
        assert_eq!(s.notify_max_attempts, 8);
        assert!(Settings::load_from(None, env(&[("TONGBAN_SMTP_HOST", "mail.local")])).is_err());
        let s = Settings::load_from(
            None,
            env(&[
                ("TONGBAN_SMTP_HOST", "mail.local"),
                ("TONGBAN_SMTP_PORT", "2525"),
                ("TONGBAN_SMTP_FROM", "noreply@tongban.example"),
                ("TONGBAN_SMTP_PASSWORD", "s3cret"),
            ]),
        )
        .unwrap();
        assert_eq!(s.smtp_port, 2525);
        assert_eq!(s.smtp_password.expose(), "s3cret");
        assert!(
            !format!("{s:?}").contains("s3cret"),
            "the SMTP password is never printed"
        );
    }

    #[test]
    fn the_upstream_push_is_off_by_default_and_its_token_is_never_printed() {
        let s = Settings::load_from(None, env(&[])).unwrap();
        assert_eq!(
            (s.upstream_url.as_str(), s.upstream_token.expose()),
            ("", "")
        );
        let s = Settings::load_from(
            None,
            env(&[
                ("TONGBAN_UPSTREAM_URL", "http://gov.example/events"),
                ("TONGBAN_UPSTREAM_TOKEN", "t0ken"),
            ]),
        )
        .unwrap();
        assert_eq!(s.upstream_url, "http://gov.example/events");
        assert!(!format!("{s:?}").contains("t0ken"));
        let tls = env(&[("TONGBAN_UPSTREAM_URL", "https://gov.example/events")]);
        assert!(Settings::load_from(None, tls).is_err());
    }

    #[test]
    fn a_missing_config_file_is_an_error() {
        let err = Settings::load_from(Some(Path::new("/nonexistent/tongban.toml")), env(&[]))
            .unwrap_err();
        assert!(err.to_string().contains("/nonexistent/tongban.toml"));
    }

    #[test]
    fn an_unknown_log_format_is_refused() {
        assert!(Settings::load_from(None, env(&[("TONGBAN_LOG_FORMAT", "xml")])).is_err());
    }

    #[test]
    fn passwords_in_database_urls_are_masked() {
        assert_eq!(
            mask_url("postgres://tb:s3cr%40t@db.local:5432/tongban"),
            "postgres://tb:***@db.local:5432/tongban"
        );
        assert_eq!(
            mask_url("postgres://db.local/tongban?user=x&password=p"),
            "postgres://db.local/tongban?user=x&password=***"
        );
        assert_eq!(
            mask_url("postgres://tb@db.local/tongban"),
            "postgres://tb@db.local/tongban"
        );
        assert_eq!(
            mask_url("sqlite://data/tongban.db"),
            "sqlite://data/tongban.db"
        );
    }

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(
            sqlite_path("sqlite://data/tongban.db?mode=rwc"),
            Some(PathBuf::from("data/tongban.db"))
        );
        assert_eq!(
            sqlite_path("sqlite:///var/lib/tb.db"),
            Some(PathBuf::from("/var/lib/tb.db"))
        );
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://x/y"), None);
    }
}
