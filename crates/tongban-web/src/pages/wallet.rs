//! 我的卡包: a citizen's or enterprise's licences as cards (`/me/licences`), one licence with
//! its face, QR code, downloads, shares and 用证记录 (`/me/licences/{id}`), sharing by a
//! time-limited link shown once, and 我的用证记录 (`/me/licences/usage`). The PDF route also
//! serves staff of the issuing department (the use case decides who may see a licence).

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tongban_app::licences::{ShareView, UsageView};
use tongban_app::{AppError, Principal};

use super::applications::{case_path, no_store};
use super::chrome::Chrome;
use super::form::{Errors, beijing_time, t};
use super::licence_cards::{LicenceCard, download, pdf_response, qr, wallet_path};
use super::viewer::Viewer;
use crate::error::WebError;
use crate::state::AppState;

/// The share durations offered, in hours.
pub const SHARE_HOURS: [i64; 3] = [1, 24, 72];

/// One line of a 用证记录 as a page shows it.
#[derive(Debug, Clone)]
pub struct UsageRow {
    pub when: String,
    pub who: String,
    pub what: String,
    pub cause: String,
    pub case_href: String,
    pub licence_href: String,
    pub result: String,
    pub refused: bool,
}

impl UsageRow {
    pub fn of(u: &UsageView) -> UsageRow {
        UsageRow {
            when: beijing_time(u.at_ms),
            who: u.actor_label.clone(),
            what: u.operation_label.clone(),
            cause: u.cause.clone(),
            case_href: u
                .application_id
                .as_deref()
                .map(case_path)
                .unwrap_or_default(),
            licence_href: u.licence_id.as_deref().map(wallet_path).unwrap_or_default(),
            result: u.result_label.clone(),
            refused: !matches!(u.result.as_str(), "ok" | "genuine"),
        }
    }
}

/// A share as the licence page lists it.
#[derive(Debug, Clone)]
pub struct ShareRow {
    pub handle: String,
    pub purpose: String,
    pub created: String,
    pub expires: String,
    pub views: i64,
    pub live: bool,
    pub state: &'static str,
}

fn share_row(state: &AppState, s: &ShareView) -> ShareRow {
    let live = state.app.share_live(s);
    ShareRow {
        handle: s.handle.clone(),
        purpose: s.purpose.clone(),
        created: beijing_time(s.created_at_ms),
        expires: beijing_time(s.expires_at_ms),
        views: s.views,
        live,
        state: if s.revoked {
            t("wallet.share.ended")
        } else if live {
            t("wallet.share.live")
        } else {
            t("wallet.share.expired")
        },
    }
}

/// The holder's signed-in principal; staff go to their workspace.
fn holder(viewer: &Viewer) -> Result<&Principal, Redirect> {
    let who = viewer.require_login()?;
    if who.is_staff() {
        return Err(Redirect::to("/work"));
    }
    Ok(who)
}

#[derive(Template, WebTemplate)]
#[template(path = "wallet.html")]
pub struct WalletPage {
    c: Chrome,
    cards: Vec<LicenceCard>,
}

