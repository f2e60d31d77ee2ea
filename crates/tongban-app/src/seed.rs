//! Loading the generated demo city into an empty store, as one all-or-nothing write.

use std::collections::HashMap;

use serde_json::json;
use tongban_demo::{DemoCity, UnitKind};
use tongban_store::{
    AccountRow, CitizenProfileRow, DepartmentRow, DivisionRow, EnterpriseProfileRow, HallRow,
    NewEvent, StoreError, WriteCtx,
};

use crate::App;
use crate::auth::hash_password;
use crate::error::AppError;

/// What the seed wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub already_seeded: bool,
    pub divisions: usize,
    pub departments: usize,
    pub halls: usize,
    pub staff: usize,
    pub citizens: usize,
    pub enterprises: usize,
}

impl App {
    /// Writes the demo city unless the store already has an organisation tree.
    ///
    /// Demo accounts that share a password share one Argon2 hash (and salt): hashing thousands
    /// of passwords one by one would take minutes, and these are published demo passwords.
    pub async fn seed_demo(&self, city: DemoCity) -> Result<SeedReport, AppError> {
        if !self.store.child_divisions(None).await?.is_empty() {
            return Ok(SeedReport {
                already_seeded: true,
                ..SeedReport::default()
            });
        }
        let mut hashes: HashMap<String, String> = HashMap::new();
        let passwords = city
            .staff
            .iter()
            .map(|s| &s.password)
            .chain(city.citizens.iter().map(|c| &c.password))
            .chain(city.enterprises.iter().map(|e| &e.password));
        for password in passwords {
            if !hashes.contains_key(password) {
                hashes.insert(password.clone(), hash_password(password)?);
            }
        }
        let keys: Vec<String> = city
            .citizens
            .iter()
            .map(|c| self.id_number_key(&c.id_number))
            .collect();
        let report = SeedReport {
            already_seeded: false,
            divisions: city.divisions.len(),
            departments: city.departments.len(),
            halls: city.halls.len(),
            staff: city.staff.len(),
            citizens: city.citizens.len(),
            enterprises: city.enterprises.len(),
        };
        let at_ms = self.now_ms();
        self.store
            .write(move |ctx| {
                Box::pin(async move { write_city(ctx, &city, &hashes, &keys, at_ms).await })
            })
            .await?;
        self.forget_cached_items();
        Ok(report)
    }
}

fn created(at_ms: i64, entity_type: &str, entity_id: &str, payload: serde_json::Value) -> NewEvent {
    NewEvent {
        at_ms,
        actor: "system:demo-seed".into(),
        action: format!("{entity_type}.created"),
        entity_type: entity_type.into(),
        entity_id: entity_id.into(),
        payload,
    }
}

async fn write_city(
    ctx: &mut WriteCtx,
    city: &DemoCity,
    hashes: &HashMap<String, String>,
    id_keys: &[String],
    at_ms: i64,
) -> Result<(), StoreError> {
    for d in &city.divisions {
        let row = DivisionRow {
            code: d.code.clone(),
            name: d.name.clone(),
            level: i64::from(d.level.code()),
            parent_code: d.parent_code.clone(),
        };
        ctx.insert_division(&row).await?;
        ctx.append_event(created(
            at_ms,
            "division",
            &row.code,
            json!({ "name": row.name, "level": row.level }),
        ))
        .await?;
    }
    for d in &city.departments {
        let row = DepartmentRow {
            id: d.key.clone(),
            name: d.name.clone(),
            short_name: d.short_name.clone(),
            uscc: d.uscc.clone(),
            division_code: d.division_code.clone(),
            parent_id: d.parent_key.clone(),
        };
        ctx.insert_department(&row).await?;
        ctx.append_event(created(
            at_ms,
            "department",
            &row.id,
            json!({ "name": row.name, "uscc": row.uscc }),
        ))
        .await?;
    }
    for h in &city.halls {
        let row = HallRow {
            id: h.key.clone(),
            name: h.name.clone(),
            kind: h.kind.code().into(),
            division_code: h.division_code.clone(),
            address: h.address.clone(),
            phone: h.phone.clone(),
            latitude_e6: h.latitude_e6,
            longitude_e6: h.longitude_e6,
            opening_hours: h.opening_hours.clone(),
        };
        ctx.insert_hall(&row).await?;
        ctx.append_event(created(
            at_ms,
            "hall",
            &row.id,
            json!({ "name": row.name, "kind": row.kind }),
        ))
        .await?;
    }
    let hash_of = |password: &str| hashes.get(password).cloned().unwrap_or_default();
    for s in &city.staff {
        let unit_kind = match s.unit_kind {
            UnitKind::Division => "division",
            UnitKind::Department => "department",
            UnitKind::Hall => "hall",
        };
        let row = AccountRow {
            id: format!("staff-{}", s.login),
            kind: "staff".into(),
            login: s.login.clone(),
            display_name: s.name.clone(),
            password_hash: hash_of(&s.password),
            role: Some(s.role.code().into()),
            unit_kind: Some(unit_kind.into()),
            unit_id: Some(s.unit_key.clone()),
            disabled: 0,
            created_at_ms: at_ms,
        };
        ctx.insert_account(&row).await?;
        ctx.append_event(created(
            at_ms,
            "account",
            &row.id,
            json!({ "kind": "staff", "role": row.role }),
        ))
        .await?;
    }
    for (c, key) in city.citizens.iter().zip(id_keys) {
        let account = AccountRow {
            id: format!("citizen-{}", c.login),
            kind: "citizen".into(),
            login: c.login.clone(),
            display_name: c.name.clone(),
            password_hash: hash_of(&c.password),
            role: None,
            unit_kind: None,
            unit_id: None,
            disabled: 0,
            created_at_ms: at_ms,
        };
        ctx.insert_account(&account).await?;
        ctx.insert_citizen_profile(&CitizenProfileRow {
            account_id: account.id.clone(),
            real_name: c.name.clone(),
            id_number: c.id_number.clone(),
            id_number_key: key.clone(),
            phone: c.phone.clone(),
            division_code: Some(c.division_code.clone()),
        })
        .await?;
        ctx.append_event(created(
            at_ms,
            "account",
            &account.id,
            json!({ "kind": "citizen" }),
        ))
        .await?;
    }
    for e in &city.enterprises {
        let account = AccountRow {
            id: format!("enterprise-{}", e.login),
            kind: "enterprise".into(),
            login: e.login.clone(),
            display_name: e.name.clone(),
            password_hash: hash_of(&e.password),
            role: None,
            unit_kind: None,
            unit_id: None,
            disabled: 0,
            created_at_ms: at_ms,
        };
        ctx.insert_account(&account).await?;
        ctx.insert_enterprise_profile(&EnterpriseProfileRow {
            account_id: account.id.clone(),
            name: e.name.clone(),
            uscc: e.uscc.clone(),
            legal_rep_name: e.legal_rep_name.clone(),
            division_code: Some(e.division_code.clone()),
        })
        .await?;
        ctx.append_event(created(
            at_ms,
            "account",
            &account.id,
            json!({ "kind": "enterprise", "uscc": e.uscc }),
        ))
        .await?;
    }
    Ok(())
}
