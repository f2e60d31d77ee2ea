//! The 长者版 of the application form: one question per page, at the same URL as the form with
//! a `step` query parameter (`/applications/{id}?step=phone`), so that a relative can open the
//! very page the applicant is on. Steps: 申请人 → 联系电话 → 申请说明 → each material → 告知承诺
//! (when the item allows it) → the check page. Every page has 上一步/下一步, big targets,
//! plain words and the item's consultation phone. Also the case status in one sentence with
//! the next thing to do, for the case page in elder mode.

use askama::Template;
use askama_web::WebTemplate;
use tongban_app::applications::ApplicationView;
use tongban_domain::application::Status;

use super::applications::case_path;
use super::case_form::{DraftForm, MaterialSlot, materials};
use super::chrome::Chrome;
use super::form::{Errors, t};

/// The phone to call when the item names none.
pub const HOTLINE: &str = "12345";

/// One page of the stepped form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Applicant,
    Phone,
    Description,
    /// The material slot of that index (as [`materials`] numbers them).
    Material(usize),
    Commitment,
}

impl Step {
    pub fn code(self) -> String {
        match self {
            Step::Applicant => "applicant".into(),
            Step::Phone => "phone".into(),
            Step::Description => "description".into(),
            Step::Material(i) => format!("material-{i}"),
            Step::Commitment => "commitment".into(),
        }
    }

    pub fn parse(code: &str) -> Option<Step> {
        Some(match code {
            "applicant" => Step::Applicant,
            "phone" => Step::Phone,
            "description" => Step::Description,
            "commitment" => Step::Commitment,
            other => Step::Material(other.strip_prefix("material-")?.parse().ok()?),
        })
    }
}

/// The steps of a case's form, in order.
pub fn steps(v: &ApplicationView) -> Vec<Step> {
    let mut out = vec![Step::Applicant, Step::Phone, Step::Description];
    out.extend(materials(v).iter().map(|s| Step::Material(s.index)));
    if v.app.allows_commitment {
        out.push(Step::Commitment);
    }
    out
}

/// The URL of a step (the same case URL, with `step`).
pub fn step_url(id: &str, step: Step) -> String {
    format!("{}?step={}", case_path(id), step.code())
}

/// Where 下一步 leads from `step`: the next step, or the check page after the last.
pub fn next_url(v: &ApplicationView, step: Step) -> String {
    let all = steps(v);
    match all.iter().position(|s| *s == step) {
        Some(i) if i + 1 < all.len() => step_url(&v.app.id, all[i + 1]),
        _ => format!("{}/check", case_path(&v.app.id)),
    }
}

/// Where 上一步 leads from `step`; `None` on the first.
pub fn previous_url(v: &ApplicationView, step: Step) -> Option<String> {
    let all = steps(v);
    let i = all.iter().position(|s| *s == step)?;
    i.checked_sub(1).map(|p| step_url(&v.app.id, all[p]))
}

/// The last step, for the check page's 上一步.
pub fn last_step_url(v: &ApplicationView) -> String {
    let all = steps(v);
    step_url(&v.app.id, all.last().copied().unwrap_or(Step::Applicant))
}

#[derive(Template, WebTemplate)]
#[template(path = "application_step.html")]
pub struct StepPage {
    pub c: Chrome,
    pub v: ApplicationView,
    pub step: String,
    /// 1-based position and count of steps.
    pub number: usize,
    pub total: usize,
    pub question: String,
    pub hint: &'static str,
    /// `applicant`, `phone`, `description`, `material` or `commitment`.
    pub kind: &'static str,
    /// The field's current value (for the field steps).
    pub value: String,
    pub slot: Option<MaterialSlot>,
    pub commitment_text: String,
    pub commitment_signed: bool,
    pub previous: Option<String>,
    pub next: String,
    pub phone: String,
    pub uploaded: bool,
    pub errors: Errors,
    /// 免提交: the licence that can stand in for this step's material.
    pub substitute: Option<tongban_app::licences::Substitute>,
}

/// What a step page shows beyond the case: the 告知承诺 text, the phone to call and whether a
/// file was just uploaded.
#[derive(Debug, Clone, Default)]
pub struct StepExtras {
    pub commitment_text: String,
    pub phone: String,
    pub uploaded: bool,
    pub substitute: Option<tongban_app::licences::Substitute>,
}

/// The page of one step; `typed` keeps what was typed after an error.
pub fn step_page(
    c: Chrome,
    v: ApplicationView,
    step: Step,
    typed: Option<&DraftForm>,
    extras: StepExtras,
    errors: Errors,
) -> StepPage {
    let all = steps(&v);
    let number = all.iter().position(|s| *s == step).map_or(1, |i| i + 1);
    let field = |k: &str| v.app.form.get(k).cloned().unwrap_or_default();
    let slot = match step {
        Step::Material(i) => materials(&v).into_iter().find(|s| s.index == i),
        _ => None,
    };
    let (kind, question, hint, value) = match step {
        Step::Applicant => (
            "applicant",
            t("elder.q.applicant").to_string(),
            t("elder.hint.applicant"),
            typed.map_or_else(|| field("applicant"), |f| f.applicant.clone()),
        ),
        Step::Phone => (
            "phone",
            t("elder.q.phone").to_string(),
            t("elder.hint.phone"),
            typed.map_or_else(|| field("phone"), |f| f.phone.clone()),
        ),
        Step::Description => (
            "description",
            t("elder.q.description").to_string(),
            t("elder.hint.description"),
            typed.map_or_else(|| field("description"), |f| f.description.clone()),
        ),
        Step::Material(_) => (
            "material",
            format!(
                "{}{}",
                t("elder.q.material"),
                slot.as_ref().map(|s| s.name.as_str()).unwrap_or_default()
            ),
            if slot.as_ref().is_some_and(|s| s.required) {
                t("elder.hint.material_required")
            } else {
                t("elder.hint.material_optional")
            },
            String::new(),
        ),
        Step::Commitment => (
            "commitment",
            t("elder.q.commitment").to_string(),
            t("elder.hint.commitment"),
            String::new(),
        ),
    };
    StepPage {
        c,
        step: step.code(),
        number,
        total: all.len(),
        question,
        hint,
        kind,
        value,
        slot,
        commitment_signed: v.app.commitment.is_some(),
        commitment_text: extras.commitment_text,
        previous: previous_url(&v, step),
        next: next_url(&v, step),
        phone: extras.phone,
        uploaded: extras.uploaded,
        substitute: extras.substitute,
        errors,
        v,
    }
}

