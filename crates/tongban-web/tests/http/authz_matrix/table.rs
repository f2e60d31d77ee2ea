//! The expected outcome of every cell, as data: one row per route, one letter per identity in
//! the order of `COLUMNS` — anonymous, then the owning citizen and another citizen, then the
//! enterprise, then after `|` each staff role as a pair (in the records' unit, in another
//! unit): system admin, bureau supervisor, department admin, window clerk, reviewer, approver,
//! 好差评 handler, runner.
//!
//! Letters: `A` allowed, `R` a read redirected elsewhere, `F` forbidden (403), `L` login required (401 or a redirect to the
//! login page), `N` not found (404). A write marked `A` is not sent (the matrix changes
//! nothing); `V` a read refused as invalid input (422); a write marked `F`, `L` or `N` must be refused — validation refusing it first
//! (400/409/422) counts as refused — and must not append to the audit log.

use super::identities::COLUMNS;

pub struct Row {
    pub method: &'static str,
    pub path: &'static str,
    expect: &'static str,
}

/// The identities that send a public read: anonymous and a signed-in citizen — a public page has nothing to refuse, and some (the hall exports, `/metrics`)
/// are too slow in a debug build to fetch twenty times.
pub const PUBLIC_SAMPLE: [usize; 2] = [0, 1];

pub struct Expect;

impl Expect {
    /// A row of letters written the way the table writes them.
    pub fn format(letters: &[char]) -> String {
        let s: String = letters.iter().collect();
        let pairs: Vec<&str> = (4..letters.len())
            .step_by(2)
            .map(|i| &s[i..i + 2])
            .collect();
        format!(
            "{} {} {} | {}",
            &s[0..1],
            &s[1..3],
            &s[3..4],
            pairs.join(" ")
        )
    }
}

impl Row {
    /// Whether every identity may read it.
    pub fn is_public_read(&self) -> bool {
        self.method == "get" && self.expect == PUBLIC
    }

    pub fn expected(&self) -> Vec<char> {
        let letters: Vec<char> = self
            .expect
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '|')
            .collect();
        assert_eq!(
            letters.len(),
            COLUMNS.len(),
            "{} {}: one letter per identity",
            self.method,
            self.path
        );
        letters
    }
}

const fn row(method: &'static str, path: &'static str, expect: &'static str) -> Row {
    Row {
        method,
        path,
        expect,
    }
}

