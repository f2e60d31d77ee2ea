//! The demo's licences: the 165-type catalogue and 互通互认清单, the licences the demo history's
//! approved cases issued, and historic licences up to the source's 153,000 — all signed by the
//! issuing departments' keys, in bulk.

use serde::Serialize;
use tongban_demo::{DemoCity, HistoricLicence, HolderRef};
use tongban_domain::licence::{
    Holder, HolderKind, LicenceFacts, LicenceId, LicenceState, LicenceType,
};

use super::catalogue::TypeSeed;
use super::issue::LicenceDraft;
use crate::{App, AppError};

/// What the demo seeding of licences did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LicenceSeedReport {
    pub already_seeded: bool,
    pub types: usize,
    pub recognitions: usize,
    pub from_cases: usize,
    pub historic: usize,
    /// 用证记录 rows of the history: departments' queries and 免提交 uses.
    pub usages: usize,
    pub elapsed_ms: u128,
}

/// A 20-character 流水号 derived from a case and a licence type.
fn seeded_serial(application_id: &str, type_code: &str) -> String {
    const ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let digest =
        tongban_domain::sm3(format!("seed-serial:{application_id}:{type_code}").as_bytes());
    digest
        .iter()
        .take(20)
        .map(|b| char::from(ALNUM[usize::from(*b) % ALNUM.len()]))
        .collect()
}

/// Holders whose licences the usage seeding keeps at once.
const HOLDERS_CACHED: usize = 20_000;

fn historic_draft(
    city: &DemoCity,
    types: &[LicenceType],
    h: HistoricLicence,
    issuers: &std::collections::HashMap<String, (String, String)>,
) -> Option<LicenceDraft> {
    let lt = types.get(h.type_index)?;
    let (issuer_name, issuer_code) = issuers.get(&h.issuing_department_id)?.clone();
    let holder = match h.holder {
        HolderRef::Citizen(i) => {
            let c = city.citizens.get(i)?;
            Holder {
                name: c.name.clone(),
                kind: HolderKind::Person,
                code: c.id_number.clone(),
            }
        }
        HolderRef::Enterprise(i) => {
            let e = city.enterprises.get(i)?;
            Holder {
                name: e.name.clone(),
                kind: HolderKind::Organisation,
                code: e.uscc.clone(),
            }
        }
    };
    let id = LicenceId::generate(&lt.code, &issuer_code, &h.serial, 1).ok()?;
    let (state, reason) = h
        .suspended_or_revoked
        .unwrap_or((LicenceState::Active, String::new()));
    Some(LicenceDraft {
        facts: LicenceFacts {
            id,
            type_code: lt.code.clone(),
            name: lt.name.clone(),
            number: h.number,
            holder,
            issuer_name,
            issuer_code,
            issued_on: h.issued_on,
            valid_from: h.issued_on,
            valid_until: h.valid_until,
            face: h.face,
        },
        licence_type: lt.clone(),
        issuer_department_id: h.issuing_department_id,
        source: "import",
        application_id: None,
        state,
        state_reason: reason,
        warning: String::new(),
    })
}

impl App {
    /// Seeds the demo's licences (once): the catalogue, the licences of approved demo cases,
    /// then historic ones until `total` licences exist.
    pub async fn seed_licences(
        &self,
        city: &DemoCity,
        total: usize,
    ) -> Result<LicenceSeedReport, AppError> {
        let started = std::time::Instant::now();
        let types = tongban_demo::licence_types(city);
        let recognitions = tongban_demo::recognitions(city);
        let mut report = LicenceSeedReport {
            types: types.len(),
            recognitions: recognitions.len(),
            ..Default::default()
        };
        let existing: i64 = self
            .store
            .licence_counts()
            .await?
            .iter()
            .map(|(_, n)| n)
            .sum();
        if existing > 0 {
            report.already_seeded = true;
            return Ok(report);
        }
        self.load_licence_catalogue(
            None,
            TypeSeed {
                types: types.clone(),
                recognitions,
            },
        )
        .await?;

        // Licences of the history's approved cases.
        let mut after = String::new();
        let mut drafts = Vec::new();
        loop {
            let rows = self.store.applications_after(&after, 1_000).await?;
            let Some(last) = rows.last() else { break };
            after = last.id.clone();
            for row in &rows {
                let Ok(app) = crate::applications::state_of(row) else {
                    continue;
                };
                if super::case_issue::licensable(&app) {
                    for mut draft in self.licence_drafts_for_case(&app).await? {
                        // The seeded history repeats run after run: its serials come from the
                        // case, not from chance.
                        let serial = seeded_serial(&app.id, &draft.facts.type_code.to_string());
                        if let Ok(id) = LicenceId::generate(
                            &draft.facts.type_code,
                            &draft.facts.issuer_code,
                            &serial,
                            1,
                        ) {
                            draft.facts.id = id;
                        }
                        drafts.push(draft);
                    }
                }
            }
            if drafts.len() >= 5_000 {
                report.from_cases += self
                    .sign_and_write(std::mem::take(&mut drafts), "system")
                    .await?
                    .len();
            }
        }
        report.from_cases += self.sign_and_write(drafts, "system").await?.len();

        // Historic licences, 5,000 at a time.
        let issuers: std::collections::HashMap<String, (String, String)> = city
            .departments
            .iter()
            .map(|d| (d.key.clone(), (d.name.clone(), d.uscc.clone())))
            .collect();
        let wanted = total.saturating_sub(report.from_cases);
        let mut plan = tongban_demo::historic_licences(city, wanted, self.today());
        loop {
            let chunk: Vec<LicenceDraft> = plan
                .by_ref()
                .take(5_000)
                .filter_map(|h| historic_draft(city, &types, h, &issuers))
                .collect();
            if chunk.is_empty() {
                break;
            }
            report.historic += self.sign_and_write(chunk, "system").await?.len();
        }
        report.usages = self.seed_licence_usage().await?;
        report.elapsed_ms = started.elapsed().as_millis();
        Ok(report)
    }

