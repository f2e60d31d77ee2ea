//! 两书一函: drafting a month's letters (idempotent: one per kind, unit and month), listing
//! and reading them, a supervisor's edit, and sending — which tells the unit's staff through
//! their in-app notices, in the same unit of work.

use serde::{Deserialize, Serialize};
use tongban_domain::Role;
use tongban_domain::indicators::{
    LetterKind, MonthStanding, Period, PeriodKind, Ranked, Score, letter_body, letter_for,
};
use tongban_store::{LetterFilter, LetterRow, NewEvent, NewNotice};

use super::require_bureau;
use crate::{App, AppError, Principal};

/// The longest letter body, in characters.
pub const MAX_BODY_CHARS: usize = 5000;

/// A letter as pages and the API show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterView {
    pub id: String,
    pub kind: LetterKind,
    pub kind_name: String,
    /// `division` (a county) or `department`.
    pub unit_kind: String,
    pub unit_id: String,
    pub unit_name: String,
    pub period: String,
    /// `drafted` or `sent`.
    pub status: String,
    pub status_name: String,
    pub reason: String,
    /// Score at drafting, e.g. "75.12" ("—" when not ranked).
    pub score: String,
    pub rank: Option<i64>,
    pub body: String,
    pub drafted_at_ms: i64,
    pub edited_by: Option<String>,
    pub edited_at_ms: Option<i64>,
    pub sent_by: Option<String>,
    pub sent_at_ms: Option<i64>,
}

impl LetterView {
    fn from_row(r: LetterRow) -> Result<LetterView, AppError> {
        let kind = LetterKind::parse(&r.kind)
            .ok_or_else(|| AppError::Internal(format!("letter kind {}", r.kind)))?;
        Ok(LetterView {
            kind,
            kind_name: kind.name_zh().to_string(),
            status_name: status_name(&r.status).to_string(),
            score: r.score.map_or_else(|| "—".to_string(), |s| Score(s).text()),
            rank: r.rank_place,
            id: r.id,
            unit_kind: r.unit_kind,
            unit_id: r.unit_id,
            unit_name: r.unit_name,
            period: r.period,
            status: r.status,
            reason: r.reason,
            body: r.body,
            drafted_at_ms: r.drafted_at_ms,
            edited_by: r.edited_by,
            edited_at_ms: r.edited_at_ms,
            sent_by: r.sent_by,
            sent_at_ms: r.sent_at_ms,
        })
    }
}

pub fn status_name(status: &str) -> &'static str {
    match status {
        "sent" => "已发送",
        _ => "待发送",
    }
}

/// Which letters to list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct LetterQuery {
    /// `drafted` or `sent`.
    pub status: Option<String>,
    /// A month, `2026-10`.
    pub period: Option<String>,
}

/// What drafting a month's letters did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftReport {
    pub month: String,
    /// Letters written now.
    pub drafted: usize,
    /// Letters that were already there (drafting again changes nothing).
    pub existing: usize,
}

/// One letter the rules call for.
#[derive(Debug, Clone)]
pub(crate) struct Planned {
    pub row: LetterRow,
}

/// The letter id: readable and the same every time the same letter is drafted.
pub(crate) fn letter_id(month: &Period, kind: LetterKind, unit_id: &str) -> String {
    format!("{}.{}.{}", month.code(), kind.code(), unit_id)
}

/// The letters the rules call for in one ranking, given the rankings of the two months before.
pub(crate) fn plan(
    unit_kind: &str,
    month: &Period,
    threshold: Score,
    rankings: [&[Ranked]; 3],
    at_ms: i64,
) -> Vec<Planned> {
    let standing = |ranking: &[Ranked], key: &str| {
        ranking
            .iter()
            .find(|r| r.key == key)
            .map(MonthStanding::of)
            .unwrap_or_default()
    };
    rankings[0]
        .iter()
        .filter_map(|r| {
            let history = [
                MonthStanding::of(r),
                standing(rankings[1], &r.key),
                standing(rankings[2], &r.key),
            ];
            let decision = letter_for(history, threshold)?;
            let rank = r.rank.map(i64::from);
            let body = letter_body(
                decision.kind,
                &r.name,
                month,
                r.score,
                r.rank,
                &decision.reason,
            );
            Some(Planned {
                row: LetterRow {
                    id: letter_id(month, decision.kind, &r.key),
                    kind: decision.kind.code().to_string(),
                    unit_kind: unit_kind.to_string(),
                    unit_id: r.key.clone(),
                    unit_name: r.name.clone(),
                    period: month.code(),
                    status: "drafted".into(),
                    reason: decision.reason,
                    score: r.score.map(|s| s.0),
                    rank_place: rank,
                    body,
                    drafted_at_ms: at_ms,
                    edited_by: None,
                    edited_at_ms: None,
                    sent_by: None,
                    sent_at_ms: None,
                },
            })
        })
        .collect()
}

fn parse_month(text: &str) -> Result<Period, AppError> {
    match Period::parse(text) {
        Ok(p) if p.kind == PeriodKind::Month => Ok(p),
        _ => Err(AppError::field(
            "month",
            "bulletins.bad_month",
            format!("月份格式不正确：{text}（应为 2026-10）"),
        )),
    }
}

