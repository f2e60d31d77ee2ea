//! 一件事一次办 pages: `/bundles` lists the bundles with what they cover,
//! `/bundles/{code}/apply` is the one form (the bundle's fields and one upload per material of
//! all its parts) sent as one multipart POST that creates every part, and `/bundles/{id}` shows
//! the combined status and each part with its department, step and working days left.

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Extension, Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use tongban_app::AppError;
use tongban_app::applications::{
    BundleFile, BundleForm, BundleRequest, BundleView, QueueEntry, bundle_definitions,
};
use tongban_domain::application::BundleDef;

use super::applications::{case_path, is_phone, no_store};
use super::chrome::Chrome;
use super::form::{Errors, t};
use super::viewer::{Viewer, urlencode};
use crate::error::WebError;
use crate::state::AppState;

/// The page of one applied bundle.
pub fn bundle_path(id: &str) -> String {
    format!("/bundles/{}", urlencode(id))
}

#[derive(Template, WebTemplate)]
#[template(path = "bundles.html")]
pub struct BundlesPage {
    c: Chrome,
    defs: Vec<BundleDef>,
}

/// `GET /bundles`.
pub async fn index(Extension(viewer): Extension<Viewer>) -> BundlesPage {
    BundlesPage {
        c: viewer.chrome(),
        defs: bundle_definitions(),
    }
}

/// The form control of a bundle field.
fn field_id(key: &str) -> String {
    format!("f-{key}")
}

/// The file control of the material at `index` of the form's materials.
fn material_id(index: usize) -> String {
    format!("m-{index}")
}

#[derive(Template, WebTemplate)]
#[template(path = "bundle_apply.html")]
pub struct ApplyPage {
    c: Chrome,
    form: BundleForm,
    values: BTreeMap<String, String>,
    key: String,
    errors: Errors,
}

impl ApplyPage {
    fn value(&self, key: &str) -> &str {
        self.values.get(key).map_or("", String::as_str)
    }
}

fn apply_page(
    viewer: &Viewer,
    form: BundleForm,
    values: BTreeMap<String, String>,
    key: String,
    errors: Errors,
) -> ApplyPage {
    let key = if key.trim().is_empty() {
        uuid::Uuid::new_v4().simple().to_string()
    } else {
        key
    };
    ApplyPage {
        c: viewer.chrome(),
        form,
        values,
        key,
        errors,
    }
}

/// `GET /bundles/{code}/apply`.
pub async fn apply_form(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    if who.is_staff() {
        return Err(WebError::App(AppError::Forbidden));
    }
    let form = state.app.bundle_form(&code).await?;
    let page = apply_page(
        &viewer,
        form,
        BTreeMap::new(),
        String::new(),
        Errors::none(),
    );
    Ok(no_store(page.into_response()))
}

/// What the multipart form carried: the fields by bundle key, the files by material index.
#[derive(Default)]
struct Sent {
    key: String,
    values: BTreeMap<String, String>,
    files: Vec<(usize, String, Vec<u8>)>,
}

async fn read_sent(mut body: Multipart) -> Result<Sent, WebError> {
    let bad = |_| WebError::BadRequest(t("bundle.bad_upload").to_string());
    let mut sent = Sent::default();
    while let Some(field) = body.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_string();
        if let Some(index) = name.strip_prefix("m-").and_then(|i| i.parse().ok()) {
            let file_name = field.file_name().unwrap_or_default().to_string();
            let bytes = field.bytes().await.map_err(bad)?.to_vec();
            if !bytes.is_empty() {
                sent.files.push((index, file_name, bytes));
            }
        } else if let Some(key) = name.strip_prefix("f-") {
            let key = key.to_string();
            sent.values.insert(key, field.text().await.map_err(bad)?);
        } else if name == "key" {
            sent.key = field.text().await.map_err(bad)?;
        }
    }
    Ok(sent)
}

/// `POST /bundles/{code}/apply` (multipart): creates every part and opens the bundle; a
/// missing field or material is shown next to it and nothing is created.
pub async fn apply_submit(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(code): Path<String>,
    headers: HeaderMap,
    body: Multipart,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let sent = read_sent(body).await?;
    let form = state.app.bundle_form(&code).await?;
    let files = sent
        .files
        .into_iter()
        .filter_map(|(i, file_name, bytes)| {
            form.materials.get(i).map(|m| BundleFile {
                material: m.name.clone(),
                file_name,
                bytes,
            })
        })
        .collect();
    let req = BundleRequest {
        code,
        channel: if is_phone(&headers) { "mobile" } else { "pc" }.into(),
        idempotency_key: Some(sent.key.clone()).filter(|k| !k.trim().is_empty()),
        form: sent.values.clone(),
        files,
    };
    match state.app.apply_bundle(who, req).await {
        Ok(bundle) => Ok(Redirect::to(&bundle_path(&bundle.id)).into_response()),
        Err(err @ AppError::Invalid { .. }) => {
            let mut rename: Vec<(String, String)> = form
                .def
                .fields
                .iter()
                .map(|f| (format!("form.{}", f.key), field_id(&f.key)))
                .collect();
            rename.extend(
                form.materials
                    .iter()
                    .enumerate()
                    .map(|(i, m)| (format!("files.{}", m.name), material_id(i))),
            );
            let rename: Vec<(&str, &str)> = rename
                .iter()
                .map(|(a, b)| (a.as_str(), b.as_str()))
                .collect();
            let errors = Errors::from_app(err, &rename)?;
            let page = apply_page(&viewer, form, sent.values, sent.key, errors);
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                no_store(page.into_response()),
            )
                .into_response())
        }
        Err(err) => Err(err.into()),
    }
}

/// A part of a bundle as its page shows it.
pub struct PartLine {
    pub entry: QueueEntry,
    pub department: String,
    pub path: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "bundle.html")]
pub struct BundlePage {
    c: Chrome,
    v: BundleView,
    parts: Vec<PartLine>,
}

/// The parts of a bundle with their departments' names.
pub async fn part_lines(state: &AppState, v: &BundleView) -> Vec<PartLine> {
    let mut out = Vec::new();
    for entry in &v.parts {
        let department = state
            .app
            .department(&entry.department_id)
            .await
            .map(|d| d.name)
            .unwrap_or_else(|_| entry.department_id.clone());
        out.push(PartLine {
            path: case_path(&entry.id),
            entry: entry.clone(),
            department,
        });
    }
    out
}

/// `GET /bundles/{id}`.
pub async fn show(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let v = state.app.bundle_view(who, &id).await?;
    let parts = part_lines(&state, &v).await;
    Ok(no_store(
        BundlePage {
            c: viewer.chrome(),
            v,
            parts,
        }
        .into_response(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_named_by_field_key_and_material_index() {
        assert_eq!(field_id("baby_name"), "f-baby_name");
        assert_eq!(material_id(3), "m-3");
        assert_eq!(bundle_path("a b"), "/bundles/a+b");
    }
}