    /// The demo's 用证记录: for the history's cases, the handling department's query of the
    /// applicant's licences the 互通互认清单 allows, and a 免提交 use for each material such a
    /// licence stands in for — so the records, counts and holders' pages show sharing in use.
    async fn seed_licence_usage(&self) -> Result<usize, AppError> {
        use std::collections::HashMap;
        use tongban_domain::catalog::ServiceItem;
        use tongban_domain::licence::{LicenceTypeCode, recognised};
        let types = self.cached_licence_types().await?;
        let list = self.recognitions().await?;
        let names: HashMap<String, String> =
            self.store.department_names().await?.into_iter().collect();
        let mut items: HashMap<(String, i64), Option<ServiceItem>> = HashMap::new();
        type Held = Option<(String, Vec<tongban_store::LicenceRow>)>;
        let mut holders: HashMap<String, Held> = HashMap::new();
        let mut rows = Vec::new();
        let mut after = String::new();
        let mut seq = 0u64;
        loop {
            let page = self.store.applications_after(&after, 1_000).await?;
            let Some(last) = page.last() else { break };
            after = last.id.clone();
            for row in &page {
                let Ok(app) = crate::applications::state_of(row) else {
                    continue;
                };
                let Some(submitted_ms) = app.submitted_at_ms else {
                    continue;
                };
                let key = (app.item_id.clone(), app.item_version);
                if !items.contains_key(&key) {
                    let item = self
                        .store
                        .item_version(&app.item_id, app.item_version)
                        .await?
                        .and_then(|v| serde_json::from_str::<ServiceItem>(&v.body_json).ok());
                    items.insert(key.clone(), item);
                }
                let Some(Some(item)) = items.get(&key) else {
                    continue;
                };
                if !holders.contains_key(&app.applicant_account) {
                    // A cache of holders' licences: bounded, so a province-sized history
                    // (`tongban gen`) does not hold every licence in memory.
                    if holders.len() >= HOLDERS_CACHED {
                        holders.clear();
                    }
                    let found = match self.applicant_holder(&app).await? {
                        Some(holder) => {
                            let key = self.holder_key(&holder.code);
                            let licences = self.store.licences_of_holder(&key).await?;
                            Some((key, licences))
                        }
                        None => None,
                    };
                    holders.insert(app.applicant_account.clone(), found);
                }
                let Some(Some((holder_key, licences))) = holders.get(&app.applicant_account) else {
                    continue;
                };
                let department = names.get(&app.department_id).cloned().unwrap_or_default();
                for l in licences {
                    let Ok(code) = LicenceTypeCode::parse(&l.type_code) else {
                        continue;
                    };
                    if !recognised(&list, &app.department_id, &code, &item.basic_code)
                        || l.state != "active"
                    {
                        continue;
                    }
                    let lt = types.iter().find(|t| t.code == code);
                    let replaced = item.materials.iter().find(|m| {
                        m.licence_type.as_deref() == Some(l.name.as_str())
                            || lt.is_some_and(|t| t.replaces(&m.name))
                    });
                    seq += 1;
                    let (operation, cause) = match replaced {
                        Some(m) => ("attach", format!("证照免提交：{}（{}）", item.name, m.name)),
                        None => ("query", format!("办理“{}”核验申请人{}", item.name, l.name)),
                    };
                    rows.push(tongban_store::UsageRow {
                        id: format!("demo-usage-{seq:08}"),
                        at_ms: submitted_ms + 60_000,
                        licence_id: Some(l.id.clone()),
                        holder_key: holder_key.clone(),
                        operation: operation.into(),
                        cause,
                        item_code: Some(item.basic_code.clone()),
                        application_id: Some(app.id.clone()),
                        department_id: Some(app.department_id.clone()),
                        actor_id: None,
                        actor_label: department.clone(),
                        result: "ok".into(),
                        detail: app.number.clone(),
                    });
                }
            }
            if rows.len() >= 5_000 {
                let chunk = std::mem::take(&mut rows);
                self.store
                    .write(move |ctx| {
                        Box::pin(
                            async move { ctx.insert_usages(&chunk).await.map_err(AppError::from) },
                        )
                    })
                    .await?;
            }
        }
        let written = seq as usize;
        self.store
            .write(move |ctx| {
                Box::pin(async move { ctx.insert_usages(&rows).await.map_err(AppError::from) })
            })
            .await?;
        Ok(written)
    }
}
