//! Line-by-line validation of identifiers, shared by the CLI and the API.

use time::Date;
use tongban_domain::{ResidentIdNumber, Uscc};

/// What kind of identifier each line holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValidateKind {
    ResidentId,
    Uscc,
}

impl ValidateKind {
    pub fn parse(text: &str) -> Option<ValidateKind> {
        match text {
            "resident-id" => Some(ValidateKind::ResidentId),
            "uscc" => Some(ValidateKind::Uscc),
            _ => None,
        }
    }
}

/// Checks one value: `Ok(())` or the reason it is wrong, in Chinese.
pub fn validate_one(kind: ValidateKind, value: &str, today: Date) -> Result<(), String> {
    match kind {
        ValidateKind::ResidentId => ResidentIdNumber::parse(value, today)
            .map(|_| ())
            .map_err(|e| e.to_string()),
        ValidateKind::Uscc => Uscc::parse(value).map(|_| ()).map_err(|e| e.to_string()),
    }
}

/// One output line per input line: `ok` or `error: <reason>`.
pub fn validate_lines<'a>(
    kind: ValidateKind,
    lines: impl IntoIterator<Item = &'a str>,
    today: Date,
) -> Vec<String> {
    lines
        .into_iter()
        .map(
            |line| match validate_one(kind, line.trim_end_matches('\r'), today) {
                Ok(()) => "ok".to_string(),
                Err(reason) => format!("error: {reason}"),
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn each_line_gets_ok_or_a_reason() {
        let out = validate_lines(
            ValidateKind::ResidentId,
            ["11010519491231002X", "110105194912310021", ""],
            date!(2026 - 11 - 25),
        );
        assert_eq!(out[0], "ok");
        assert!(out[1].starts_with("error: "), "{}", out[1]);
        assert!(out[2].starts_with("error: "));
    }

    #[test]
    fn usccs_are_checked_per_gb_32100() {
        let out = validate_lines(
            ValidateKind::Uscc,
            ["91350200776049653A", "91350203M0001QAY9B"],
            date!(2026 - 11 - 25),
        );
        assert_eq!(out[0], "ok");
        assert!(out[1].starts_with("error: "));
    }
}
