//! The assessment (考核与排名) and the bulletins of a period, computed from the indicator
//! engine's counters with the settings in force.

use serde::{Deserialize, Serialize};
use tongban_domain::indicators::{
    Bulletin, BulletinInput, BulletinKind, Dimension, Indicator, LetterKind, LetterLine, Period,
    PeriodKind, Ranked, Score, rank,
};
use tongban_store::LetterFilter;

use super::letters::status_name;
use super::require_bureau;
use crate::{App, AppError, Principal};

/// A month's assessment: both rankings with the settings they were computed with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub period: Period,
    pub period_code: String,
    pub title: String,
    pub threshold: Score,
    pub settings_version: i64,
    pub weights: Vec<(Indicator, u32)>,
    pub counties: Vec<Ranked>,
    pub departments: Vec<Ranked>,
}

fn parse_period(kind: PeriodKind, text: &str) -> Result<Period, AppError> {
    match Period::parse(text) {
        Ok(p) if p.kind == kind => Ok(p),
        _ => Err(AppError::field(
            "period",
            "bulletins.bad_period",
            match kind {
                PeriodKind::Week => format!("周的格式不正确：{text}（应为 2026-W05）"),
                PeriodKind::Quarter => format!("季度的格式不正确：{text}（应为 2026-Q3）"),
                _ => format!("月份格式不正确：{text}（应为 2026-10）"),
            },
        )),
    }
}

/// The months a period overlaps, as codes.
fn months_of(p: &Period) -> Vec<String> {
    let mut out = Vec::new();
    let mut m = Period::containing(PeriodKind::Month, p.last);
    while m.last >= p.first {
        out.push(m.code());
        m = m.previous();
    }
    out.reverse();
    out
}

impl App {
    /// The assessment of a month (`2026-10`).
    pub async fn assessment(&self, who: &Principal, month: &str) -> Result<Assessment, AppError> {
        require_bureau(who)?;
        let period = parse_period(PeriodKind::Month, month)?;
        let settings = self.current_assessment_settings().await?;
        let counties = self.unit_counters(who, Dimension::County, &period).await?;
        let departments = self
            .unit_counters(who, Dimension::Department, &period)
            .await?;
        Ok(Assessment {
            title: format!("{}政务服务月考核排名", period.name_zh()),
            period_code: period.code(),
            period,
            threshold: settings.threshold,
            settings_version: settings.version,
            weights: settings.weights.entries().to_vec(),
            counties: rank(&settings.weights, &counties),
            departments: rank(&settings.weights, &departments),
        })
    }

    /// A bulletin: `week` (`2026-W05`), `month` (`2026-10`) or `quarter` (`2026-Q3`).
    pub async fn bulletin(
        &self,
        who: &Principal,
        kind: &str,
        period: &str,
    ) -> Result<Bulletin, AppError> {
        require_bureau(who)?;
        let kind = BulletinKind::parse(kind).ok_or_else(|| {
            AppError::field(
                "kind",
                "bulletins.bad_kind",
                "通报类型应为 week、month 或 quarter",
            )
        })?;
        let period = parse_period(kind.period_kind(), period)?;
        let settings = self.current_assessment_settings().await?;
        let total = self.total_counters(who, &period).await?;
        let previous_total = self.total_counters(who, &period.previous()).await?;
        let counties = self.unit_counters(who, Dimension::County, &period).await?;
        let departments = self
            .unit_counters(who, Dimension::Department, &period)
            .await?;
        let mut letters = Vec::new();
        for month in months_of(&period) {
            let rows = self
                .store
                .letters(&LetterFilter {
                    period: Some(month),
                    ..LetterFilter::default()
                })
                .await?;
            for r in rows {
                if let Some(kind) = LetterKind::parse(&r.kind) {
                    letters.push(LetterLine {
                        kind,
                        unit_name: r.unit_name,
                        period: r.period,
                        status: status_name(&r.status).to_string(),
                    });
                }
            }
        }
        Ok(Bulletin::build(BulletinInput {
            kind,
            period,
            total,
            previous_total,
            counties,
            departments,
            weights: settings.weights,
            threshold: settings.threshold,
            letters,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quarter_spans_three_months_and_a_week_may_span_two() {
        assert_eq!(
            months_of(&Period::parse("2026-Q3").unwrap()),
            vec!["2026-07", "2026-08", "2026-09"]
        );
        assert_eq!(
            months_of(&Period::parse("2026-W01").unwrap()),
            vec!["2025-12", "2026-01"]
        );
    }

    #[test]
    fn a_period_of_the_wrong_kind_is_refused_with_the_expected_format() {
        let err = parse_period(PeriodKind::Quarter, "2026-10").unwrap_err();
        assert_eq!(err.code(), "invalid_input");
        assert!(err.to_string().contains("2026-Q3"));
    }
}
