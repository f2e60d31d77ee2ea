//! Shared start-up steps of the verbs: logging, the secret key, and opening the store and app.

use std::io::Write as _;
use std::path::Path;
use std::sync::Arc;

use anyhow::Context as _;
use tongban_app::{App, AppConfig, Clock as _, SystemClock};
use tongban_store::{Store, StoreOptions};
use tracing_subscriber::EnvFilter;

use crate::settings::{LogFormat, Settings, ensure_sqlite_parent};

/// Length of a generated secret key, in bytes.
const SECRET_KEY_BYTES: usize = 32;

/// Starts logging to standard error (standard output is kept for command results).
/// `RUST_LOG` chooses what is logged; the default is `info`.
pub fn init_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    init_logging_with(format, filter);
}

/// Starts logging for a bulk load: as [`init_logging`], but sqlx's slow-statement warnings
/// (every large multi-row INSERT of a bulk load is "slow") are left out.
pub fn init_bulk_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let filter = match "sqlx::query=error".parse() {
        Ok(directive) => filter.add_directive(directive),
        Err(_) => filter,
    };
    init_logging_with(format, filter);
}

fn init_logging_with(format: LogFormat, filter: EnvFilter) {
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second initialisation (never expected) is not worth failing over.
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

/// Reads the hex-encoded secret key, creating a new random one (mode 0600) if the file does
/// not exist yet. The key itself is never printed or logged.
pub fn load_or_create_secret(path: &Path) -> anyhow::Result<Vec<u8>> {
    if !path.exists() {
        create_secret(path)?;
        tracing::info!(file = %path.display(), "generated a new secret key");
    }
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the secret key file {}", path.display()))?;
    let key = hex::decode(text.trim()).with_context(|| {
        format!(
            "the secret key file {} must hold hex digits only",
            path.display()
        )
    })?;
    if key.len() < 16 {
        anyhow::bail!(
            "the secret key in {} is too short ({} bytes; at least 16 are needed)",
            path.display(),
            key.len()
        );
    }
    Ok(key)
}

/// Writes a new random key into `path`, whole or not at all: a process killed half-way (or a
/// power cut) must never leave an empty or short key file that stops every later start. The key
/// goes to a temporary file that is synced and then linked into place, which fails if another
/// process made the key first (that key is then used).
fn create_secret(path: &Path) -> anyhow::Result<()> {
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).with_context(|| {
        format!(
            "creating the directory of the secret key {}",
            parent.display()
        )
    })?;
    let key: [u8; SECRET_KEY_BYTES] = rand::random();
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(format!(".{}.tmp", hex::encode(rand::random::<[u8; 8]>())));
    let tmp = parent.join(name);
    let written = write_new_file(&tmp, format!("{}\n", hex::encode(key)).as_bytes())
        .and_then(|()| match std::fs::hard_link(&tmp, path) {
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            other => other,
        })
        .and_then(|()| std::fs::File::open(parent)?.sync_all());
    let _ = std::fs::remove_file(&tmp);
    written.with_context(|| format!("writing the secret key file {}", path.display()))
}

/// Creates `path` (mode 0600), writes `bytes` and syncs them.
fn write_new_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    (SystemClock.now().unix_timestamp_nanos() / 1_000_000) as i64
}

/// Opens (creating and migrating if needed) the configured database.
pub async fn open_store(settings: &Settings) -> anyhow::Result<Store> {
    open_store_with(settings, false).await
}

/// Opens the configured database, for a bulk load (`tongban gen`) or not.
async fn open_store_with(settings: &Settings, bulk_load: bool) -> anyhow::Result<Store> {
    ensure_sqlite_parent(&settings.database_url)?;
    let masked = settings.database_url_masked();
    tracing::debug!(database = %masked, "opening the database");
    let mut options = StoreOptions::new(settings.database_url.clone());
    options.bulk_load = bulk_load;
    Store::open(&options, now_ms())
        .await
        .with_context(|| format!("opening the database {masked}"))
}

/// The licence master key: from the setting, else from its file (generated on first start).
fn licence_master_key(settings: &Settings) -> anyhow::Result<[u8; 16]> {
    let bytes = if settings.licence_master_key.expose().trim().is_empty() {
        load_or_create_secret(&settings.licence_master_key_file)?
    } else {
        hex::decode(settings.licence_master_key.expose().trim())
            .context("licence_master_key must be 32 hex digits")?
    };
    bytes
        .get(..16)
        .and_then(|b| <[u8; 16]>::try_from(b).ok())
        .context("licence_master_key must hold at least 16 bytes (32 hex digits)")
}

/// Opens the store and builds the application on it.
pub async fn open_app(settings: &Settings) -> anyhow::Result<App> {
    open_app_with(settings, Arc::new(SystemClock), false).await
}

/// Opens the store and builds the application on it, with `clock` as its time; `bulk_load`
/// opens the store for a bulk load (see `StoreOptions::bulk_load`).
pub async fn open_app_with(
    settings: &Settings,
    clock: Arc<dyn tongban_app::Clock>,
    bulk_load: bool,
) -> anyhow::Result<App> {
    let secret_key = load_or_create_secret(&settings.secret_key_file)?;
    if settings.region_code.len() != 6 || !settings.region_code.bytes().all(|b| b.is_ascii_digit())
    {
        anyhow::bail!(
            "region_code must be a 6-digit administrative division code (e.g. 511900), got {:?}",
            settings.region_code
        );
    }
    let store = open_store_with(settings, bulk_load).await?;
    let config = AppConfig {
        secret_key,
        session_hours: settings.session_hours,
        max_login_failures: settings.max_login_failures,
        login_lock_minutes: settings.login_lock_minutes,
        region_code: settings.region_code.clone(),
        licence_master_key: Some(licence_master_key(settings)?),
        public_base_url: if settings.public_base_url.trim().is_empty() {
            format!("http://{}", settings.listen)
        } else {
            settings.public_base_url.trim().to_string()
        },
        evaluations: tongban_app::evaluations::EvaluationSettings {
            invitation_working_days: settings.evaluation_invite_working_days,
            deadlines: tongban_domain::evaluation::RectificationDeadlines {
                default_days: settings.rectification_days,
                by_prefix: settings.rectification_overrides()?,
            },
            ..Default::default()
        },
    };
    App::new(store, clock, config)
        .await
        .context("starting the application")?
        .with_uploads(settings.uploads_dir.clone())
        .with_context(|| {
            format!(
                "opening the upload directory {}",
                settings.uploads_dir.display()
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("tongban-ctx-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn a_missing_secret_key_is_generated_once_and_then_reused() {
        let dir = temp_dir("secret");
        let path = dir.join("nested").join("secret.key");
        let first = load_or_create_secret(&path).unwrap();
        assert_eq!(first.len(), SECRET_KEY_BYTES);
        assert_eq!(load_or_create_secret(&path).unwrap(), first);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_secret_key_file_that_is_not_hex_is_refused() {
        let dir = temp_dir("badsecret");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("secret.key");
        std::fs::write(&path, "not hex at all").unwrap();
        let err = load_or_create_secret(&path).unwrap_err();
        assert!(err.to_string().contains("hex"), "{err}");
        assert!(!format!("{err:#}").contains("not hex at all"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
