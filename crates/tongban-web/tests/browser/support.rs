//! The app under test for the browser journeys: the demo city on a fresh SQLite file, one
//! published item of the 巴州区 market regulator that can be applied for online and whose
//! approval issues a licence, served on 127.0.0.1:0.

use std::net::SocketAddr;
use std::sync::Arc;

use time::macros::datetime;
use tongban_app::licences::TypeSeed;
use tongban_app::{App, AppConfig, FakeClock};
use tongban_demo::DemoConfig;
use tongban_domain::licence::{
    FaceField, HolderKind, LicenceType, LicenceTypeCode, Recognition, Validity,
};
use tongban_store::{Store, StoreOptions};

pub use tongban_demo::{CITIZEN_PASSWORD, STAFF_PASSWORD};

/// The department whose item the journeys apply for.
pub const DEPARTMENT: &str = "511902-scjgj";
pub const CLERK: &str = "clerk-511902-1";
pub const REVIEWER: &str = "reviewer-511902-scjgj";
pub const APPROVER: &str = "approver-511902-scjgj";
/// The licence the item issues when approved.
pub const LICENCE_NAME: &str = "食品经营许可证";

/// A 1×1 PNG, uploaded as every material.
pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\0\0\x01\x01\0\x05\x18\xd8N\0\0\0\0IEND\xaeB`\x82";

pub struct TestApp {
    pub base: String,
    /// The item's id (its 办事指南 is `/items/{item}`).
    pub item: String,
    /// The item's name, as a citizen would search for it.
    pub item_name: String,
    /// How many materials the item requires.
    pub required: usize,
    /// A PNG file on disk, for the file inputs.
    pub png: std::path::PathBuf,
    dir: std::path::PathBuf,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }
}

/// A fresh app seeded with a small demo city and the item described above.
pub async fn spawn_app() -> TestApp {
    let dir = std::env::temp_dir().join(format!("tongban-browser-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let png = dir.join("证件.png");
    std::fs::write(&png, PNG).unwrap();
    let url = format!("sqlite://{}/t.db", dir.display());
    let clock = Arc::new(FakeClock::at(datetime!(2026-11-25 02:00 UTC)));
    let store = Store::open(&StoreOptions::new(&url), 1_764_036_000_000)
        .await
        .unwrap();
    let mut config = AppConfig::new(b"browser-secret-key-0123456789abc".to_vec());
    config.licence_master_key = Some([0x42; 16]);
    let app = App::new(store, clock, config)
        .await
        .unwrap()
        .with_uploads(dir.join("uploads"))
        .unwrap();
    let demo = DemoConfig {
        seed: 7,
        citizens: 5,
        enterprises: 3,
    };
    app.seed_demo(tongban_demo::generate(&demo)).await.unwrap();
    let (item, item_name, required) = publish_issuing_item(&app, &demo).await;
    let base = serve(app.clone()).await;
    TestApp {
        base,
        item,
        item_name,
        required,
        png,
        dir,
    }
}

/// Publishes a four-step item of [`DEPARTMENT`] applied for fully online, and a licence type
/// that it issues; the item's id, name and number of required materials.
async fn publish_issuing_item(app: &App, demo: &DemoConfig) -> (String, String, usize) {
    use tongban_domain::catalog::{OnlineDepth as D, OnlineLevel};
    let city = tongban_demo::generate(demo);
    let mut item = tongban_demo::catalog_items(&city)
        .into_iter()
        .find(|i| i.department_id == DEPARTMENT && i.steps.len() == 4 && !i.materials.is_empty())
        .expect("the demo has a four-step item of the 巴州区 market regulator");
    item.online_level = OnlineLevel::Three;
    item.online_depth = vec![
        D::Consultation,
        D::Submission,
        D::PreReview,
        D::Acceptance,
        D::Handling,
        D::ResultFeedback,
    ];
    let required = item.materials.iter().filter(|m| m.required).count();
    let basic_code = item.basic_code.clone();
    let name = item.name.clone();
    app.seed_catalog(vec![item]).await.unwrap();
    let code = LicenceTypeCode::new("11100000000013338W", 901).unwrap();
    let licence_type = LicenceType {
        code: code.clone(),
        name: LICENCE_NAME.into(),
        authority_name: "国家市场监督管理总局".into(),
        holder_kind: HolderKind::Person,
        issuing_department_ids: vec![DEPARTMENT.into()],
        validity: Validity::Years(5),
        face_fields: vec![FaceField {
            key: "KZ_JYFW".into(),
            label: "经营项目".into(),
            required: false,
        }],
        issuing_items: vec![basic_code],
        replaces_materials: vec![],
    };
    app.load_licence_catalogue(
        None,
        TypeSeed {
            types: vec![licence_type],
            recognitions: vec![Recognition {
                department_id: DEPARTMENT.into(),
                type_code: code,
                item_code: None,
            }],
        },
    )
    .await
    .unwrap();
    let search = tongban_store::ItemSearch {
        department_id: Some(DEPARTMENT.into()),
        limit: 1,
        ..Default::default()
    };
    let (hits, _) = app.store().search_items(&search).await.unwrap();
    let id = hits.first().expect("the item is published").item_id.clone();
    (id, name, required)
}

/// Serves `app` on 127.0.0.1:0; its base URL.
async fn serve(app: App) -> String {
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
