//! Seeding a sandbox's database once, in-process, with what the write load needs: the demo
//! city's organisation, staff and a few citizens, and one published item to apply for.

use std::sync::Arc;

use tongban_app::{App, AppConfig, SystemClock};
use tongban_demo::DemoConfig;
use tongban_store::{Store, StoreOptions};

use crate::server::{SECRET_HEX, Sandbox};

/// The 巴州区 market regulator, whose four-step item the load applies for.
pub const DEPARTMENT: &str = "511902-scjgj";
/// A clerk of the 巴州区 hall, who accepts the cases.
pub const CLERK: &str = "clerk-511902-1";

/// What the load needs to know about the seeded data.
pub struct Seeded {
    pub citizens: Vec<String>,
    pub item_id: String,
    pub required: Vec<String>,
}

/// Seeds the sandbox's database with `citizens` citizens and the item.
pub async fn seed(sandbox: &Sandbox, citizens: usize) -> Seeded {
    let store = Store::open(&StoreOptions::new(sandbox.url.clone()), 0)
        .await
        .unwrap();
    let mut config = AppConfig::new(hex_decode(SECRET_HEX));
    config.licence_master_key = Some([0x42; 16]);
    let app = App::new(store, Arc::new(SystemClock), config)
        .await
        .unwrap();
    let city = tongban_demo::generate(&DemoConfig {
        seed: 7,
        citizens,
        enterprises: 1,
    });
    let mut item = tongban_demo::catalog_items(&city)
        .into_iter()
        .find(|i| i.department_id == DEPARTMENT && i.steps.len() == 4 && !i.materials.is_empty())
        .expect("the demo has a four-step item of the 巴州区 market regulator");
    {
        use tongban_domain::catalog::{OnlineDepth as D, OnlineLevel};
        item.online_level = OnlineLevel::Three;
        item.online_depth = vec![
            D::Consultation,
            D::Submission,
            D::PreReview,
            D::Acceptance,
            D::Handling,
            D::ResultFeedback,
        ];
    }
    let required = item
        .materials
        .iter()
        .filter(|m| m.required)
        .map(|m| m.name.clone())
        .collect();
    let logins = city.citizens.iter().map(|c| c.login.clone()).collect();
    app.seed_demo(city).await.unwrap();
    app.seed_catalog(vec![item]).await.unwrap();
    app.store().close().await;
    let item_id = crate::sql::text(&sandbox.url, "SELECT item_id FROM items")
        .await
        .remove(0);
    Seeded {
        citizens: logins,
        item_id,
        required,
    }
}

fn hex_decode(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}
