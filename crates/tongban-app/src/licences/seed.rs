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
    pub elapsed_ms: u128,
}

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
                    drafts.extend(self.licence_drafts_for_case(&app).await?);
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
        report.elapsed_ms = started.elapsed().as_millis();
        Ok(report)
    }
}