/// Anyone, signed in or not.
const PUBLIC: &str = "A AA A | AA AA AA AA AA AA AA AA";
/// Anyone signed in.
const SIGNED_IN: &str = "L AA A | AA AA AA AA AA AA AA AA";
/// Any member of staff, in any unit.
const STAFF: &str = "L FF F | AA AA AA AA AA AA AA AA";
/// Records that are one for the whole city (the audit log, the outbox): city-level system
/// administrators and supervisors.
const CITY_AUDITORS: &str = "L FF F | AF AF FF FF FF FF FF FF";
/// A city-level system administrator.
const CITY_ADMIN: &str = "L FF F | AF FF FF FF FF FF FF FF";
/// A system administrator whose division holds the record.
const ADMIN_OF_UNIT: &str = "L FF F | AF FF FF FF FF FF FF FF";
/// …or the administrator of the department itself (the department, its items, its keys).
const ADMIN_OR_DEPT_ADMIN: &str = "L FF F | AF FF AF FF FF FF FF FF";
/// The catalogue desk: a system administrator or a department administrator, anywhere (each
/// sees their own department's items).
const CATALOGUE_DESK: &str = "L FF F | AA FF AA FF FF FF FF FF";
/// A case: its applicant (another citizen is told it does not exist) and staff whose unit
/// covers the case's department (通办: a hall covers the departments whose area holds it).
const CASE_READ: &str = "L AN N | AF AF AF AF AF AF AF AF";
/// A citizen's page of a case: its staff are sent to their desk of it.
const CASE_PAGE: &str = "L AN N | RF RF RF RF RF RF RF RF";
/// The staff desk of a case: citizens are sent to their own page of it.
const CASE_DESK: &str = "L RR R | AF AF AF AF AF AF AF AF";
/// A write only the applicant may make.
const APPLICANT_WRITE: &str = "L AN N | FF FF FF FF FF FF FF FF";
/// Staff using the applicant's licences for a case (用证): the roles that handle cases, for a
/// case their unit covers.
const CASE_HANDLERS: &str = "L FF F | FF FF AF AF AF AF FF FF";
/// A citizen's record with their ID number: the staff who serve citizens anywhere (通办),
/// each read recorded.
const RECORD_READERS: &str = "L FF F | AA FF FF AA AA AA FF AA";
/// The issuing desk: approvers and administrators of the issuing department, and system
/// administrators whose division holds it.
const LICENCE_DESK: &str = "L FF F | AF FF AF FF FF AF FF FF";
/// The desk's lists: everyone on a desk sees their own department's; a system administrator
/// below the city must name a department (422 `V` without one).
const LICENCE_DESK_LIST: &str = "L FF F | AV FF AA FF FF AA FF FF";
/// The desk's forms: a city-level system administrator must name a department first.
const LICENCE_FORM: &str = "L FF F | VV FF AA FF FF AA FF FF";
/// A holder's own licences (citizens and enterprises; staff have none).
const HOLDERS: &str = "L AA A | FF FF FF FF FF FF FF FF";
/// The wallet pages: staff are sent to their desk.
const WALLET: &str = "L AA A | RR RR RR RR RR RR RR RR";
const WALLET_CARD: &str = "L AF F | RR RR RR RR RR RR RR RR";
/// A licence: its holder, or its issuer's staff (with the read recorded).
const HOLDER_OR_ISSUER: &str = "L AF F | AF FF AF FF AF AF FF FF";
/// A holder's write over the API: other holders and staff refused.
const API_HOLDER_WRITE: &str = "L AF F | FF FF FF FF FF FF FF FF";
/// A holder's page form: other holders refused, staff sent to their desk.
const HOLDER_WRITE: &str = "L AF F | RR RR RR RR RR RR RR RR";
/// The bureau's city-wide figures, letters and weights: city-level system administrators and
/// supervisors.
const BUREAU: &str = "L FF F | AF AF FF FF FF FF FF FF";
/// Counts of divisions, halls and accounts: system administrators and supervisors anywhere.
const ADMIN_COUNTS: &str = "L FF F | AA AA FF FF FF FF FF FF";
/// One county's figures: those whose division holds it.
const BUREAU_OF_COUNTY: &str = "L FF F | AF AF FF FF FF FF FF FF";
/// Letters to departments: the city's bureau, and department administrators (their own).
const LETTERS: &str = "L FF F | AF AF AA FF FF FF FF FF";
/// Indicators: the bureau, and department administrators (their own department's).
const INDICATORS: &str = "L FF F | AA AA AA FF FF FF FF FF";

