//! Operator verbs that need no web server: `migrate`, `admin seal-pii`, `audit verify`, `version`, `validate`.

use std::io::Read as _;
use std::process::ExitCode;

use anyhow::Context as _;
use tongban_app::{App, Clock as _, SystemClock, ValidateKind, beijing, validate_lines};
use tongban_store::{Store, VerifyOutcome};

use crate::context::open_store;
use crate::settings::Settings;

/// `migrate`: opening the store applies pending migrations.
pub async fn migrate(settings: &Settings) -> anyhow::Result<ExitCode> {
    let store = open_store(settings).await?;
    store.close().await;
    println!(
        "数据库已是最新结构 / database is up to date: schema version {} ({})",
        Store::schema_version(),
        settings.database_url_masked()
    );
    Ok(ExitCode::SUCCESS)
}

/// What `audit verify` prints, and whether the chain is intact.
pub fn describe_outcome(outcome: &VerifyOutcome) -> (bool, String) {
    match outcome {
        VerifyOutcome::Intact { count, head_hash } => (
            true,
            format!(
                "审计链完整 / audit chain intact: {count} 个事件 (events), 链头哈希 (head hash) {head_hash}"
            ),
        ),
        VerifyOutcome::Broken(broken) => (
            false,
            format!(
                "审计链已损坏 / audit chain BROKEN at seq {}: {broken} [{}]",
                broken.seq,
                broken.code()
            ),
        ),
        VerifyOutcome::HeadMismatch { head_seq, last_seq } => (
            false,
            format!(
                "审计链头不符 / chain head mismatch: 链头记录到事件 #{head_seq} (head says seq {head_seq}), \
                 实际最后一个有效事件为 #{last_seq} (last stored event is seq {last_seq}) — 末尾事件可能被删除"
            ),
        ),
    }
}

/// `admin seal-pii`: seals the personal fields still in plaintext and says how many.
pub async fn seal_pii(app: &App, batch: i64) -> anyhow::Result<ExitCode> {
    let report = app
        .store()
        .seal_plaintext_pii(batch)
        .await
        .context("sealing personal fields")?;
    println!(
        "已加密 / sealed: 居民档案 (citizen profiles) {}, 待发消息 (outbox messages) {}, 个人证照 (licences of natural persons) {}, 事务 (transactions) {}",
        report.citizen_profiles, report.outbox, report.licences, report.batches
    );
    app.store().close().await;
    Ok(ExitCode::SUCCESS)
}

/// `audit verify`: exit 0 when intact, 1 when broken.
pub async fn audit_verify(app: &App) -> anyhow::Result<ExitCode> {
    let outcome = app
        .verify_audit_chain_as_operator()
        .await
        .context("verifying the audit chain")?;
    let (intact, text) = describe_outcome(&outcome);
    println!("{text}");
    Ok(if intact {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// `applications verify`: every case rebuilt from its events and compared with its row.
pub async fn applications_verify(app: &App) -> anyhow::Result<ExitCode> {
    let report = app
        .rebuild_applications()
        .await
        .context("rebuilding the applications from the event log")?;
    println!(
        "办件 / cases: {}, 事件 / events: {}, 不一致 / mismatches: {}",
        report.cases,
        report.events,
        report.mismatches.len()
    );
    for number in report.mismatches.iter().take(20) {
        println!("  不一致 / mismatch: {number}");
    }
    Ok(if report.mismatches.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// `version`: the build, without needing a database or git.
pub fn version() -> ExitCode {
    println!(
        "tongban {} (schema version {})",
        env!("CARGO_PKG_VERSION"),
        Store::schema_version()
    );
    ExitCode::SUCCESS
}

/// `validate --kind …`: one result line per input line; invalid values are part of the report,
/// not a failure.
pub fn validate(kind: ValidateKind) -> anyhow::Result<ExitCode> {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .context("reading standard input")?;
    let today = SystemClock.now().to_offset(beijing()).date();
    let mut out = String::new();
    for line in validate_lines(kind, input.lines(), today) {
        out.push_str(&line);
        out.push('\n');
    }
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tongban_domain::{ChainBreak, ChainBreakKind};

    #[test]
    fn an_intact_chain_reports_count_and_head() {
        let (ok, text) = describe_outcome(&VerifyOutcome::Intact {
            count: 3,
            head_hash: "ab".into(),
        });
        assert!(ok);
        assert!(text.contains("3 个事件") && text.contains("ab"), "{text}");
    }

    #[test]
    fn a_broken_chain_names_the_first_bad_event() {
        let brk = ChainBreak {
            seq: 2,
            kind: ChainBreakKind::Edited,
        };
        let (ok, text) = describe_outcome(&VerifyOutcome::Broken(brk));
        assert!(!ok);
        assert!(text.contains("#2") && text.contains("seq 2"), "{text}");
    }

    #[test]
    fn a_head_mismatch_prints_both_numbers() {
        let (ok, text) = describe_outcome(&VerifyOutcome::HeadMismatch {
            head_seq: 9,
            last_seq: 7,
        });
        assert!(!ok);
        assert!(text.contains("seq 9") && text.contains("seq 7"), "{text}");
    }
}
