//! Server-rendered pages: routing, the per-request viewer (session, CSRF, 长者版), and the
//! shared page chrome. Each page family lives in its own module.

mod admin;
mod admin_calendar;
mod admin_item_edit;
mod admin_items;
mod admin_list_import;
mod applications;
mod auth;
mod bundles;
mod bureau;
mod bureau_letters;
mod bureau_reports;
mod calendar;
mod case_form;
mod case_licences;
mod case_notices;
mod chrome;
mod department;
mod due_date;
mod elder_steps;
mod evaluate;
mod exports;
mod flow_svg;
mod form;
mod free_submit;
mod hall_edit;
mod halls;
mod home;
mod indicators;
mod items;
mod licence_cards;
mod licence_import;
mod licence_issue;
mod licence_keys;
mod licence_types;
mod licences;
mod list_files;
mod lists;
mod mandates;
mod me;
mod notices;
mod org;
mod page_holes;
mod register;
mod shared_licence;
mod themes;
mod upstream;
mod verify;
mod viewer;
mod wallet;
mod work_cases;
mod work_evaluations;
mod work_licence_keys;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};

pub use chrome::error_page;
pub use licence_cards::licence_font;
pub use viewer::client_address;

use crate::error::WebError;
use crate::state::AppState;

const SITE_CSS: &str = include_str!("../../static/site.css");

