//! 批量导入 (`/work/licences/import`): upload an xlsx of historic licences, see the check report
//! (every bad cell), then confirm. The checked file is kept under its SM3 hash in a temporary
//! directory, so the confirmation re-posts only the hash, not the file. The checkbox that keeps
//! identifiers with a wrong check character is shown to admins only (the use case refuses it to
//! anyone else). `/work/licences/import/template.xlsx` is the empty template of the department.

use std::path::PathBuf;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Extension, Multipart, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Format, Workbook};
use serde::Deserialize;
use tongban_app::licences::{FIXED_HEADERS, LicenceImportOptions, LicenceImportReport};
use tongban_domain::Role;

use super::chrome::Chrome;
use super::form::t;
use super::viewer::Viewer;
use crate::error::WebError;
use crate::export::{XLSX_TYPE, display_width};
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "work_licence_import.html")]
pub struct ImportTemplate {
    c: Chrome,
    department_name: String,
    /// A system admin's choice: (id, name, selected).
    departments: Vec<(String, String, bool)>,
    department: String,
    can_accept: bool,
    accept_bad_check: bool,
    error: Option<String>,
    report: Option<LicenceImportReport>,
    /// The SM3 of the checked file, offered for confirmation.
    staged: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct DeptParam {
    #[serde(default)]
    pub department: String,
}

fn staging_dir() -> PathBuf {
    std::env::temp_dir().join("tongban-licence-import")
}

fn is_hash(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    department: &str,
) -> Result<ImportTemplate, WebError> {
    let who = viewer
        .principal()
        .ok_or(WebError::App(tongban_app::AppError::Unauthenticated))?;
    let is_admin = who.role() == Some(Role::SystemAdmin);
    let (department_name, departments) = if is_admin {
        let all = state.app.issuing_departments().await?;
        let name = all
            .iter()
            .find(|(id, _)| id == department)
            .map(|(_, n)| n.clone())
            .unwrap_or_default();
        let list = all
            .into_iter()
            .map(|(id, n)| {
                let selected = id == department;
                (id, n, selected)
            })
            .collect();
        (name, list)
    } else {
        (
            state.app.licence_desk_department(who, None).await?.name,
            Vec::new(),
        )
    };
    Ok(ImportTemplate {
        c: viewer.chrome(),
        department_name,
        departments,
        department: department.to_string(),
        can_accept: matches!(who.role(), Some(Role::SystemAdmin | Role::DeptAdmin)),
        accept_bad_check: false,
        error: None,
        report: None,
        staged: String::new(),
    })
}

pub async fn form(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(q): Query<DeptParam>,
) -> Result<Response, WebError> {
    if let Err(redirect) = viewer.require_login() {
        return Ok(redirect.into_response());
    }
    Ok(page(&state, &viewer, &q.department).await?.into_response())
}

#[derive(Default)]
struct Upload {
    department: String,
    apply: bool,
    accept_bad_check: bool,
    staged: String,
    file_name: String,
    bytes: Vec<u8>,
}

async fn read_form(mut form: Multipart) -> Result<Upload, WebError> {
    let bad = |_| WebError::BadRequest(t("lic.import.bad_form").into());
    let mut u = Upload::default();
    while let Some(field) = form.next_field().await.map_err(bad)? {
        match field.name().unwrap_or_default() {
            "department" => u.department = field.text().await.map_err(bad)?,
            "mode" => u.apply = field.text().await.map_err(bad)? == "apply",
            "accept_bad_check" => u.accept_bad_check = field.text().await.map_err(bad)? == "yes",
            "staged" => u.staged = field.text().await.map_err(bad)?,
            "file_name" => u.file_name = field.text().await.map_err(bad)?,
            "file" => {
                let name = field.file_name().unwrap_or_default().to_string();
                let bytes = field.bytes().await.map_err(bad)?.to_vec();
                if !bytes.is_empty() {
                    u.file_name = name;
                    u.bytes = bytes;
                }
            }
            _ => {}
        }
    }
    Ok(u)
}

pub async fn submit(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    form: Multipart,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let mut u = read_form(form).await?;
    let mut out = page(&state, &viewer, &u.department).await?;
    out.accept_bad_check = u.accept_bad_check && out.can_accept;
    let dir = staging_dir();
    let hash = if !u.bytes.is_empty() {
        let hash = hex::encode(tongban_domain::crypto::sm3(&u.bytes));
        let write = async {
            tokio::fs::create_dir_all(&dir).await?;
            tokio::fs::write(dir.join(&hash), &u.bytes).await
        };
        write
            .await
            .map_err(|e| WebError::App(tongban_app::AppError::Internal(e.to_string())))?;
        hash
    } else if is_hash(&u.staged) {
        match tokio::fs::read(dir.join(&u.staged)).await {
            Ok(bytes) => {
                u.bytes = bytes;
                u.staged.clone()
            }
            Err(_) => {
                out.error = Some("检查过的文件已过期，请重新选择文件上传".into());
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, out).into_response());
            }
        }
    } else {
        out.error = Some("请选择要导入的 xlsx 文件".into());
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, out).into_response());
    };
    let options = LicenceImportOptions {
        dry_run: !u.apply,
        accept_bad_check: out.accept_bad_check,
        department_id: Some(u.department.clone()).filter(|d| !d.is_empty()),
    };
    let report = state
        .app
        .import_licences(who, &u.file_name, u.bytes, options)
        .await;
    let report = match report {
        Ok(r) => r,
        Err(tongban_app::AppError::Invalid { message, .. }) => {
            out.error = Some(message);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, out).into_response());
        }
        Err(e) => return Err(e.into()),
    };
    if report.applied {
        let _ = tokio::fs::remove_file(dir.join(&hash)).await;
    } else if report.ok() {
        out.staged = hash;
    }
    let status = if report.ok() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    out.report = Some(report);
    Ok((status, out).into_response())
}

