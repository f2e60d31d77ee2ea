//! Shared helpers of the page forms: field errors shown next to their field and in the error
//! summary (GOV.UK pattern), catalogue look-ups from Rust, and small display formatters.

use tongban_app::AppError;

use crate::error::WebError;
use crate::i18n::Catalog;

/// A message from the catalogue, for text that pages build in Rust.
pub fn t(key: &'static str) -> &'static str {
    Catalog::zh_cn().get(key)
}

/// One problem, keyed by the `id` of the form control it belongs to ("" = the whole form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldMessage {
    pub field: String,
    pub message: String,
}

/// The problems of one submitted form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Errors {
    items: Vec<FieldMessage>,
}

impl Errors {
    pub fn none() -> Errors {
        Errors::default()
    }

    /// The field problems of an [`AppError::Invalid`]; any other error stays an error. `rename`
    /// maps a use-case field name to the form control that shows it.
    pub fn from_app(err: AppError, rename: &[(&str, &str)]) -> Result<Errors, WebError> {
        match err {
            AppError::Invalid { message, fields } => {
                let mut errors = Errors::none();
                for f in &fields {
                    let field = rename
                        .iter()
                        .find(|(from, _)| *from == f.field)
                        .map_or(f.field.as_ref(), |(_, to)| *to);
                    errors.add(field, &f.message);
                }
                if errors.items.is_empty() {
                    errors.add("", &message);
                }
                Ok(errors)
            }
            other => Err(WebError::App(other)),
        }
    }

    pub fn add(&mut self, field: &str, message: &str) {
        if !self
            .items
            .iter()
            .any(|e| e.field == field && e.message == message)
        {
            self.items.push(FieldMessage {
                field: field.to_string(),
                message: message.to_string(),
            });
        }
    }

    /// The first message for one field.
    pub fn on(&self, field: &str) -> Option<&str> {
        self.items
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    pub fn any(&self) -> bool {
        !self.items.is_empty()
    }

    pub fn list(&self) -> &[FieldMessage] {
        &self.items
    }
}

/// Micro-degrees as decimal degrees with integer arithmetic: 31858000 → "31.858000".
pub fn degrees(micro: i64) -> String {
    let sign = if micro < 0 { "-" } else { "" };
    let abs = micro.unsigned_abs();
    format!("{sign}{}.{:06}", abs / 1_000_000, abs % 1_000_000)
}

/// The catalogue key of a hall kind's Chinese name.
pub fn hall_kind_key(kind: &str) -> &'static str {
    match kind {
        "city_center" => "hall.kind.city_center",
        "county_center" => "hall.kind.county_center",
        "township_center" => "hall.kind.township_center",
        "village_station" => "hall.kind.village_station",
        _ => "hall.kind.other",
    }
}

/// The four hall kinds, in the order of the network (1 + 5 + 202 + N).
pub const HALL_KINDS: [&str; 4] = [
    "city_center",
    "county_center",
    "township_center",
    "village_station",
];

/// Milliseconds since 1970 as Beijing wall-clock time, `2025-11-25 20:11:03`.
pub fn beijing_time(at_ms: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(at_ms) * 1_000_000)
        .ok()
        .and_then(|t| t.to_offset(tongban_app::beijing()).format(format).ok())
        .unwrap_or_else(|| at_ms.to_string())
}

/// Keeps a query-string value only if it is one of `allowed`.
pub fn one_of(value: &str, allowed: &[&str]) -> String {
    if allowed.contains(&value) {
        value.to_string()
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn micro_degrees_are_shown_exactly() {
        assert_eq!(degrees(31_858_000), "31.858000");
        assert_eq!(degrees(106_747_123), "106.747123");
        assert_eq!(degrees(5), "0.000005");
        assert_eq!(degrees(-1_500_000), "-1.500000");
    }

    #[test]
    fn invalid_input_becomes_field_messages_and_other_errors_stay_errors() {
        let err = AppError::field("pauses.from", "date", "日期不对");
        let errors = Errors::from_app(err, &[("pauses.from", "pause_from")]).unwrap();
        assert_eq!(errors.on("pause_from"), Some("日期不对"));
        assert!(errors.any());
        assert!(Errors::from_app(AppError::Forbidden, &[]).is_err());
    }

    #[test]
    fn every_hall_kind_has_a_name() {
        for kind in HALL_KINDS.iter().chain(["other"].iter()) {
            assert!(Catalog::zh_cn().contains(hall_kind_key(kind)), "{kind}");
        }
    }

    #[test]
    fn times_are_shown_in_beijing() {
        assert_eq!(beijing_time(0), "1970-01-01 08:00:00");
    }
}