/// Checks the one answer of a field step.
pub fn check_step(step: Step, f: &DraftForm) -> Errors {
    let mut errors = Errors::none();
    match step {
        Step::Applicant if f.applicant.trim().is_empty() => {
            errors.add("applicant", t("elder.error.applicant"));
        }
        Step::Phone => {
            let full = DraftForm {
                applicant: "-".into(),
                ..f.clone()
            };
            if let Some(message) = full.check(true).on("phone") {
                errors.add("phone", message);
            }
        }
        Step::Description => {
            if let Some(message) = f.check(false).on("description") {
                errors.add("description", message);
            }
        }
        _ => {}
    }
    errors
}

/// The case's status in one sentence, and the next thing to do, in plain words.
pub fn status_sentence(v: &ApplicationView) -> (String, String) {
    let app = &v.app;
    let status = match app.status {
        Status::Draft => t("elder.status.draft").to_string(),
        Status::Submitted => t("elder.status.submitted").to_string(),
        Status::AwaitingCorrection => t("elder.status.correction").to_string(),
        Status::InProgress => match v.remaining_days {
            _ if v.paused => t("elder.status.paused").to_string(),
            Some(d) if d < 0 => t("elder.status.overdue").replace("{days}", &(-d).to_string()),
            Some(d) => t("elder.status.in_progress").replace("{days}", &d.to_string()),
            None => t("elder.status.in_progress_plain").to_string(),
        },
        Status::ReturnedToApplicant => t("elder.status.returned").to_string(),
        Status::Decided => t("elder.status.decided").to_string(),
        Status::Completed if app.outcome.as_ref().is_some_and(|o| !o.approved) => {
            t("elder.status.refused").to_string()
        }
        Status::Completed => t("elder.status.completed").to_string(),
        Status::NotAccepted => t("elder.status.not_accepted").to_string(),
        Status::Terminated => t("elder.status.terminated").to_string(),
        Status::Revoked => t("elder.status.revoked").to_string(),
        Status::Withdrawn => t("elder.status.withdrawn").to_string(),
    };
    let next = match app.status {
        Status::Draft => t("elder.next.draft").to_string(),
        Status::Submitted => t("elder.next.submitted").to_string(),
        Status::AwaitingCorrection => t("elder.next.correction").to_string(),
        Status::InProgress | Status::Decided if app.result_held() => {
            let (missing, deadline) = app
                .incomplete
                .as_ref()
                .map(|i| (i.missing.join("、"), i.deadline.to_string()))
                .unwrap_or_default();
            t("elder.next.missing")
                .replace("{date}", &deadline)
                .replace("{list}", &missing)
        }
        Status::InProgress => t("elder.next.in_progress").to_string(),
        Status::ReturnedToApplicant => t("elder.next.returned").replace(
            "{reason}",
            app.history
                .iter()
                .rev()
                .find(|h| !h.note.is_empty())
                .map_or("", |h| h.note.as_str()),
        ),
        Status::Decided => t("elder.next.decided").to_string(),
        Status::NotAccepted => t("elder.next.reason").replace(
            "{reason}",
            app.not_accepted_reason.as_deref().unwrap_or_default(),
        ),
        Status::Completed if app.outcome.as_ref().is_some_and(|o| !o.approved) => {
            t("elder.next.reason").replace(
                "{reason}",
                app.outcome.as_ref().map_or("", |o| o.reason.as_str()),
            )
        }
        _ => t("elder.next.closed").to_string(),
    };
    (status, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_codes_read_back_and_nonsense_is_no_step() {
        for step in [
            Step::Applicant,
            Step::Phone,
            Step::Description,
            Step::Material(3),
            Step::Commitment,
        ] {
            assert_eq!(Step::parse(&step.code()), Some(step));
        }
        assert_eq!(Step::parse("material-x"), None);
        assert_eq!(Step::parse("check"), None);
    }

    #[test]
    fn a_phone_step_needs_a_well_formed_number_and_nothing_else() {
        let f = DraftForm {
            phone: "12ab".into(),
            ..DraftForm::default()
        };
        assert!(check_step(Step::Phone, &f).on("phone").is_some());
        let f = DraftForm {
            phone: "13800000000".into(),
            ..DraftForm::default()
        };
        assert!(
            !check_step(Step::Phone, &f).any(),
            "the name is another step"
        );
        assert!(check_step(Step::Applicant, &f).on("applicant").is_some());
    }
}