/// The template: the fixed columns, then the face fields of the types the department issues,
/// formatted as text so that ID numbers and dates stay as typed; a second sheet explains.
pub async fn template_xlsx(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(q): Query<DeptParam>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let dept = Some(q.department.as_str()).filter(|d| !d.is_empty());
    let dept = state.app.licence_desk_department(who, dept).await?;
    let types = state.app.types_issued_by(&dept.id).await?;
    let mut headers: Vec<String> = FIXED_HEADERS.iter().map(|h| h.to_string()).collect();
    for t in &types {
        for f in &t.face_fields {
            if !headers.contains(&f.label) {
                headers.push(f.label.clone());
            }
        }
    }
    let bytes = build_template(&headers, &types)
        .map_err(|e| WebError::App(tongban_app::AppError::Internal(e.to_string())))?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(XLSX_TYPE)),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static(
                    "attachment; filename=\"licence-import-template.xlsx\"; filename*=UTF-8''%E8%AF%81%E7%85%A7%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx",
                ),
            ),
        ],
        bytes,
    )
        .into_response())
}

fn build_template(
    headers: &[String],
    types: &[tongban_domain::licence::LicenceType],
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let as_text = "@";
    let text = Format::new().set_num_format(as_text);
    let ws = book.add_worksheet();
    ws.set_name("证照")?;
    for (i, h) in headers.iter().enumerate() {
        let col = u16::try_from(i).unwrap_or(u16::MAX);
        ws.write_string_with_format(0, col, h, &bold)?;
        ws.set_column_width(col, (display_width(h) + 6).clamp(12, 40) as f64)?;
        ws.set_column_format(col, &text)?;
    }
    ws.set_freeze_panes(1, 0)?;
    let notes = book.add_worksheet();
    notes.set_name("填写说明")?;
    let lines = [
        "每行一份证照；第一张工作表“证照”会被导入，本说明页不导入。",
        "必填：证照类型代码、持证主体名称、持证主体代码、颁发日期，以及证照类型的必填照面项。",
        "证照标识：留空则自动生成；填写时校验位必须正确，颁发机构代码须为本部门统一社会信用代码。",
        "持证主体代码：个人填公民身份号码，单位填统一社会信用代码（都会核对校验位）。",
        "日期写成 2024-03-01；有效期起始日期留空则与颁发日期相同。",
        "先“检查文件”，没有问题再确认导入；有任何一行错误时不会导入任何证照。",
        "",
        "本部门可颁发的证照类型：",
    ];
    notes.set_column_width(0, 110)?;
    let mut row = 0u32;
    for line in lines {
        notes.write_string(row, 0, line)?;
        row += 1;
    }
    for t in types {
        let faces: Vec<String> = t
            .face_fields
            .iter()
            .map(|f| {
                if f.required {
                    format!("{}（{}，必填）", f.label, f.key)
                } else {
                    format!("{}（{}）", f.label, f.key)
                }
            })
            .collect();
        let line = format!("{} {}：{}", t.code, t.name, faces.join("、"));
        notes.write_string(row, 0, &line)?;
        row += 1;
    }
    book.save_to_buffer()
}