impl App {
    /// Who may read a letter: the bureau, or a dept_admin of the unit it is written to.
    fn may_read_letter(who: &Principal, row: &LetterRow) -> bool {
        match who.role() {
            Some(Role::BureauSupervisor | Role::SystemAdmin) => require_bureau(who).is_ok(),
            Some(Role::DeptAdmin) => who
                .require_staff()
                .is_ok_and(|u| u.kind_code() == row.unit_kind && u.id() == row.unit_id),
            _ => false,
        }
    }

    /// Letters: all of them for the city's bureau; a dept_admin's own unit's only.
    pub async fn letters(
        &self,
        who: &Principal,
        q: &LetterQuery,
    ) -> Result<Vec<LetterView>, AppError> {
        let unit = match who.role() {
            Some(Role::BureauSupervisor | Role::SystemAdmin) => {
                require_bureau(who)?;
                None
            }
            Some(Role::DeptAdmin) => {
                let u = who.require_staff()?;
                Some((u.kind_code().to_string(), u.id().to_string()))
            }
            _ => return Err(AppError::Forbidden),
        };
        if let Some(s) = &q.status
            && s != "drafted"
            && s != "sent"
        {
            return Err(AppError::field(
                "status",
                "bulletins.bad_status",
                "状态应为 drafted 或 sent",
            ));
        }
        if let Some(p) = &q.period {
            parse_month(p)?;
        }
        let rows = self
            .store
            .letters(&LetterFilter {
                status: q.status.clone(),
                period: q.period.clone(),
                unit,
            })
            .await?;
        rows.into_iter().map(LetterView::from_row).collect()
    }

    pub async fn letter(&self, who: &Principal, id: &str) -> Result<LetterView, AppError> {
        if !matches!(
            who.role(),
            Some(Role::BureauSupervisor | Role::SystemAdmin | Role::DeptAdmin)
        ) {
            return Err(AppError::Forbidden);
        }
        let row = self
            .store
            .letter(id)
            .await?
            .ok_or(AppError::NotFound("该文书"))?;
        if !Self::may_read_letter(who, &row) {
            return Err(AppError::Forbidden);
        }
        LetterView::from_row(row)
    }

    /// A supervisor replaces the text of a letter not yet sent.
    pub async fn edit_letter(&self, who: &Principal, id: &str, body: &str) -> Result<(), AppError> {
        require_bureau(who)?;
        let body = body.trim().replace("\r\n", "\n");
        if body.is_empty() {
            return Err(AppError::field(
                "body",
                "bulletins.body_required",
                "请填写文书正文",
            ));
        }
        if body.chars().count() > MAX_BODY_CHARS {
            return Err(AppError::field(
                "body",
                "bulletins.body_too_long",
                format!("文书正文不超过{MAX_BODY_CHARS}字"),
            ));
        }
        let id = id.to_string();
        let actor = who.account_id().to_string();
        let at_ms = self.now_ms();
        self.store
            .write(move |ctx| {
                Box::pin(async move {
                    let row = ctx
                        .letter_for_update(&id)
                        .await?
                        .ok_or(AppError::NotFound("该文书"))?;
                    if row.body == body {
                        return Ok(());
                    }
                    if !ctx.edit_letter(&id, &body, &actor, at_ms).await? {
                        return Err(AppError::Conflict("该文书已发送，不能再修改".into()));
                    }
                    ctx.append_event(NewEvent {
                        at_ms,
                        actor,
                        action: "letter.edited".into(),
                        entity_type: "letter".into(),
                        entity_id: id,
                        payload: serde_json::json!({ "chars": body.chars().count() }),
                    })
                    .await?;
                    Ok(())
                })
            })
            .await
    }

    /// A supervisor sends a letter: it is marked sent once, and the unit's staff get an in-app
    /// notice in the same unit of work. Sending again answers `false` and changes nothing.
    pub async fn send_letter(&self, who: &Principal, id: &str) -> Result<bool, AppError> {
        require_bureau(who)?;
        let row = self
            .store
            .letter(id)
            .await?
            .ok_or(AppError::NotFound("该文书"))?;
        let recipients = self
            .store
            .letter_recipients(&row.unit_kind, &row.unit_id)
            .await?;
        let kind = LetterKind::parse(&row.kind)
            .ok_or_else(|| AppError::Internal(format!("letter kind {}", row.kind)))?;
        let at_ms = self.now_ms();
        let notices: Vec<NewNotice> = recipients
            .into_iter()
            .map(|a| NewNotice {
                dedupe_key: format!("letter:{}:{}", row.id, a.id),
                account_id: a.id,
                at_ms,
                subject: format!("{}（{}）", kind.name_zh(), row.period),
                body: format!(
                    "市政务服务管理局向{}发出{}，请登录查看并按要求办理。",
                    row.unit_name,
                    kind.name_zh()
                ),
                link: format!("/bureau/letters/{}", row.id),
                sms_to: None,
                email_to: None,
            })
            .collect();
        let id = row.id.clone();
        let actor = who.account_id().to_string();
        self.store
            .write(move |ctx| {
                Box::pin(async move {
                    if !ctx.mark_letter_sent(&id, &actor, at_ms).await? {
                        return Ok(false);
                    }
                    for n in &notices {
                        ctx.enqueue_notice(n).await?;
                    }
                    ctx.append_event(NewEvent {
                        at_ms,
                        actor,
                        action: "letter.sent".into(),
                        entity_type: "letter".into(),
                        entity_id: id,
                        payload: serde_json::json!({ "recipients": notices.len() }),
                    })
                    .await?;
                    Ok(true)
                })
            })
            .await
    }

