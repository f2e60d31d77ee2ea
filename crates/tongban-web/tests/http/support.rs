//! Spawning a test app and talking to it.

use std::net::SocketAddr;
use std::sync::Arc;

use reqwest::{Client, StatusCode, redirect};
use serde_json::{Value, json};
use time::macros::datetime;
use tongban_app::{App, AppConfig, FakeClock};
use tongban_demo::{CITIZEN_PASSWORD, DemoConfig, STAFF_PASSWORD};
use tongban_store::{AccountRow, Store, StoreOptions};

pub const PASSWORD: &str = STAFF_PASSWORD;
pub const CITIZEN_PW: &str = CITIZEN_PASSWORD;

pub struct TestApp {
    pub base: String,
    pub app: App,
    pub clock: Arc<FakeClock>,
    pub url: String,
    pub client: Client,
    dir: std::path::PathBuf,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub fn secret() -> Vec<u8> {
    b"test-secret-key-0123456789abcdef".to_vec()
}

/// A fresh app seeded with the demo city (a few citizens and enterprises only).
pub async fn spawn_app() -> TestApp {
    crate::logs::capture();
    let dir = std::env::temp_dir().join(format!("tongban-http-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = match std::env::var("TONGBAN_HTTP_ON_PG")
        .ok()
        .zip(std::env::var("TONGBAN_TEST_PG_URL").ok())
    {
        Some((flag, pg)) if flag == "1" => postgres_schema_url(&pg).await,
        _ => format!("sqlite://{}/t.db", dir.display()),
    };
    let clock = Arc::new(FakeClock::at(datetime!(2026-11-25 02:00 UTC)));
    let app = open_app(&url, clock.clone())
        .await
        .with_uploads(dir.join("uploads"))
        .unwrap();
    let city = tongban_demo::generate(&DemoConfig {
        seed: 7,
        citizens: 5,
        enterprises: 3,
    });
    app.seed_demo(city).await.unwrap();
    let base = serve(app.clone()).await;
    TestApp {
        base,
        app,
        clock,
        url,
        client: client(),
        dir,
    }
}

/// A fresh schema in the test PostgreSQL database (left behind; CI databases are thrown away).
async fn postgres_schema_url(admin_url: &str) -> String {
    sqlx::any::install_default_drivers();
    let schema = format!("http_{}", uuid::Uuid::new_v4().simple());
    let admin = sqlx::AnyPool::connect(admin_url).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    let sep = if admin_url.contains('?') { '&' } else { '?' };
    format!("{admin_url}{sep}options[search_path]={schema}")
}

pub async fn open_app(url: &str, clock: Arc<FakeClock>) -> App {
    let store = Store::open(&StoreOptions::new(url), 1_764_036_000_000)
        .await
        .unwrap();
    let mut config = AppConfig::new(secret());
    // Licences can be signed (the sealing key of departments' signing keys).
    config.licence_master_key = Some([0x42; 16]);
    App::new(store, clock, config).await.unwrap()
}

/// Serves `app` on 127.0.0.1:0 and returns its base URL.
pub async fn serve(app: App) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = tongban_web::router(app, tongban_web::WebOptions::default());
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    format!("http://{addr}")
}

pub fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(redirect::Policy::none())
        .build()
        .unwrap()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Logs in through the API and returns the bearer token.
    pub async fn token(&self, login: &str, password: &str) -> String {
        let res = self
            .client
            .post(self.url("/api/v1/auth/login"))
            .json(&json!({ "login": login, "password": password }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "login {login} failed");
        let body: Value = res.json().await.unwrap();
        body["token"].as_str().unwrap().to_string()
    }

    /// Adds a staff account of `role` scoped to a division, for scope tests.
    pub async fn add_staff(&self, login: &str, role: &str, division: &str) {
        self.add_staff_in(login, role, "division", division).await;
    }

    /// Adds a staff account of `role` scoped to a unit (`division`, `department` or `hall`).
    pub async fn add_staff_in(&self, login: &str, role: &str, unit_kind: &str, unit_id: &str) {
        let row = AccountRow {
            id: format!("staff-{login}"),
            kind: "staff".into(),
            login: login.into(),
            display_name: "测试人员".into(),
            password_hash: tongban_app::hash_password(PASSWORD).unwrap(),
            role: Some(role.into()),
            unit_kind: Some(unit_kind.into()),
            unit_id: Some(unit_id.into()),
            disabled: 0,
            created_at_ms: 0,
        };
        self.app
            .store()
            .write(move |ctx| Box::pin(async move { ctx.insert_account(&row).await }))
            .await
            .unwrap();
    }

    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.client.request(method.parse().unwrap(), self.url(path));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, value)
    }

    /// The CSRF token printed in a page's forms.
    pub async fn csrf_of(&self, path: &str) -> String {
        let html = self
            .client
            .get(self.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let marker = "name=\"csrf\" value=\"";
        let start = html
            .find(marker)
            .expect("page has a form with a CSRF token")
            + marker.len();
        html[start..].split('"').next().unwrap().to_string()
    }
}