/// `GET /me/licences`: 我的卡包.
pub async fn wallet(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> Result<Response, WebError> {
    let who = match holder(&viewer) {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let mut views = state.app.my_licences(who).await?;
    // Usable licences first, then the rest; each group by name.
    views.sort_by_key(|v| (v.status.as_str() != "valid", v.name.clone()));
    let cards = views.iter().map(LicenceCard::of).collect();
    Ok(no_store(
        WalletPage {
            c: viewer.chrome(),
            cards,
        }
        .into_response(),
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "licence_usage.html")]
pub struct UsagePage {
    c: Chrome,
    rows: Vec<UsageRow>,
}

/// `GET /me/licences/usage`: 我的用证记录, newest first.
pub async fn usage(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> Result<Response, WebError> {
    let who = match holder(&viewer) {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let mut usages = state.app.my_licence_usages(who).await?;
    usages.sort_by_key(|u| std::cmp::Reverse(u.at_ms));
    let rows = usages.iter().map(UsageRow::of).collect();
    Ok(no_store(
        UsagePage {
            c: viewer.chrome(),
            rows,
        }
        .into_response(),
    ))
}

/// The share form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ShareForm {
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub hours: String,
}

/// A share just made: its link and QR code, shown this once.
#[derive(Debug, Clone)]
pub struct NewShare {
    pub url: String,
    pub qr_svg: String,
    pub expires: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "licence.html")]
pub struct LicencePage {
    c: Chrome,
    card: LicenceCard,
    qr_svg: String,
    href: String,
    shares: Vec<ShareRow>,
    /// The licence's 用证记录, newest first.
    rows: Vec<UsageRow>,
    hours: [i64; 3],
    f: ShareForm,
    new_share: Option<NewShare>,
    notice: Option<&'static str>,
    errors: Errors,
}

/// What a licence page shows beyond the licence: the share form as typed, a share just made, a
/// notice and the form's problems.
#[derive(Debug, Clone, Default)]
struct Shown {
    f: ShareForm,
    new_share: Option<NewShare>,
    notice: Option<&'static str>,
    errors: Errors,
}

async fn licence_page(
    state: &AppState,
    viewer: &Viewer,
    who: &Principal,
    id: &str,
    shown: Shown,
) -> Result<LicencePage, WebError> {
    let Shown {
        f,
        new_share,
        notice,
        errors,
    } = shown;
    let view = state.app.licence_view(who, id).await?;
    let shares = state.app.licence_share_list(who, id).await?;
    let mut usages = state.app.licence_usages(who, id).await?;
    usages.sort_by_key(|u| std::cmp::Reverse(u.at_ms));
    Ok(LicencePage {
        c: viewer.chrome(),
        qr_svg: qr(&view.qr_text),
        href: wallet_path(&view.id),
        card: LicenceCard::of(&view),
        shares: shares.iter().map(|s| share_row(state, s)).collect(),
        rows: usages.iter().map(UsageRow::of).collect(),
        hours: SHARE_HOURS,
        f,
        new_share,
        notice,
        errors,
    })
}

#[derive(Debug, Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    pub done: String,
}

/// `GET /me/licences/{id}`.
pub async fn licence(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    Query(query): Query<DoneQuery>,
) -> Result<Response, WebError> {
    let who = match holder(&viewer) {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let notice = (query.done == "ended").then_some("wallet.share.ended_done");
    let page = licence_page(
        &state,
        &viewer,
        who,
        &id,
        Shown {
            f: ShareForm {
                hours: "24".into(),
                ..ShareForm::default()
            },
            notice,
            ..Shown::default()
        },
    )
    .await?;
    Ok(no_store(page.into_response()))
}

/// `POST /me/licences/{id}/shares`: a new share link, shown once on the page it answers with.
pub async fn share(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    Form(f): Form<ShareForm>,
) -> Result<Response, WebError> {
    let who = match holder(&viewer) {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let hours = f.hours.trim().parse::<i64>().unwrap_or(0);
    let made = if SHARE_HOURS.contains(&hours) {
        state.app.share_licence(who, &id, &f.purpose, hours).await
    } else {
        Err(AppError::field(
            "hours",
            "licence.share_hours",
            t("wallet.share.hours_error"),
        ))
    };
    let (status, new_share, errors, typed) = match made {
        Ok(link) => {
            let url = format!("{}/s/{}", state.app.public_base_url(), link.token);
            let new_share = NewShare {
                qr_svg: qr(&url),
                url,
                expires: beijing_time(link.expires_at_ms),
            };
            (
                StatusCode::OK,
                Some(new_share),
                Errors::none(),
                ShareForm {
                    hours: "24".into(),
                    ..ShareForm::default()
                },
            )
        }
        Err(err) => {
            let errors = Errors::from_app(err, &[("purpose", "purpose"), ("hours", "hours")])?;
            (StatusCode::UNPROCESSABLE_ENTITY, None, errors, f)
        }
    };
    let shown = Shown {
        f: typed,
        new_share,
        notice: None,
        errors,
    };
    let page = licence_page(&state, &viewer, who, &id, shown).await?;
    Ok(no_store((status, page).into_response()))
}

/// `POST /me/licences/{id}/shares/{handle}/end`: 停止分享.
pub async fn end_share(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((id, handle)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let who = match holder(&viewer) {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    state.app.end_share(who, &id, &handle).await?;
    Ok(Redirect::to(&format!("{}?done=ended#shares", wallet_path(&id))).into_response())
}

/// `GET /me/licences/{id}/licence.pdf`: the printable licence, for its holder or issuer.
pub async fn pdf(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let view = state.app.licence_view(who, &id).await?;
    pdf_response(&view, &state.cjk_font)
}

/// `GET /me/licences/{id}/licence.json`: the signed licence file, verifiable offline.
pub async fn file(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let file = state.app.licence_file(who, &id).await?;
    let view = state.app.licence_view(who, &id).await?;
    Ok(download(
        file.to_json().into_bytes(),
        "application/json",
        &format!("{}-{}.json", view.name, view.number),
    ))
}
