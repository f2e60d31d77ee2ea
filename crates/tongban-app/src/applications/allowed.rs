//! Which actions a caller may take on a case right now: the authorization of the use case and
//! the case's own rules, tried without recording anything, so that pages offer only those.

use tongban_domain::application::Command;

use super::authorize::actor_for;
use super::state_of;
use crate::App;
use crate::error::AppError;
use crate::principal::Principal;

impl App {
    /// For each candidate command, whether `who` may send it to the case now. Nothing is
    /// written; the answer can be stale a moment later (the action itself checks again).
    pub async fn allowed_commands(
        &self,
        who: &Principal,
        id: &str,
        candidates: &[Command],
    ) -> Result<Vec<bool>, AppError> {
        let row = self
            .store
            .application(id)
            .await?
            .ok_or(AppError::NotFound("该办件"))?;
        let app = state_of(&row)?;
        let today = self.today();
        let cal = self.calendar();
        Ok(candidates
            .iter()
            .map(|cmd| {
                actor_for(who, &app, &row.division_code, cmd)
                    .is_ok_and(|actor| app.decide(cmd, &actor, today, &cal).is_ok())
            })
            .collect())
    }
}
