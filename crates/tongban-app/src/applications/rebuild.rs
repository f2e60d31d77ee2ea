//! Rebuilding every case from the event log and comparing it with the stored projection: the
//! proof that the log, not the row, is the truth.

use std::collections::HashMap;

use serde::Serialize;
use tongban_domain::application::{Application, Recorded};

use super::project::project;
use super::state_of;
use crate::App;
use crate::error::AppError;

/// What a rebuild found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RebuildReport {
    pub cases: usize,
    pub events: usize,
    /// Case numbers (or ids) whose rebuilt state or due dates differ from the stored row.
    pub mismatches: Vec<String>,
}

impl App {
    /// Folds every application's events from the log and compares state and due dates with
    /// the stored rows.
    pub async fn rebuild_applications(&self) -> Result<RebuildReport, AppError> {
        let mut logs: HashMap<String, Vec<Recorded>> = HashMap::new();
        let mut report = RebuildReport::default();
        let mut after = 0;
        loop {
            let page = self.store.events_after(after, 5_000).await?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            for e in page.iter().filter(|e| e.entity_type == "application") {
                let r: Recorded = serde_json::from_str(&e.payload)
                    .map_err(|err| AppError::Internal(format!("event {}: {err}", e.seq)))?;
                logs.entry(e.entity_id.clone()).or_default().push(r);
                report.events += 1;
            }
        }
        let cal = self.calendar();
        let mut after_id = String::new();
        loop {
            let rows = self.store.applications_after(&after_id, 1_000).await?;
            let Some(last) = rows.last() else { break };
            after_id = last.id.clone();
            for row in rows {
                report.cases += 1;
                // A row whose state does not even parse is a mismatch too.
                let stored = state_of(&row).ok();
                let rebuilt = logs
                    .remove(&row.id)
                    .and_then(|events| Application::from_events(&events));
                let same = rebuilt.is_some_and(|app| {
                    let again = project(&app, &row.division_code, &row.bundle_id, &cal, 0);
                    stored.as_ref() == Some(&app)
                        && again.is_ok_and(|r| {
                            r.step_due == row.step_due
                                && r.case_due == row.case_due
                                && r.incomplete_due == row.incomplete_due
                                && r.status == row.status
                                && r.step_escalated == row.step_escalated
                                && r.revision == row.revision
                        })
                });
                if !same {
                    report.mismatches.push(row.number.clone());
                }
            }
        }
        // Events of cases that have no row at all.
        report.mismatches.extend(logs.into_keys());
        Ok(report)
    }
}
