//! Every JSON request body of the API by name, decoded from raw bytes by the handlers' own
//! extractor code ([`super::dto::decode_json_body`]); the fuzz targets and the seeded
//! hostile-input test feed it.

use serde::de::DeserializeOwned;

use super::{
    applications, auth, bureau, calendar, catalog, dto, evaluations, licences, licences_public,
    lists, validate, wallet,
};

/// Decodes `bytes` as the body type; `Err` carries serde's message.
pub type Decoder = fn(&[u8]) -> Result<(), String>;

fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<(), String> {
    dto::decode_json_body::<T>(bytes).map(|_| ())
}

/// (body type, decoder) for every route that takes a JSON body.
pub const REQUEST_BODIES: &[(&str, Decoder)] = &[
    ("LoginBody", decode::<auth::LoginBody>),
    ("StartBody", decode::<applications::StartBody>),
    ("ActionRequest", decode::<applications::ActionRequest>),
    ("MandateBody", decode::<applications::MandateBody>),
    ("BureauDraftBody", decode::<bureau::BureauDraftBody>),
    (
        "BureauLetterEditBody",
        decode::<bureau::BureauLetterEditBody>,
    ),
    ("BureauWeightsBody", decode::<bureau::BureauWeightsBody>),
    ("CalendarImportDto", decode::<calendar::CalendarImportDto>),
    ("DueDateBody", decode::<calendar::DueDateBody>),
    ("ItemBody", decode::<catalog::ItemBody>),
    (
        "EvaluationRateDto",
        decode::<evaluations::EvaluationRateDto>,
    ),
    (
        "PhoneEvaluationDto",
        decode::<evaluations::PhoneEvaluationDto>,
    ),
    (
        "RectificationActionDto",
        decode::<evaluations::RectificationActionDto>,
    ),
    (
        "WindowServiceStartDto",
        decode::<evaluations::WindowServiceStartDto>,
    ),
    ("IssueDto", decode::<licences::IssueDto>),
    ("StateDto", decode::<licences::StateDto>),
    ("VerifyBody", decode::<licences_public::VerifyBody>),
    ("NewEditionBody", decode::<lists::NewEditionBody>),
    ("DepartmentEditDto", decode::<dto::DepartmentEditDto>),
    ("HallEditDto", decode::<dto::HallEditDto>),
    ("ValidateBody", decode::<validate::ValidateBody>),
    ("AttachBody", decode::<wallet::AttachBody>),
    ("ShareBody", decode::<wallet::ShareBody>),
];
