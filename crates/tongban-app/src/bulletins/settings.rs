//! The assessment's weights and threshold: read (defaults until a supervisor saves some) and
//! changed as a new version, with who and when, in one unit of work with its event.

use serde::{Deserialize, Serialize};
use tongban_domain::indicators::{Indicator, Score, Weights, WeightsError};
use tongban_store::{AssessmentSettingsRow, NewEvent};

use super::require_bureau;
use crate::{App, AppError, FieldError, Principal};

/// The settings in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentSettings {
    pub weights: Weights,
    pub threshold: Score,
    /// 0 while Tongban's defaults are in force.
    pub version: i64,
    pub changed_by: Option<String>,
    pub changed_at_ms: Option<i64>,
}

impl AssessmentSettings {
    pub fn defaults() -> AssessmentSettings {
        AssessmentSettings {
            weights: Weights::ours(),
            threshold: Score::DEFAULT_THRESHOLD,
            version: 0,
            changed_by: None,
            changed_at_ms: None,
        }
    }

    fn from_row(row: AssessmentSettingsRow) -> Result<AssessmentSettings, AppError> {
        let pairs: Vec<(String, u32)> = serde_json::from_str(&row.weights_json)
            .map_err(|e| AppError::Internal(format!("assessment weights: {e}")))?;
        let entries = pairs
            .into_iter()
            .map(|(code, w)| {
                Indicator::parse(&code)
                    .map(|i| (i, w))
                    .ok_or_else(|| AppError::Internal(format!("unknown indicator {code}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(AssessmentSettings {
            weights: Weights::new(entries).map_err(|e| AppError::Internal(e.to_string()))?,
            threshold: Score(row.threshold),
            version: row.version,
            changed_by: Some(row.changed_by),
            changed_at_ms: Some(row.changed_at_ms),
        })
    }
}

fn weights_error(e: &WeightsError) -> AppError {
    let field = match e {
        WeightsError::Threshold => "threshold",
        _ => "weights",
    };
    AppError::field(field, e.code(), e.to_string())
}

/// Reads "80", "80.5" or "80.50" as hundredths of a point.
fn parse_points(text: &str) -> Option<i64> {
    let t = text.trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty() || frac.len() > 2 || !whole.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac: i64 = format!("{frac:0<2}").parse().ok()?;
    whole.checked_mul(100)?.checked_add(frac)
}

impl App {
    /// The settings in force, for any use case (no authorization: the numbers are not secret).
    pub(crate) async fn current_assessment_settings(&self) -> Result<AssessmentSettings, AppError> {
        match self.store.assessment_settings().await? {
            Some(row) => AssessmentSettings::from_row(row),
            None => Ok(AssessmentSettings::defaults()),
        }
    }

    /// The settings in force and their earlier versions, newest first.
    pub async fn assessment_settings(
        &self,
        who: &Principal,
    ) -> Result<(AssessmentSettings, Vec<AssessmentSettings>), AppError> {
        require_bureau(who)?;
        let history = self
            .store
            .assessment_settings_history()
            .await?
            .into_iter()
            .map(AssessmentSettings::from_row)
            .collect::<Result<Vec<_>, _>>()?;
        let now = history
            .first()
            .cloned()
            .unwrap_or_else(AssessmentSettings::defaults);
        Ok((now, history))
    }

    /// Saves new weights (indicator code → weight text; blank or 0 leaves an indicator out) and
    /// threshold ("80.00") as a new version. Returns the version.
    pub async fn change_assessment_settings(
        &self,
        who: &Principal,
        weights: &[(String, String)],
        threshold: &str,
    ) -> Result<i64, AppError> {
        require_bureau(who)?;
        let mut errors = Vec::new();
        let mut entries = Vec::new();
        for (code, text) in weights {
            let Some(indicator) = Indicator::parse(code.trim()) else {
                errors.push(FieldError {
                    field: format!("weight.{code}").into(),
                    code: "assessment.unknown_indicator",
                    message: format!("没有“{code}”这项指标"),
                });
                continue;
            };
            let t = text.trim();
            if t.is_empty() {
                continue;
            }
            match t.parse::<u32>() {
                Ok(w) => entries.push((indicator, w)),
                Err(_) => errors.push(FieldError {
                    field: format!("weight.{code}").into(),
                    code: "assessment.weight_out_of_range",
                    message: format!("“{}”的权重应为 0 至 1000 的整数", indicator.name_zh()),
                }),
            }
        }
        let threshold = match parse_points(threshold).map(Score::threshold) {
            Some(Ok(s)) => Some(s),
            _ => {
                errors.push(FieldError {
                    field: "threshold".into(),
                    code: "assessment.threshold_out_of_range",
                    message: WeightsError::Threshold.to_string(),
                });
                None
            }
        };
        if !errors.is_empty() {
            return Err(AppError::fields(errors));
        }
        let weights = Weights::new(entries).map_err(|e| weights_error(&e))?;
        let threshold = threshold.ok_or(AppError::Internal("threshold".into()))?;
        let pairs: Vec<(&str, u32)> = weights
            .entries()
            .iter()
            .map(|(i, w)| (i.code(), *w))
            .collect();
        let json = serde_json::to_string(&pairs).map_err(|e| AppError::Internal(e.to_string()))?;
        let actor = who.account_id().to_string();
        let at_ms = self.now_ms();
        self.store
            .write(move |ctx| {
                Box::pin(async move {
                    let version = ctx
                        .save_assessment_settings(&json, threshold.0, &actor, at_ms)
                        .await?;
                    let weights: serde_json::Value =
                        serde_json::from_str(&json).unwrap_or(serde_json::Value::Null);
                    ctx.append_event(NewEvent {
                        at_ms,
                        actor,
                        action: "assessment.weights_changed".into(),
                        entity_type: "assessment_settings".into(),
                        entity_id: version.to_string(),
                        payload: serde_json::json!({
                            "version": version,
                            "weights": weights,
                            "threshold": threshold.0,
                        }),
                    })
                    .await?;
                    Ok::<_, AppError>(version)
                })
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::parse_points;

    #[test]
    fn points_are_read_to_the_hundredth() {
        assert_eq!(parse_points("80"), Some(8000));
        assert_eq!(parse_points(" 80.5 "), Some(8050));
        assert_eq!(parse_points("80.05"), Some(8005));
        assert_eq!(parse_points("80.123"), None);
        assert_eq!(parse_points("-1"), None);
        assert_eq!(parse_points("八十"), None);
        assert_eq!(parse_points(""), None);
    }
}
