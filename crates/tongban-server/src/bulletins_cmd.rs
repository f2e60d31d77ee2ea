//! `tongban bulletins draft --month 2026-10`: drafts the 两书一函 a month's assessment calls
//! for (idempotent), as the periodic job does after a month ends.

use std::process::ExitCode;

use tongban_app::App;

pub async fn draft(app: &App, month: &str) -> anyhow::Result<ExitCode> {
    match app.draft_letters(None, month).await {
        Ok(r) => {
            println!(
                "{}: drafted {} letter(s), {} already drafted / 已起草 {} 份，此前已起草 {} 份",
                r.month, r.drafted, r.existing, r.drafted, r.existing
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => {
            eprintln!("{err}");
            Ok(ExitCode::FAILURE)
        }
    }
}
