//! Use cases of Tongban: the one API boundary that web pages, the JSON API, the CLI and
//! background jobs all call.
//!
//! Each public method is one user action. It decides authorization (never only the pages), runs
//! the domain rules, and performs its writes as one unit of work on the store, appending the
//! events that record the change in the same transaction. Time comes from the [`Clock`], so
//! tests drive it with [`FakeClock`].
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod applications;
mod audit;
mod auth;
mod browse;
pub mod bulletins;
mod calendar;
mod catalog;
mod catalog_flow;
mod catalog_queue;
mod clock;
mod error;
pub mod evaluations;
pub mod import;
pub mod indicators;
mod item_cache;
pub mod licences;
mod lists;
mod lists_flow;
mod lists_import;
mod notify;
mod notify_senders;
mod org;
mod password_threads;
mod principal;
mod registration;
mod seed;
pub mod uploads;
mod upstream;
mod upstream_http;
mod upstream_licences;
mod validate;

use std::sync::{Arc, RwLock};

pub use audit::{CitizenRecord, EventView};
pub use auth::{LoginOutcome, LoginRequest, SessionInfo, hash_password};
pub use browse::AdminOverview;
pub use calendar::{DueDateAnswer, DueDateRequest, PauseRequest};
pub use catalog::{CatalogQuery, ItemSummary, ItemView};
pub use clock::{Clock, FakeClock, SystemClock};
pub use error::{AppError, FieldError};
pub use item_cache::{ITEM_CACHE_TTL_MS, ItemPage, MAX_PAGES_PER_ITEM};
pub use lists::{
    EditionComparison, EditionInfo, EntriesPage, EntriesQuery, EntryView, ListOverview,
};
pub use lists_flow::SeedEdition;
pub use lists_import::EditionSheet;
pub use notify::{
    BoxFuture, Channel, DEFAULT_MAX_ATTEMPTS, DispatchReport, NoticeSender, NoticeView,
    NoticesPage, OutboundMessage, OutboxCount, OutboxLine, OutboxOverview, Senders, retry_delay_ms,
    scrub_error,
};
pub use notify_senders::{FileSender, SmtpConfig, SmtpSender};
pub use org::{DepartmentEdit, DivisionPage, HallEdit, HallQuery};
pub use principal::{OrgUnit, Principal};
pub use registration::{CitizenRegistration, EnterpriseRegistration};
pub use seed::SeedReport;
pub use upstream::{
    Enricher, LICENCE_KINDS, PushReport, Upstream, UpstreamEvent, UpstreamSender, UpstreamStatus,
    UpstreamStream, UpstreamStreamStatus, idempotency_key, upstream_retry_delay_ms,
};
pub use upstream_http::HttpUpstreamSender;
pub use upstream_licences::LicenceDirectoryEntry;
pub use validate::{ValidateKind, validate_lines};

use tongban_domain::WorkCalendar;
use tongban_domain::pii::PiiKey;
use tongban_store::Store;

/// Settings the use cases need.
#[derive(Clone)]
pub struct AppConfig {
    /// Key for keyed hashes of personal identifiers (HMAC-SM3). Never logged.
    pub secret_key: Vec<u8>,
    /// How long a login lasts.
    pub session_hours: i64,
    /// Failed logins allowed per account (and per client address, times four) in the window.
    pub max_login_failures: i64,
    /// The failure window and the lock-out that follows, in minutes.
    pub login_lock_minutes: i64,
    /// The 6-digit region code that starts every 办件编号.
    pub region_code: String,
    /// The SM4 key that seals departments' private signing keys (16 bytes). Never stored in the
    /// database or logged; without it no licence can be signed.
    pub licence_master_key: Option<[u8; 16]>,
    /// Where the public pages are reached (QR codes on licences point here).
    pub public_base_url: String,
    /// 好差评: invitation validity, window token lifetime and the 差评 deadlines.
    pub evaluations: evaluations::EvaluationSettings,
}

