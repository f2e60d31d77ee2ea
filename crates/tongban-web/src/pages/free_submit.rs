//! 证照免提交 on the applicant's form: which materials the applicant's licences can stand in
//! for, and which of them the posted form consents to use. Each offered material posts a hidden
//! `licence_offered` with its name and, when its checkbox 使用电子证照（同意调用） is ticked
//! (the default), `licence_use` with the same name; only those are attached.

use tongban_app::Principal;
use tongban_app::licences::Substitute;

use super::case_form::DraftForm;
use crate::error::WebError;
use crate::state::AppState;

/// The form field naming a material offered a licence.
pub const OFFERED_FIELD: &str = "licence_offered";
/// The checkbox consenting to use the licence for that material.
pub const USE_FIELD: &str = "licence_use";

/// The materials the applicant's licences can stand in for; none if they cannot be worked out
/// (the form then simply asks for files).
pub async fn offered(state: &AppState, who: &Principal, id: &str) -> Vec<Substitute> {
    match state.app.licence_substitutes(who, id).await {
        Ok(list) => list,
        Err(err) => {
            tracing::warn!(code = err.code(), "licence substitutes not available");
            Vec::new()
        }
    }
}

/// The draft form and the materials whose licence the applicant consented to use.
pub fn read_draft(body: &[u8]) -> Result<(DraftForm, Vec<String>), WebError> {
    let bad = |_| WebError::BadRequest(String::from("表单内容无法识别，请刷新页面后重试"));
    let form: DraftForm = serde_urlencoded::from_bytes(body).map_err(bad)?;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).map_err(bad)?;
    Ok((form, chosen(&pairs)))
}

fn chosen(pairs: &[(String, String)]) -> Vec<String> {
    let used: Vec<&str> = pairs
        .iter()
        .filter(|(k, _)| k == USE_FIELD)
        .map(|(_, v)| v.as_str())
        .collect();
    let mut out: Vec<String> = Vec::new();
    for (k, v) in pairs {
        if k == OFFERED_FIELD && used.contains(&v.as_str()) && !out.contains(v) {
            out.push(v.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_offered_and_ticked_materials_are_chosen() {
        let body = "csrf=x&applicant=%E5%BC%A0&licence_offered=A&licence_use=A\
            &licence_offered=B&licence_use=C";
        let (form, chosen) = read_draft(body.as_bytes()).unwrap();
        assert_eq!(form.applicant, "张");
        assert_eq!(chosen, ["A"]);
    }
}