    /// The periodic job: drafts the letters of the month that ended last (idempotent, so it
    /// may run as often as it likes).
    pub async fn draft_letters_for_last_month(&self) -> Result<DraftReport, AppError> {
        let last = Period::containing(PeriodKind::Month, self.today()).previous();
        self.draft_letters(None, &last.code()).await
    }

    /// Drafts the letters a month's assessment calls for, for counties and departments.
    /// Idempotent: a letter already drafted (or sent) is left as it is. `who` is `None` for the
    /// periodic job and the CLI.
    pub async fn draft_letters(
        &self,
        who: Option<&Principal>,
        month: &str,
    ) -> Result<DraftReport, AppError> {
        if let Some(who) = who {
            require_bureau(who)?;
        }
        let month = parse_month(month)?;
        let reader = match who {
            Some(w) => w.clone(),
            None => self.system_reader()?,
        };
        let refreshed = self.refresh_indicators("letters").await?;
        if refreshed.busy {
            return Err(AppError::Conflict(
                "指标正在更新，请稍后再起草两书一函".into(),
            ));
        }
        let settings = self.current_assessment_settings().await?;
        let months = [month, month.previous(), month.previous().previous()];
        let mut planned = Vec::new();
        for (unit_kind, dim) in [
            ("division", tongban_domain::indicators::Dimension::County),
            (
                "department",
                tongban_domain::indicators::Dimension::Department,
            ),
        ] {
            let mut rankings = Vec::with_capacity(3);
            for m in &months {
                let units = self.unit_counters(&reader, dim, m).await?;
                rankings.push(tongban_domain::indicators::rank(&settings.weights, &units));
            }
            planned.extend(plan(
                unit_kind,
                &month,
                settings.threshold,
                [&rankings[0], &rankings[1], &rankings[2]],
                self.now_ms(),
            ));
        }
        let actor = who.map_or_else(|| "system".to_string(), |w| w.account_id().to_string());
        let total = planned.len();
        let drafted = self
            .store
            .write(move |ctx| {
                Box::pin(async move {
                    let mut drafted = 0;
                    for p in &planned {
                        if !ctx.insert_letter(&p.row).await? {
                            continue;
                        }
                        drafted += 1;
                        ctx.append_event(NewEvent {
                            at_ms: p.row.drafted_at_ms,
                            actor: actor.clone(),
                            action: "letter.drafted".into(),
                            entity_type: "letter".into(),
                            entity_id: p.row.id.clone(),
                            payload: serde_json::json!({
                                "kind": p.row.kind,
                                "unit_kind": p.row.unit_kind,
                                "unit_id": p.row.unit_id,
                                "period": p.row.period,
                                "score": p.row.score,
                                "rank": p.row.rank_place,
                                "reason": p.row.reason,
                            }),
                        })
                        .await?;
                    }
                    Ok::<_, AppError>(drafted)
                })
            })
            .await?;
        Ok(DraftReport {
            month: month.code(),
            drafted,
            existing: total - drafted,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tongban_domain::indicators::{Counters, Indicator, UnitCounters, Weights, rank};

    fn ranking(scores: &[(&str, u64)]) -> Vec<Ranked> {
        let w = Weights::new(vec![(Indicator::OnTimeRate, 1)]).unwrap();
        let units: Vec<UnitCounters> = scores
            .iter()
            .map(|(k, on_time)| UnitCounters {
                key: (*k).into(),
                name: format!("{k}县"),
                counters: Counters {
                    completed: 100,
                    on_time: *on_time,
                    ..Counters::default()
                },
            })
            .collect();
        rank(&w, &units)
    }

    #[test]
    fn the_plan_drafts_one_letter_per_lagging_unit_with_a_stable_id() {
        let month = Period::parse("2026-10").unwrap();
        let now = ranking(&[("a", 95), ("b", 70), ("c", 60)]);
        let sep = ranking(&[("a", 95), ("b", 90), ("c", 60)]);
        let aug = ranking(&[("a", 95), ("b", 90), ("c", 60)]);
        let plan = plan("division", &month, Score(8000), [&now, &sep, &aug], 7);
        let got: Vec<_> = plan
            .iter()
            .map(|p| (p.row.id.as_str(), p.row.kind.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("2026-10.reminder.b", "reminder"),
                ("2026-10.interview.c", "interview")
            ]
        );
        assert!(plan[1].row.body.contains("c县"));
        assert_eq!(plan[1].row.rank_place, Some(3));
    }
}