impl std::fmt::Debug for AppConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppConfig")
            .field("secret_key", &"<redacted>")
            .field("session_hours", &self.session_hours)
            .field("max_login_failures", &self.max_login_failures)
            .field("login_lock_minutes", &self.login_lock_minutes)
            .field("region_code", &self.region_code)
            .field(
                "licence_master_key",
                &self.licence_master_key.map(|_| "<redacted>"),
            )
            .field("public_base_url", &self.public_base_url)
            .field("evaluations", &self.evaluations)
            .finish()
    }
}

impl AppConfig {
    pub fn new(secret_key: Vec<u8>) -> AppConfig {
        AppConfig {
            secret_key,
            session_hours: 12,
            max_login_failures: 5,
            login_lock_minutes: 15,
            region_code: "511900".into(),
            licence_master_key: None,
            public_base_url: "http://127.0.0.1:8080".into(),
            evaluations: evaluations::EvaluationSettings::default(),
        }
    }
}

/// The application: store, clock, configuration and the loaded working-day calendar.
#[derive(Clone)]
pub struct App {
    store: Store,
    clock: Arc<dyn Clock>,
    config: Arc<AppConfig>,
    calendar: Arc<RwLock<Arc<WorkCalendar>>>,
    /// Recently acted-on cases (a hint; see `applications/cache.rs`).
    cases: Arc<applications::CaseCache>,
    /// Where applicants' uploaded materials are kept; `None` refuses uploads.
    uploads: Option<uploads::BlobStore>,
    /// Who carries notices out by SMS and email (none unless [`App::with_senders`] is used).
    senders: Arc<Senders>,
    /// Signing keys unsealed and public keys parsed so far.
    licence_keys: Arc<licences::Keyring>,
    /// Where events are pushed upstream (nowhere unless [`App::with_upstream`] is used).
    upstream: Arc<upstream::Upstream>,
    /// Published items as the 办事指南 shows them, kept for a few seconds.
    items: Arc<item_cache::ItemCache>,
}

impl App {
    /// Builds the app and loads the calendar (seeding the built-in years on first start).
    pub async fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        config: AppConfig,
    ) -> Result<App, AppError> {
        let licence_keys = Arc::new(licences::Keyring::new(config.licence_master_key));
        // Personal fields are sealed by the store under a key derived from the secret key.
        store.install_pii_key(PiiKey::derive(&config.secret_key))?;
        let app = App {
            store,
            clock,
            config: Arc::new(config),
            calendar: Arc::new(RwLock::new(Arc::new(WorkCalendar::empty()))),
            uploads: None,
            senders: Arc::new(Senders::none()),
            upstream: Arc::default(),
            cases: Arc::default(),
            items: Arc::default(),
            licence_keys,
        };
        app.load_calendar().await?;
        Ok(app)
    }

    /// Keeps uploaded materials in `dir` (created if missing).
    pub fn with_uploads(mut self, dir: std::path::PathBuf) -> Result<App, AppError> {
        self.uploads = Some(uploads::BlobStore::open(dir)?);
        Ok(self)
    }

    /// The directory uploaded materials are kept in, if configured.
    pub fn uploads_dir(&self) -> Option<&std::path::Path> {
        self.uploads.as_ref().map(|b| b.dir())
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn now(&self) -> time::OffsetDateTime {
        self.clock.now()
    }

    pub(crate) fn now_ms(&self) -> i64 {
        (self.clock.now().unix_timestamp_nanos() / 1_000_000) as i64
    }

    pub(crate) fn today(&self) -> time::Date {
        // Working days are counted on Beijing time.
        self.clock.now().to_offset(beijing()).date()
    }

    /// Readiness: the database answers.
    pub async fn health(&self) -> Result<(), AppError> {
        self.store.ping().await.map_err(AppError::from)
    }
}

/// UTC+8, the time zone all dates of the platform are read in.
pub fn beijing() -> time::UtcOffset {
    time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC)
}
