//! The timeline of one case: the stored state leaves it out, so it is folded again from the
//! case's events, read from the log by the positions the case row keeps.

use tongban_domain::application::{Application, Recorded};
use tongban_store::{ApplicationRow, parse_event_seqs};

use super::state_of;
use crate::App;
use crate::error::AppError;

impl App {
    /// Fills in `app.history` (the state stored in `row`) from the case's events. A state that
    /// already carries a line per event (stored by an older release) is left as it is.
    pub(crate) async fn fill_timeline(
        &self,
        row: &ApplicationRow,
        app: &mut Application,
    ) -> Result<(), AppError> {
        let seqs = parse_event_seqs(&row.event_seqs);
        if seqs.is_empty() || app.history.len() == seqs.len() {
            return Ok(());
        }
        let events = self.store.events_at(&seqs).await?;
        let mut log = Vec::with_capacity(events.len());
        for e in &events {
            if e.entity_type != "application" || e.entity_id != app.id {
                return Err(AppError::Internal(format!(
                    "application {}: event {} is not one of its events",
                    app.id, e.seq
                )));
            }
            log.push(
                serde_json::from_str::<Recorded>(&e.payload)
                    .map_err(|err| AppError::Internal(format!("event {}: {err}", e.seq)))?,
            );
        }
        let folded = Application::from_events(&log)
            .ok_or_else(|| AppError::Internal(format!("application {}: no draft event", app.id)))?;
        app.history = folded.history;
        Ok(())
    }

    /// The case `app` is, as last committed, with its timeline: for a state an action
    /// returned (which carries none). The caller has already been allowed to see the case.
    pub async fn with_timeline(&self, app: Application) -> Result<Application, AppError> {
        let row = self
            .store
            .application(&app.id)
            .await?
            .ok_or(AppError::NotFound("该办件"))?;
        let mut stored = state_of(&row)?;
        self.fill_timeline(&row, &mut stored).await?;
        Ok(stored)
    }
}
