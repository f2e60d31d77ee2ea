//! Rebuilding every case from the event log and comparing it with the stored projection: the
//! proof that the log, not the row, is the truth.

use std::collections::HashMap;

use serde::Serialize;
use tongban_domain::application::{Application, Recorded};
use tongban_store::parse_event_seqs;

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
    /// the stored rows, and the row's list of the case's events with the log. The stored state
    /// leaves the timeline out: the rebuilt one is compared without it (a stored state of an
    /// older release that still carries one must carry exactly the rebuilt one).
    pub async fn rebuild_applications(&self) -> Result<RebuildReport, AppError> {
        let mut logs: HashMap<String, (Vec<i64>, Vec<Recorded>)> = HashMap::new();
        let mut report = RebuildReport::default();
        let mut after = 0;
        loop {
            let page = self.store.events_after(after, 5_000).await?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            for e in page.iter().filter(|e| e.entity_type == "application") {
                let r: Recorded = serde_json::from_str(&e.payload)
                    .map_err(|err| AppError::Internal(format!("event {}: {err}", e.seq)))?;
                let (seqs, log) = logs.entry(e.entity_id.clone()).or_default();
                seqs.push(e.seq);
                log.push(r);
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
                let (seqs, rebuilt) = match logs.remove(&row.id) {
                    Some((seqs, events)) => (seqs, Application::from_events(&events)),
                    None => (Vec::new(), None),
                };
                let same = rebuilt.is_some_and(|mut app| {
                    let again = project(&mut app, &row.division_code, &row.bundle_id, &cal, 0);
                    parse_event_seqs(&row.event_seqs) == seqs
                        && stored.as_ref().is_some_and(|s| same_state(s, &app))
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

/// A stored state is the rebuilt one: equal but for the timeline, which a stored state carries
/// either not at all or (stored by an older release) whole.
fn same_state(stored: &Application, rebuilt: &Application) -> bool {
    if !stored.history.is_empty() {
        return stored == rebuilt;
    }
    let mut timeless = rebuilt.clone();
    timeless.history = Vec::new();
    *stored == timeless
}