pub fn router(state: AppState) -> Router<AppState> {
    let max_upload_bytes = state.options.max_upload_bytes;
    Router::new()
        .route("/", get(home::home))
        .route("/search", get(home::search))
        .route("/login", get(auth::login_form).post(auth::login_submit))
        .route("/logout", post(auth::logout))
        .route("/mode", post(auth::switch_mode))
        .route("/items", get(items::search))
        .route("/items/export.xlsx", get(exports::items_xlsx))
        .route("/items/export.csv", get(exports::items_csv))
        .route("/items/{id}", get(items::guide))
        .route("/items/{id}/apply", post(applications::apply))
        .route("/me/applications", get(applications::mine))
        .route("/bundles", get(bundles::index))
        .route(
            "/bundles/{code}/apply",
            get(bundles::apply_form)
                .post(bundles::apply_submit)
                .layer(axum::extract::DefaultBodyLimit::max(max_upload_bytes)),
        )
        .route("/bundles/{id}", get(bundles::show))
        .route(
            "/applications/{id}",
            get(applications::show).post(applications::save),
        )
        .route(
            "/applications/{id}/upload",
            post(applications::upload)
                .layer(axum::extract::DefaultBodyLimit::max(max_upload_bytes)),
        )
        .route("/applications/{id}/check", get(applications::check))
        .route("/applications/{id}/act", post(applications::act))
        .route("/applications/{id}/files/{blob}", get(applications::file))
        .route(
            "/applications/{id}/notices/{kind}",
            get(case_notices::for_applicant),
        )
        .route("/lists", get(lists::index))
        .route("/lists/{list}/diff", get(lists::diff))
        .route("/lists/{list}/{edition}", get(lists::edition))
        .route(
            "/lists/{list}/{edition}/export.xlsx",
            get(list_files::edition_xlsx),
        )
        .route(
            "/lists/{list}/{edition}/export.csv",
            get(list_files::edition_csv),
        )
        .route("/halls", get(halls::finder))
        .route("/halls/export.xlsx", get(exports::halls_xlsx))
        .route("/halls/export.csv", get(exports::halls_csv))
        .route("/halls/{id}", get(halls::detail))
        .route(
            "/admin/halls/{id}/edit",
            get(hall_edit::edit_form).post(hall_edit::edit_submit),
        )
        .route(
            "/admin/lists/import",
            get(admin_list_import::form)
                .post(admin_list_import::submit)
                .layer(axum::extract::DefaultBodyLimit::max(max_upload_bytes)),
        )
        .route("/org", get(org::root))
        .route("/org/{code}", get(org::division))
        .route("/departments/{id}", get(department::detail))
        .route(
            "/admin/departments/{id}/edit",
            get(department::edit_form).post(department::edit_submit),
        )
        .route("/themes/{slug}", get(themes::theme))
        .route(
            "/register/citizen",
            get(register::citizen_form).post(register::citizen_submit),
        )
        .route(
            "/register/enterprise",
            get(register::enterprise_form).post(register::enterprise_submit),
        )
        .route("/me", get(me::me))
        .route("/me/notices", get(notices::inbox))
        .route("/me/mandates", get(mandates::list).post(mandates::grant))
        .route("/me/mandates/{id}/revoke", post(mandates::revoke))
        .route("/me/notices/read", post(notices::mark_all_read))
        .route("/work", get(me::work))
        .route(
            "/work/applications/{id}",
            get(work_cases::show).post(work_cases::act),
        )
        .route(
            "/work/applications/{id}/notices/{kind}",
            get(case_notices::for_staff),
        )
        .route(
            "/work/walk-in",
            get(work_cases::walk_in_form).post(work_cases::walk_in_submit),
        )
        .route("/work/walk-in/register", post(work_cases::walk_in_register))
        .route("/work/citizens", get(me::find_citizen))
        .route("/work/citizens/{id}", get(me::citizen_record))
        .route("/admin", get(admin::dashboard))
        .route("/admin/audit", get(admin::audit))
        .route("/admin/outbox", get(notices::outbox))
        .route("/admin/upstream", get(upstream::status))
        .route("/admin/upstream/push", post(upstream::push_now))
        .route("/admin/audit/verify", post(admin::verify))
        .route("/admin/items", get(admin_items::list))
        .route(
            "/admin/items/new",
            get(admin_item_edit::new_form).post(admin_item_edit::new_submit),
        )
        .route(
            "/admin/items/{id}/versions/{version}",
            get(admin_items::version),
        )
        .route(
            "/admin/items/{id}/versions/{version}/edit",
            get(admin_item_edit::edit_form).post(admin_item_edit::edit_submit),
        )
        .route(
            "/admin/items/{id}/versions/{version}/{step}",
            post(admin_items::act),
        )
        .route("/admin/calendar", get(admin_calendar::years))
        .route("/admin/calendar/import", post(admin_calendar::import))
        .route("/calendar", get(calendar::this_year))
        .route(
            "/calendar/due-date",
            get(due_date::form_get).post(due_date::form_post),
        )
        .route("/calendar/{year}", get(calendar::year))
        .route("/work/licences", get(licences::desk))
        .route(
            "/work/licences/new",
            get(licence_issue::form).post(licence_issue::submit),
        )
        .route(
            "/work/licences/import",
            get(licence_import::form)
                .post(licence_import::submit)
                .layer(axum::extract::DefaultBodyLimit::max(max_upload_bytes)),
        )
        .route(
            "/work/licences/import/template.xlsx",
            get(licence_import::template_xlsx),
        )
        .route(
            "/work/licences/keys",
            get(work_licence_keys::show).post(work_licence_keys::rotate),
        )
        .route("/work/licences/{id}", get(licences::show))
        .route("/work/licences/{id}/state", post(licences::change_state))
        .route("/licences/{id}/file.json", get(licences::file_json))
        .route("/static/site.css", get(site_css))
        .route(
            "/verify",
            get(verify::show)
                .post(verify::upload)
                .layer(axum::extract::DefaultBodyLimit::max(max_upload_bytes)),
        )
        .route("/licences/keys", get(licence_keys::list))
        .route("/licences/types", get(licence_types::list))
        .route("/licences/types/{code}", get(licence_types::one))
        .route("/licences/keys/{file}", get(licence_keys::pem))
        .route("/me/licences", get(wallet::wallet))
        .route("/me/licences/usage", get(wallet::usage))
        .route("/me/licences/{id}", get(wallet::licence))
        .route("/me/licences/{id}/licence.pdf", get(wallet::pdf))
        .route("/me/licences/{id}/licence.json", get(wallet::file))
        .route("/me/licences/{id}/shares", post(wallet::share))
        .route(
            "/me/licences/{id}/shares/{handle}/end",
            post(wallet::end_share),
        )
        .route("/s/{token}", get(shared_licence::open))
        .route(
            "/work/applications/{id}/licences",
            post(case_licences::query),
        )
        .route(
            "/work/applications/{id}/licences/{licence}/download",
            get(case_licences::download_file),
        )
        .route(
            "/me/applications/{id}/evaluate",
            get(evaluate::case_form).post(evaluate::case_submit),
        )
        .route(
            "/e/{token}",
            get(evaluate::invitation_form).post(evaluate::invitation_submit),
        )
        .route(
            "/w/{token}",
            get(evaluate::window_form).post(evaluate::window_submit),
        )
        .route("/evaluations", get(work_evaluations::public))
        .route("/work/evaluations", get(work_evaluations::index))
        .route(
            "/work/evaluations/window",
            post(work_evaluations::start_window),
        )
        .route(
            "/work/evaluations/phone",
            get(work_evaluations::phone_form).post(work_evaluations::phone_submit),
        )
        .route(
            "/work/evaluations/{id}",
            get(work_evaluations::show).post(work_evaluations::act),
        )
        .route(
            "/work/evaluations/{id}/rater",
            post(work_evaluations::rater),
        )
        .route("/bureau", get(bureau::dashboard))
        .route("/bureau/counties/{code}", get(bureau::county))
        .route("/bureau/cases", get(bureau::cases))
        .route("/bureau/assessment", get(bureau_reports::assessment))
        .route(
            "/bureau/assessment/export.xlsx",
            get(bureau_reports::assessment_xlsx),
        )
        .route(
            "/bureau/assessment/export.pdf",
            get(bureau_reports::assessment_pdf),
        )
        .route(
            "/bureau/bulletins/{kind}/{period}",
            get(bureau_reports::bulletin),
        )
        .route(
            "/bureau/bulletins/{kind}/{period}/export.xlsx",
            get(bureau_reports::bulletin_xlsx),
        )
        .route(
            "/bureau/bulletins/{kind}/{period}/export.pdf",
            get(bureau_reports::bulletin_pdf),
        )
        .route("/bureau/letters", get(bureau_letters::list))
        .route("/bureau/letters/draft", post(bureau_letters::draft))
        .route(
            "/bureau/letters/{id}",
            get(bureau_letters::show).post(bureau_letters::edit),
        )
        .route("/bureau/letters/{id}/send", post(bureau_letters::send))
        .route("/bureau/letters/{id}/letter.pdf", get(bureau_letters::pdf))
        .route(
            "/bureau/weights",
            get(bureau_letters::weights).post(bureau_letters::save_weights),
        )
        .route("/indicators/formulas", get(indicators::formulas))
        .route("/work/indicators", get(indicators::table))
        .route("/work/indicators/export.xlsx", get(indicators::export_xlsx))
        .route("/work/indicators/cases", get(indicators::cases))
        .route_layer(axum::middleware::from_fn(crate::context::tag_route))
        .layer(axum::middleware::from_fn_with_state(
            state,
            viewer::attach_viewer,
        ))
}

async fn site_css() -> impl IntoResponse {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        SITE_CSS,
    )
}

/// Any unknown path.
pub async fn not_found() -> WebError {
    WebError::NotFound
}