pub const MATRIX: &[Row] = &[
    row(
        "post",
        "/api/v1/auth/login",
        "A AA A | AA AA AA AA AA AA AA AA",
    ),
    row(
        "post",
        "/api/v1/auth/logout",
        "L AA A | AA AA AA AA AA AA AA AA",
    ),
    row("get", "/api/v1/me", SIGNED_IN),
    row("get", "/api/v1/me/notices", SIGNED_IN),
    row("post", "/api/v1/me/notices/read", SIGNED_IN),
    row("get", "/api/v1/admin/outbox", CITY_AUDITORS),
    row("get", "/api/v1/admin/upstream", CITY_ADMIN),
    row("get", "/api/v1/divisions", SIGNED_IN),
    row("get", "/api/v1/divisions/{code}", SIGNED_IN),
    row("get", "/api/v1/halls", SIGNED_IN),
    row("get", "/api/v1/halls/{id}", SIGNED_IN),
    row("put", "/api/v1/halls/{id}", ADMIN_OF_UNIT),
    row("get", "/api/v1/departments/{id}", SIGNED_IN),
    row("put", "/api/v1/departments/{id}", ADMIN_OR_DEPT_ADMIN),
    row("get", "/api/v1/calendar/{year}", SIGNED_IN),
    row("put", "/api/v1/calendar/{year}", CITY_ADMIN),
    row("post", "/api/v1/calendar/due-date", SIGNED_IN),
    row("post", "/api/v1/validate", SIGNED_IN),
    row("get", "/api/v1/citizens/{id}", RECORD_READERS),
    row("get", "/api/v1/events", CITY_AUDITORS),
    row("post", "/api/v1/audit/verify", CITY_AUDITORS),
    row("get", "/api/v1/items", SIGNED_IN),
    row("post", "/api/v1/items", ADMIN_OR_DEPT_ADMIN),
    row("get", "/api/v1/items/{id}", SIGNED_IN),
    row("post", "/api/v1/items/{id}/versions", ADMIN_OR_DEPT_ADMIN),
    row("get", "/api/v1/items/{id}/versions/{version}", STAFF),
    row(
        "put",
        "/api/v1/items/{id}/versions/{version}",
        ADMIN_OR_DEPT_ADMIN,
    ),
    row(
        "post",
        "/api/v1/items/{id}/versions/{version}/submit",
        ADMIN_OR_DEPT_ADMIN,
    ),
    row(
        "post",
        "/api/v1/items/{id}/versions/{version}/publish",
        ADMIN_OF_UNIT,
    ),
    row(
        "post",
        "/api/v1/items/{id}/versions/{version}/return",
        ADMIN_OF_UNIT,
    ),
    row(
        "post",
        "/api/v1/items/{id}/versions/{version}/withdraw",
        ADMIN_OF_UNIT,
    ),
    row("get", "/api/v1/lists", SIGNED_IN),
    row("post", "/api/v1/lists/{list}/editions", CITY_ADMIN),
    row(
        "get",
        "/api/v1/lists/{list}/editions/{edition}/entries",
        SIGNED_IN,
    ),
    row(
        "post",
        "/api/v1/lists/{list}/editions/{edition}/publish",
        CITY_ADMIN,
    ),
    row("get", "/api/v1/lists/{list}/diff", SIGNED_IN),
    row("post", "/api/v1/lists/{list}/imports", CITY_ADMIN),
    row("post", "/api/v1/applications", SIGNED_IN),
    row("get", "/api/v1/applications", SIGNED_IN),
    row("get", "/api/v1/applications/{id}", CASE_READ),
    row("get", "/api/v1/applications/{id}/record", CASE_READ),
    row(
        "post",
        "/api/v1/applications/{id}/actions",
        "L FF F | FF FF FF FF AF FF FF FF",
    ),
    row(
        "post",
        "/api/v1/applications/{id}/materials",
        APPLICANT_WRITE,
    ),
    row("get", "/api/v1/work/queue", STAFF),
    row("post", "/api/v1/mandates", SIGNED_IN),
    row("get", "/api/v1/mandates", SIGNED_IN),
    row(
        "post",
        "/api/v1/mandates/{id}/revoke",
        "L NN N | NN NN NN NN NN NN NN NN",
    ),
    row("get", "/api/v1/bundles", SIGNED_IN),
    row("post", "/api/v1/bundles", SIGNED_IN),
    row(
        "get",
        "/api/v1/bundles/{id}",
        "L NN N | NN NN NN NN NN NN NN NN",
    ),
    row("post", "/api/v1/licences/verify", PUBLIC),
    row("get", "/api/v1/licences/keys", PUBLIC),
    row("get", "/api/v1/licences/types", PUBLIC),
    row("get", "/api/v1/licences/status-list", PUBLIC),
    row("get", "/api/v1/work/licences", LICENCE_DESK_LIST),
    row("post", "/api/v1/work/licences", LICENCE_DESK),
    row("get", "/api/v1/work/licences/{id}", LICENCE_DESK),
    row("post", "/api/v1/work/licences/{id}/state", LICENCE_DESK),
    row("post", "/api/v1/work/licences/import", LICENCE_DESK),
    row(
        "post",
        "/api/v1/work/licences/keys/rotate",
        "L FF F | AF FF AA FF FF FF FF FF",
    ),
    row("get", "/api/v1/me/licences", HOLDERS),
    row("get", "/api/v1/me/licences/{id}", HOLDER_OR_ISSUER),
    row("get", "/api/v1/me/licence-usages", HOLDERS),
    row("post", "/api/v1/me/licences/{id}/shares", API_HOLDER_WRITE),
    row(
        "post",
        "/api/v1/work/applications/{id}/licence-query",
        CASE_HANDLERS,
    ),
    row(
        "get",
        "/api/v1/applications/{id}/licence-substitutes",
        CASE_READ,
    ),
    row(
        "post",
        "/api/v1/applications/{id}/licence-substitutes",
        APPLICANT_WRITE,
    ),
    row(
        "post",
        "/api/v1/applications/{id}/evaluations",
        APPLICANT_WRITE,
    ),
    row("get", "/api/v1/evaluations/summary", PUBLIC),
    row(
        "post",
        "/api/v1/work/window-services",
        "L FF F | FF FF FF AA FF FF FF FF",
    ),
    // 差评 整改: each sees the loops of their own area.
    row(
        "get",
        "/api/v1/work/rectifications",
        "L FF F | AA AA FF FF FF FF AA FF",
    ),
    row(
        "get",
        "/api/v1/work/rectifications/{id}",
        "L FF F | NN NN FF FF FF FF NN FF",
    ),
    row(
        "post",
        "/api/v1/work/rectifications/{id}/actions",
        "L FF F | NN NN FF FF FF FF NN FF",
    ),
    row(
        "get",
        "/api/v1/work/appeals",
        "L FF F | FF AF FF FF FF FF FF FF",
    ),
    row(
        "post",
        "/api/v1/work/applications/{id}/phone-evaluations",
        "L FF F | FF FF FF FF FF FF AF FF",
    ),
    row("get", "/api/v1/bureau/dashboard", BUREAU),
    row("get", "/api/v1/bureau/counties/{code}", BUREAU_OF_COUNTY),
    row("get", "/api/v1/bureau/assessment", BUREAU),
    row("get", "/api/v1/bureau/bulletins/{kind}/{period}", BUREAU),
    row("get", "/api/v1/bureau/letters", LETTERS),
    row("post", "/api/v1/bureau/letters/draft", BUREAU),
    row(
        "get",
        "/api/v1/bureau/letters/{id}",
        "L FF F | NN NN NN FF FF FF FF FF",
    ),
    row(
        "put",
        "/api/v1/bureau/letters/{id}",
        "L FF F | NN NN FF FF FF FF FF FF",
    ),
    row(
        "post",
        "/api/v1/bureau/letters/{id}/send",
        "L FF F | NN NN FF FF FF FF FF FF",
    ),
    row("get", "/api/v1/bureau/weights", BUREAU),
    row("put", "/api/v1/bureau/weights", BUREAU),
    row("get", "/api/v1/indicators", INDICATORS),
    row("get", "/api/v1/indicators/cases", INDICATORS),
    row("get", "/api/v1/indicators/formulas", PUBLIC),
    row("get", "/", PUBLIC),
    row("get", "/search", PUBLIC),
    row("get", "/login", PUBLIC),
    row("post", "/login", "A AA A | AA AA AA AA AA AA AA AA"),
    row("post", "/logout", "A AA A | AA AA AA AA AA AA AA AA"),
    row("post", "/mode", "A AA A | AA AA AA AA AA AA AA AA"),
    row("get", "/items", PUBLIC),
    row("get", "/items/export.xlsx", PUBLIC),
    row("get", "/items/export.csv", PUBLIC),
    row("get", "/items/{id}", PUBLIC),
    row("post", "/items/{id}/apply", SIGNED_IN),
    row("get", "/me/applications", SIGNED_IN),
    row("get", "/bundles", PUBLIC),
    row(
        "get",
        "/bundles/{code}/apply",
        "L NN N | FF FF FF FF FF FF FF FF",
    ),
    row(
        "post",
        "/bundles/{code}/apply",
        "L AA A | FF FF FF FF FF FF FF FF",
    ),
    row("get", "/bundles/{id}", "L NN N | NN NN NN NN NN NN NN NN"),
    row("get", "/applications/{id}", CASE_PAGE),
    row("post", "/applications/{id}", APPLICANT_WRITE),
    row("post", "/applications/{id}/upload", APPLICANT_WRITE),
    row("get", "/applications/{id}/check", CASE_READ),
    row("post", "/applications/{id}/act", APPLICANT_WRITE),
    row("get", "/applications/{id}/files/{blob}", CASE_READ),
    row("get", "/applications/{id}/notices/{kind}", CASE_READ),
    row("get", "/lists", PUBLIC),
    row("get", "/lists/{list}/diff", PUBLIC),
    row("get", "/lists/{list}/{edition}", PUBLIC),
    row("get", "/lists/{list}/{edition}/export.xlsx", PUBLIC),
    row("get", "/lists/{list}/{edition}/export.csv", PUBLIC),
    row("get", "/halls", PUBLIC),
    row("get", "/halls/export.xlsx", PUBLIC),
    row("get", "/halls/export.csv", PUBLIC),
    row("get", "/halls/{id}", PUBLIC),
    row("get", "/admin/halls/{id}/edit", ADMIN_OF_UNIT),
    row("post", "/admin/halls/{id}/edit", ADMIN_OF_UNIT),
    row("get", "/admin/lists/import", CITY_ADMIN),
    row("post", "/admin/lists/import", CITY_ADMIN),
    row("get", "/org", "R RR R | RR RR RR RR RR RR RR RR"),
    row("get", "/org/{code}", PUBLIC),
    row("get", "/departments/{id}", PUBLIC),
    row("get", "/admin/departments/{id}/edit", ADMIN_OR_DEPT_ADMIN),
    row("post", "/admin/departments/{id}/edit", ADMIN_OR_DEPT_ADMIN),
    row("get", "/themes/{slug}", PUBLIC),
    row("get", "/register/citizen", PUBLIC),
    row("post", "/register/citizen", PUBLIC),
    row("get", "/register/enterprise", PUBLIC),
    row("post", "/register/enterprise", PUBLIC),
    row("get", "/me", "L AA A | RR RR RR RR RR RR RR RR"),
    row("get", "/me/notices", SIGNED_IN),
    row("get", "/me/mandates", SIGNED_IN),
    row("post", "/me/mandates", SIGNED_IN),
    row(
        "post",
        "/me/mandates/{id}/revoke",
        "L NN N | NN NN NN NN NN NN NN NN",
    ),
    row("post", "/me/notices/read", SIGNED_IN),
    row("get", "/work", STAFF),
    row("get", "/work/applications/{id}", CASE_DESK),
    row(
        "post",
        "/work/applications/{id}",
        "L FF F | FF FF FF FF AF FF FF FF",
    ),
    row("get", "/work/applications/{id}/notices/{kind}", CASE_DESK),
    row("get", "/work/walk-in", "L FF F | FF FF FF AA FF FF FF NN"),
    row("post", "/work/walk-in", "L FF F | FF FF FF AA FF FF FF FF"),
    row(
        "post",
        "/work/walk-in/register",
        "L FF F | FF FF FF AA FF FF FF FF",
    ),
    row("get", "/work/citizens", "L RR R | RR RR RR RR RR RR RR RR"),
    row("get", "/work/citizens/{id}", RECORD_READERS),
    row("get", "/admin", ADMIN_COUNTS),
    row("get", "/admin/audit", CITY_AUDITORS),
    row("get", "/admin/outbox", CITY_AUDITORS),
    row("get", "/admin/upstream", CITY_ADMIN),
    row("post", "/admin/upstream/push", CITY_ADMIN),
    row("post", "/admin/audit/verify", CITY_AUDITORS),
    row("get", "/admin/items", CATALOGUE_DESK),
    row("get", "/admin/items/new", CATALOGUE_DESK),
    row("post", "/admin/items/new", ADMIN_OR_DEPT_ADMIN),
    row(
        "get",
        "/admin/items/{id}/versions/{version}",
        CATALOGUE_DESK,
    ),
    row(
        "get",
        "/admin/items/{id}/versions/{version}/edit",
        CATALOGUE_DESK,
    ),
    row(
        "post",
        "/admin/items/{id}/versions/{version}/edit",
        ADMIN_OR_DEPT_ADMIN,
    ),
    row(
        "post",
        "/admin/items/{id}/versions/{version}/{step}",
        ADMIN_OR_DEPT_ADMIN,
    ),
    row("get", "/admin/calendar", ADMIN_COUNTS),
    row("post", "/admin/calendar/import", CITY_ADMIN),
    row("get", "/calendar", "R RR R | RR RR RR RR RR RR RR RR"),
    row("get", "/calendar/due-date", PUBLIC),
    row("post", "/calendar/due-date", PUBLIC),
    row("get", "/calendar/{year}", PUBLIC),
    row("get", "/work/licences", LICENCE_DESK_LIST),
    row("get", "/work/licences/new", LICENCE_FORM),
    row("post", "/work/licences/new", LICENCE_DESK),
    row(
        "get",
        "/work/licences/import",
        "L FF F | AA FF AA FF FF AA FF FF",
    ),
    row("post", "/work/licences/import", LICENCE_DESK),
    row("get", "/work/licences/import/template.xlsx", LICENCE_FORM),
    row("get", "/work/licences/keys", LICENCE_FORM),
    row(
        "post",
        "/work/licences/keys",
        "L FF F | AF FF AA FF FF FF FF FF",
    ),
    row("get", "/work/licences/{id}", LICENCE_DESK),
    row("post", "/work/licences/{id}/state", LICENCE_DESK),
    row("get", "/licences/{id}/file.json", HOLDER_OR_ISSUER),
    row("get", "/static/site.css", PUBLIC),
    row("get", "/verify", PUBLIC),
    row("post", "/verify", PUBLIC),
    row("get", "/licences/keys", PUBLIC),
    row("get", "/licences/types", PUBLIC),
    row("get", "/licences/types/{code}", PUBLIC),
    row(
        "get",
        "/licences/keys/{file}",
        "N NN N | NN NN NN NN NN NN NN NN",
    ),
    row("get", "/me/licences", WALLET),
    row("get", "/me/licences/usage", WALLET),
    row("get", "/me/licences/{id}", WALLET_CARD),
    row("get", "/me/licences/{id}/licence.pdf", HOLDER_OR_ISSUER),
    row("get", "/me/licences/{id}/licence.json", HOLDER_OR_ISSUER),
    row("post", "/me/licences/{id}/shares", HOLDER_WRITE),
    row(
        "post",
        "/me/licences/{id}/shares/{handle}/end",
        HOLDER_WRITE,
    ),
    row("get", "/s/{token}", "N NN N | NN NN NN NN NN NN NN NN"),
    row("post", "/work/applications/{id}/licences", CASE_HANDLERS),
    row(
        "get",
        "/work/applications/{id}/licences/{licence}/download",
        CASE_HANDLERS,
    ),
    row("get", "/me/applications/{id}/evaluate", CASE_READ),
    row("post", "/me/applications/{id}/evaluate", APPLICANT_WRITE),
    row("get", "/e/{token}", "N NN N | NN NN NN NN NN NN NN NN"),
    row("post", "/e/{token}", "N NN N | NN NN NN NN NN NN NN NN"),
    row("get", "/w/{token}", "N NN N | NN NN NN NN NN NN NN NN"),
    row("post", "/w/{token}", "N NN N | NN NN NN NN NN NN NN NN"),
    row("get", "/evaluations", PUBLIC),
    row("get", "/work/evaluations", STAFF),
    row(
        "post",
        "/work/evaluations/window",
        "L FF F | FF FF FF AA FF FF FF FF",
    ),
    row(
        "get",
        "/work/evaluations/phone",
        "L FF F | FF FF FF FF FF FF AA FF",
    ),
    row(
        "post",
        "/work/evaluations/phone",
        "L FF F | FF FF FF FF FF FF AF FF",
    ),
    row(
        "get",
        "/work/evaluations/{id}",
        "L FF F | NN NN FF FF FF FF NN FF",
    ),
    row(
        "post",
        "/work/evaluations/{id}",
        "L FF F | NN NN FF FF FF FF NN FF",
    ),
    row(
        "post",
        "/work/evaluations/{id}/rater",
        "L FF F | NN NN FF FF FF FF NN FF",
    ),
    row("get", "/bureau", BUREAU),
    row("get", "/bureau/counties/{code}", BUREAU_OF_COUNTY),
    row("get", "/bureau/cases", INDICATORS),
    row("get", "/bureau/assessment", BUREAU),
    row("get", "/bureau/assessment/export.xlsx", BUREAU),
    row("get", "/bureau/assessment/export.pdf", BUREAU),
    row("get", "/bureau/bulletins/{kind}/{period}", BUREAU),
    row(
        "get",
        "/bureau/bulletins/{kind}/{period}/export.xlsx",
        BUREAU,
    ),
    row(
        "get",
        "/bureau/bulletins/{kind}/{period}/export.pdf",
        BUREAU,
    ),
    row("get", "/bureau/letters", LETTERS),
    row("post", "/bureau/letters/draft", BUREAU),
    row(
        "get",
        "/bureau/letters/{id}",
        "L FF F | NN NN NN FF FF FF FF FF",
    ),
    row(
        "post",
        "/bureau/letters/{id}",
        "L FF F | NN NN FF FF FF FF FF FF",
    ),
    row(
        "post",
        "/bureau/letters/{id}/send",
        "L FF F | NN NN FF FF FF FF FF FF",
    ),
    row(
        "get",
        "/bureau/letters/{id}/letter.pdf",
        "L FF F | NN NN NN FF FF FF FF FF",
    ),
    row("get", "/bureau/weights", BUREAU),
    row("post", "/bureau/weights", BUREAU),
    row("get", "/indicators/formulas", PUBLIC),
    row("get", "/work/indicators", INDICATORS),
    row("get", "/work/indicators/export.xlsx", INDICATORS),
    row("get", "/work/indicators/cases", INDICATORS),
    row("get", "/api/openapi.json", PUBLIC),
    row("get", "/healthz", PUBLIC),
    row("get", "/metrics", PUBLIC),
];
