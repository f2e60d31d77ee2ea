//! The JSON API under `/api/v1`: bearer-token authentication, one module per resource, and
//! the OpenAPI 3.1 document. Every route but `POST /auth/login` needs a signed-in caller;
//! [`ROUTES`] lists each route with who may call it, and a test holds the document, the router
//! and this table to each other.

pub(crate) mod applications;
mod audit;
mod auth;
mod bundles;
mod bureau;
mod calendar;
mod caller;
mod catalog;
mod dto;
pub(crate) mod evaluations;
pub(crate) mod indicators;
mod licence_types;
mod licences;
pub(crate) mod licences_public;
mod list_import;
pub(crate) mod lists;
mod notices;
mod org;
pub mod request_bodies;
mod upstream;
mod validate;
mod wallet;

use axum::Json;
use axum::Router;
use axum::routing::{get, post};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::state::AppState;

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Nobody needs to be signed in (only the login itself).
    Public,
    /// Any signed-in caller.
    SignedIn,
    /// Staff only; other callers get 403.
    Staff,
    /// Staff of certain roles, within the scope of their unit; others get 403.
    Scoped,
}

/// (method, path as in the OpenAPI document, access).
pub const ROUTES: &[(&str, &str, Access)] = &[
    ("post", "/api/v1/auth/login", Access::Public),
    ("post", "/api/v1/auth/logout", Access::SignedIn),
    ("get", "/api/v1/me", Access::SignedIn),
    ("get", "/api/v1/me/notices", Access::SignedIn),
    ("post", "/api/v1/me/notices/read", Access::SignedIn),
    ("get", "/api/v1/admin/outbox", Access::Scoped),
    ("get", "/api/v1/admin/upstream", Access::Scoped),
    ("get", "/api/v1/divisions", Access::SignedIn),
    ("get", "/api/v1/divisions/{code}", Access::SignedIn),
    ("get", "/api/v1/halls", Access::SignedIn),
    ("get", "/api/v1/halls/{id}", Access::SignedIn),
    ("put", "/api/v1/halls/{id}", Access::Scoped),
    ("get", "/api/v1/departments/{id}", Access::SignedIn),
    ("put", "/api/v1/departments/{id}", Access::Scoped),
    ("get", "/api/v1/calendar/{year}", Access::SignedIn),
    ("put", "/api/v1/calendar/{year}", Access::Scoped),
    ("post", "/api/v1/calendar/due-date", Access::SignedIn),
    ("post", "/api/v1/validate", Access::SignedIn),
    ("get", "/api/v1/citizens/{id}", Access::Staff),
    ("get", "/api/v1/events", Access::Scoped),
    ("post", "/api/v1/audit/verify", Access::Scoped),
    ("get", "/api/v1/items", Access::SignedIn),
    ("post", "/api/v1/items", Access::Scoped),
    ("get", "/api/v1/items/{id}", Access::SignedIn),
    ("post", "/api/v1/items/{id}/versions", Access::Scoped),
    (
        "get",
        "/api/v1/items/{id}/versions/{version}",
        Access::Staff,
    ),
    (
        "put",
        "/api/v1/items/{id}/versions/{version}",
        Access::Scoped,
    ),
    (
        "post",
        "/api/v1/items/{id}/versions/{version}/submit",
        Access::Scoped,
    ),
    (
        "post",
        "/api/v1/items/{id}/versions/{version}/publish",
        Access::Scoped,
    ),
    (
        "post",
        "/api/v1/items/{id}/versions/{version}/return",
        Access::Scoped,
    ),
    (
        "post",
        "/api/v1/items/{id}/versions/{version}/withdraw",
        Access::Scoped,
    ),
    ("get", "/api/v1/lists", Access::SignedIn),
    ("post", "/api/v1/lists/{list}/editions", Access::Scoped),
    (
        "get",
        "/api/v1/lists/{list}/editions/{edition}/entries",
        Access::SignedIn,
    ),
    (
        "post",
        "/api/v1/lists/{list}/editions/{edition}/publish",
        Access::Scoped,
    ),
    ("get", "/api/v1/lists/{list}/diff", Access::SignedIn),
    ("post", "/api/v1/lists/{list}/imports", Access::Scoped),
    ("post", "/api/v1/applications", Access::SignedIn),
    ("get", "/api/v1/applications", Access::SignedIn),
    ("get", "/api/v1/applications/{id}", Access::SignedIn),
    ("get", "/api/v1/applications/{id}/record", Access::SignedIn),
    (
        "post",
        "/api/v1/applications/{id}/actions",
        Access::SignedIn,
    ),
    (
        "post",
        "/api/v1/applications/{id}/materials",
        Access::SignedIn,
    ),
    ("get", "/api/v1/work/queue", Access::Staff),
    ("post", "/api/v1/mandates", Access::SignedIn),
    ("get", "/api/v1/mandates", Access::SignedIn),
    ("post", "/api/v1/mandates/{id}/revoke", Access::SignedIn),
    ("get", "/api/v1/bundles", Access::SignedIn),
    ("post", "/api/v1/bundles", Access::SignedIn),
    ("get", "/api/v1/bundles/{id}", Access::SignedIn),
    ("post", "/api/v1/licences/verify", Access::Public),
    ("get", "/api/v1/licences/keys", Access::Public),
    ("get", "/api/v1/licences/types", Access::Public),
    ("get", "/api/v1/licences/status-list", Access::Public),
    ("get", "/api/v1/work/licences", Access::Scoped),
    ("post", "/api/v1/work/licences", Access::Scoped),
    ("get", "/api/v1/work/licences/{id}", Access::Scoped),
    ("post", "/api/v1/work/licences/{id}/state", Access::Scoped),
    ("post", "/api/v1/work/licences/import", Access::Scoped),
    ("post", "/api/v1/work/licences/keys/rotate", Access::Scoped),
    ("get", "/api/v1/me/licences", Access::SignedIn),
    ("get", "/api/v1/me/licences/{id}", Access::SignedIn),
    ("get", "/api/v1/me/licence-usages", Access::SignedIn),
    ("post", "/api/v1/me/licences/{id}/shares", Access::SignedIn),
    (
        "post",
        "/api/v1/work/applications/{id}/licence-query",
        Access::Staff,
    ),
    (
        "get",
        "/api/v1/applications/{id}/licence-substitutes",
        Access::SignedIn,
    ),
    (
        "post",
        "/api/v1/applications/{id}/licence-substitutes",
        Access::SignedIn,
    ),
    (
        "post",
        "/api/v1/applications/{id}/evaluations",
        Access::SignedIn,
    ),
    ("get", "/api/v1/evaluations/summary", Access::Public),
    ("post", "/api/v1/work/window-services", Access::Staff),
    ("get", "/api/v1/work/rectifications", Access::Scoped),
    ("get", "/api/v1/work/rectifications/{id}", Access::Scoped),
    (
        "post",
        "/api/v1/work/rectifications/{id}/actions",
        Access::Scoped,
    ),
    ("get", "/api/v1/work/appeals", Access::Scoped),
    (
        "post",
        "/api/v1/work/applications/{id}/phone-evaluations",
        Access::Scoped,
    ),
    ("get", "/api/v1/bureau/dashboard", Access::Scoped),
    ("get", "/api/v1/bureau/counties/{code}", Access::Scoped),
    ("get", "/api/v1/bureau/assessment", Access::Scoped),
    (
        "get",
        "/api/v1/bureau/bulletins/{kind}/{period}",
        Access::Scoped,
    ),
    ("get", "/api/v1/bureau/letters", Access::Scoped),
    ("post", "/api/v1/bureau/letters/draft", Access::Scoped),
    ("get", "/api/v1/bureau/letters/{id}", Access::Scoped),
    ("put", "/api/v1/bureau/letters/{id}", Access::Scoped),
    ("post", "/api/v1/bureau/letters/{id}/send", Access::Scoped),
    ("get", "/api/v1/bureau/weights", Access::Scoped),
    ("put", "/api/v1/bureau/weights", Access::Scoped),
    ("get", "/api/v1/indicators", Access::Scoped),
    ("get", "/api/v1/indicators/cases", Access::Scoped),
    ("get", "/api/v1/indicators/formulas", Access::Public),
];

pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/me", get(auth::me))
        .route("/me/notices", get(notices::my_notices))
        .route("/me/notices/read", post(notices::mark_read))
        .route("/admin/outbox", get(notices::outbox))
        .route("/admin/upstream", get(upstream::status))
        .route("/divisions", get(org::top_divisions))
        .route("/divisions/{code}", get(org::division))
        .route("/halls", get(org::find_halls))
        .route("/halls/{id}", get(org::hall).put(org::edit_hall))
        .route(
            "/departments/{id}",
            get(org::department).put(org::edit_department),
        )
        .route(
            "/calendar/{year}",
            get(calendar::year).put(calendar::import_year),
        )
        .route("/calendar/due-date", post(calendar::due_date))
        .route("/validate", post(validate::validate))
        .route("/citizens/{id}", get(audit::citizen_record))
        .route("/events", get(audit::events))
        .route("/audit/verify", post(audit::verify))
        .route("/items", get(catalog::search).post(catalog::create))
        .route("/items/{id}", get(catalog::published))
        .route("/items/{id}/versions", post(catalog::new_version))
        .route(
            "/items/{id}/versions/{version}",
            get(catalog::version).put(catalog::edit),
        )
        .route(
            "/items/{id}/versions/{version}/submit",
            post(catalog::submit),
        )
        .route(
            "/items/{id}/versions/{version}/publish",
            post(catalog::publish),
        )
        .route(
            "/items/{id}/versions/{version}/return",
            post(catalog::return_to_author),
        )
        .route(
            "/items/{id}/versions/{version}/withdraw",
            post(catalog::withdraw),
        )
        .route("/lists", get(lists::lists))
        .route("/lists/{list}/editions", post(lists::create))
        .route(
            "/lists/{list}/editions/{edition}/entries",
            get(lists::entries),
        )
        .route(
            "/lists/{list}/editions/{edition}/publish",
            post(lists::publish),
        )
        .route("/lists/{list}/diff", get(lists::diff))
        .route(
            "/lists/{list}/imports",
            post(list_import::import).layer(axum::extract::DefaultBodyLimit::max(
                list_import::MAX_IMPORT_BYTES,
            )),
        )
        .route(
            "/applications",
            post(applications::start).get(applications::mine),
        )
        .route("/applications/{id}", get(applications::one))
        .route("/applications/{id}/record", get(applications::record))
        .route("/applications/{id}/actions", post(applications::act))
        .route(
            "/applications/{id}/materials",
            post(applications::upload).layer(axum::extract::DefaultBodyLimit::max(
                applications::MAX_MATERIAL_BYTES,
            )),
        )
        .route("/work/queue", get(applications::queue))
        .route(
            "/mandates",
            post(applications::grant).get(applications::mandates),
        )
        .route("/mandates/{id}/revoke", post(applications::revoke))
        .route(
            "/bundles",
            get(bundles::definitions).post(bundles::apply).layer(
                axum::extract::DefaultBodyLimit::max(bundles::MAX_BUNDLE_BYTES),
            ),
        )
        .route("/bundles/{id}", get(bundles::bundle))
        .route(
            "/licences/verify",
            post(licences_public::verify_licence).layer(axum::extract::DefaultBodyLimit::max(
                licences_public::MAX_VERIFY_BODY_BYTES,
            )),
        )
        .route("/licences/keys", get(licences_public::licence_keys))
        .route("/licences/types", get(licence_types::licence_types))
        .route(
            "/licences/status-list",
            get(licences_public::licence_status_list),
        )
        .route("/work/licences", get(licences::list).post(licences::issue))
        .route("/work/licences/{id}", get(licences::one))
        .route("/work/licences/{id}/state", post(licences::change_state))
        .route(
            "/work/licences/import",
            post(licences::import).layer(axum::extract::DefaultBodyLimit::max(
                licences::MAX_LICENCE_IMPORT_BYTES,
            )),
        )
        .route("/work/licences/keys/rotate", post(licences::rotate))
        .route("/me/licences", get(wallet::my_licences))
        .route("/me/licences/{id}", get(wallet::licence))
        .route("/me/licence-usages", get(wallet::my_usages))
        .route("/me/licences/{id}/shares", post(wallet::share))
        .route(
            "/work/applications/{id}/licence-query",
            post(wallet::licence_query),
        )
        .route(
            "/applications/{id}/licence-substitutes",
            get(wallet::substitutes).post(wallet::attach),
        )
        .route("/applications/{id}/evaluations", post(evaluations::rate))
        .route("/evaluations/summary", get(evaluations::summary))
        .route(
            "/work/window-services",
            post(evaluations::start_window_service),
        )
        .route("/work/rectifications", get(evaluations::queue))
        .route("/work/rectifications/{id}", get(evaluations::one))
        .route("/work/rectifications/{id}/actions", post(evaluations::act))
        .route("/work/appeals", get(evaluations::appeals))
        .route(
            "/work/applications/{id}/phone-evaluations",
            post(evaluations::record_phone),
        )
        .route("/bureau/dashboard", get(bureau::dashboard))
        .route("/bureau/counties/{code}", get(bureau::county))
        .route("/bureau/assessment", get(bureau::assessment))
        .route("/bureau/bulletins/{kind}/{period}", get(bureau::bulletin))
        .route("/bureau/letters", get(bureau::letters))
        .route("/bureau/letters/draft", post(bureau::draft))
        .route(
            "/bureau/letters/{id}",
            get(bureau::letter).put(bureau::edit_letter),
        )
        .route("/bureau/letters/{id}/send", post(bureau::send_letter))
        .route(
            "/bureau/weights",
            get(bureau::weights).put(bureau::change_weights),
        )
        .route("/indicators", get(indicators::table))
        .route("/indicators/cases", get(indicators::cases))
        .route("/indicators/formulas", get(indicators::formulas))
        .fallback(crate::pages::not_found)
        .route_layer(axum::middleware::from_fn(crate::context::tag_route))
        .layer(axum::middleware::from_fn_with_state(
            state,
            caller::attach_caller,
        ))
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Tongban API", description = "通办 · 一体化政务服务平台 JSON API。除登录外，所有接口需在 Authorization 头携带 Bearer 令牌。错误统一为 {\"error\": {code, message, fields, request_id}}。"),
    paths(
        auth::login, auth::logout, auth::me,
        notices::my_notices, notices::mark_read, notices::outbox, upstream::status,
        org::top_divisions, org::division, org::find_halls, org::hall, org::edit_hall,
        org::department, org::edit_department,
        calendar::year, calendar::import_year, calendar::due_date,
        validate::validate,
        audit::citizen_record, audit::events, audit::verify,
        catalog::search, catalog::create, catalog::published, catalog::new_version,
        catalog::version, catalog::edit, catalog::submit, catalog::publish,
        catalog::return_to_author, catalog::withdraw,
        lists::lists, lists::create, lists::entries, lists::publish, lists::diff,
        list_import::import,
        applications::start, applications::mine, applications::one, applications::act,
        applications::upload, applications::queue, applications::grant, applications::mandates,
        applications::revoke, applications::record,
        bundles::definitions, bundles::apply, bundles::bundle,
        licences_public::verify_licence, licences_public::licence_keys,
        licences_public::licence_status_list, licence_types::licence_types,
        licences::list, licences::issue, licences::one, licences::change_state,
        licences::import, licences::rotate,
        wallet::my_licences, wallet::licence, wallet::my_usages, wallet::share,
        wallet::licence_query, wallet::substitutes, wallet::attach,
        evaluations::rate, evaluations::summary, evaluations::start_window_service,
        evaluations::queue, evaluations::one, evaluations::act, evaluations::appeals,
        evaluations::record_phone,
        bureau::dashboard, bureau::county, bureau::assessment, bureau::bulletin,
        bureau::letters, bureau::draft, bureau::letter, bureau::edit_letter,
        bureau::send_letter, bureau::weights, bureau::change_weights,
        indicators::table, indicators::cases, indicators::formulas,
    ),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags(
        (name = "auth", description = "登录与会话"),
        (name = "notices", description = "消息通知：我的消息（消息中心），短信、邮件的投递状态，以及向上级平台推送的状态"),
        (name = "org", description = "行政区划、部门与服务大厅"),
        (name = "calendar", description = "工作日历与办理时限"),
        (name = "audit", description = "审计日志与个人信息查阅"),
        (name = "tools", description = "校验工具"),
        (name = "catalog", description = "政务服务事项目录：检索、办事指南内容、草稿与发布"),
        (name = "applications", description = "办件：申请、上传材料、受理与审批、工作台待办、委托代办、一件事一次办、GB/T 39046 办件数据"),
        (name = "lists", description = "权责清单、行政许可事项清单与公共资源交易监管清单：年度版本与动态调整"),
        (name = "licences", description = "电子证照：公开核验（无需登录，每次核验记入用证记录）、证照目录与互通互认清单、公布的签名公钥与签名的状态列表；我的卡包、用证记录、分享，部门依用证事由调用申请人证照，证照免提交；颁发部门的证照列表、手工签发、暂停/恢复/注销、历史证照批量导入、签名密钥更换"),
        (name = "evaluations", description = "政务服务好差评：申请人对办结办件的评价（一事一评）、窗口服务评价码（一次一评）、电话评价记录，差评核实、整改或解释说明、回访、办结与申诉复核，以及公开的评价结果"),
        (name = "bulletins", description = "考核与通报：督查驾驶舱、月考核排名（权重与分数线可配置）、周通报、月考核通报、季调度通报、两书一函（自动起草、修改、发送）"),
        (name = "indicators", description = "统计指标：按部门、县区、乡镇、大厅、事项和周期的全部指标，指标背后的办件，以及公开的计算公式"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
            );
        }
    }
}

/// `GET /api/openapi.json`.
pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
