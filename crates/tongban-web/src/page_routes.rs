//! Every page route (and the few routes outside `/api/v1`: the OpenAPI document, health and
//! metrics) as (method, path) — the router is checked against this table, and the
//! authorization matrix test needs an entry for each, so a new page cannot go unchecked.

/// (method, path template as written in the router).
pub const PAGE_ROUTES: &[(&str, &str)] = &[
    ("get", "/"),
    ("get", "/search"),
    ("get", "/login"),
    ("post", "/login"),
    ("post", "/logout"),
    ("post", "/mode"),
    ("get", "/items"),
    ("get", "/items/export.xlsx"),
    ("get", "/items/export.csv"),
    ("get", "/items/{id}"),
    ("post", "/items/{id}/apply"),
    ("get", "/me/applications"),
    ("get", "/bundles"),
    ("get", "/bundles/{code}/apply"),
    ("post", "/bundles/{code}/apply"),
    ("get", "/bundles/{id}"),
    ("get", "/applications/{id}"),
    ("post", "/applications/{id}"),
    ("post", "/applications/{id}/upload"),
    ("get", "/applications/{id}/check"),
    ("post", "/applications/{id}/act"),
    ("get", "/applications/{id}/files/{blob}"),
    ("get", "/applications/{id}/notices/{kind}"),
    ("get", "/lists"),
    ("get", "/lists/{list}/diff"),
    ("get", "/lists/{list}/{edition}"),
    ("get", "/lists/{list}/{edition}/export.xlsx"),
    ("get", "/lists/{list}/{edition}/export.csv"),
    ("get", "/halls"),
    ("get", "/halls/export.xlsx"),
    ("get", "/halls/export.csv"),
    ("get", "/halls/{id}"),
    ("get", "/admin/halls/{id}/edit"),
    ("post", "/admin/halls/{id}/edit"),
    ("get", "/admin/lists/import"),
    ("post", "/admin/lists/import"),
    ("get", "/org"),
    ("get", "/org/{code}"),
    ("get", "/departments/{id}"),
    ("get", "/admin/departments/{id}/edit"),
    ("post", "/admin/departments/{id}/edit"),
    ("get", "/themes/{slug}"),
    ("get", "/register/citizen"),
    ("post", "/register/citizen"),
    ("get", "/register/enterprise"),
    ("post", "/register/enterprise"),
    ("get", "/me"),
    ("get", "/me/notices"),
    ("get", "/me/mandates"),
    ("post", "/me/mandates"),
    ("post", "/me/mandates/{id}/revoke"),
    ("post", "/me/notices/read"),
    ("get", "/work"),
    ("get", "/work/applications/{id}"),
    ("post", "/work/applications/{id}"),
    ("get", "/work/applications/{id}/notices/{kind}"),
    ("get", "/work/walk-in"),
    ("post", "/work/walk-in"),
    ("post", "/work/walk-in/register"),
    ("get", "/work/citizens"),
    ("get", "/work/citizens/{id}"),
    ("get", "/admin"),
    ("get", "/admin/audit"),
    ("get", "/admin/outbox"),
    ("get", "/admin/upstream"),
    ("post", "/admin/upstream/push"),
    ("post", "/admin/audit/verify"),
    ("get", "/admin/items"),
    ("get", "/admin/items/new"),
    ("post", "/admin/items/new"),
    ("get", "/admin/items/{id}/versions/{version}"),
    ("get", "/admin/items/{id}/versions/{version}/edit"),
    ("post", "/admin/items/{id}/versions/{version}/edit"),
    ("post", "/admin/items/{id}/versions/{version}/{step}"),
    ("get", "/admin/calendar"),
    ("post", "/admin/calendar/import"),
    ("get", "/calendar"),
    ("get", "/calendar/due-date"),
    ("post", "/calendar/due-date"),
    ("get", "/calendar/{year}"),
    ("get", "/work/licences"),
    ("get", "/work/licences/new"),
    ("post", "/work/licences/new"),
    ("get", "/work/licences/import"),
    ("post", "/work/licences/import"),
    ("get", "/work/licences/import/template.xlsx"),
    ("get", "/work/licences/keys"),
    ("post", "/work/licences/keys"),
    ("get", "/work/licences/{id}"),
    ("post", "/work/licences/{id}/state"),
    ("get", "/licences/{id}/file.json"),
    ("get", "/static/site.css"),
    ("get", "/verify"),
    ("post", "/verify"),
    ("get", "/licences/keys"),
    ("get", "/licences/types"),
    ("get", "/licences/types/{code}"),
    ("get", "/licences/keys/{file}"),
    ("get", "/me/licences"),
    ("get", "/me/licences/usage"),
    ("get", "/me/licences/{id}"),
    ("get", "/me/licences/{id}/licence.pdf"),
    ("get", "/me/licences/{id}/licence.json"),
    ("post", "/me/licences/{id}/shares"),
    ("post", "/me/licences/{id}/shares/{handle}/end"),
    ("get", "/s/{token}"),
    ("post", "/work/applications/{id}/licences"),
    ("get", "/work/applications/{id}/licences/{licence}/download"),
    ("get", "/me/applications/{id}/evaluate"),
    ("post", "/me/applications/{id}/evaluate"),
    ("get", "/e/{token}"),
    ("post", "/e/{token}"),
    ("get", "/w/{token}"),
    ("post", "/w/{token}"),
    ("get", "/evaluations"),
    ("get", "/work/evaluations"),
    ("post", "/work/evaluations/window"),
    ("get", "/work/evaluations/phone"),
    ("post", "/work/evaluations/phone"),
    ("get", "/work/evaluations/{id}"),
    ("post", "/work/evaluations/{id}"),
    ("post", "/work/evaluations/{id}/rater"),
    ("get", "/bureau"),
    ("get", "/bureau/counties/{code}"),
    ("get", "/bureau/cases"),
    ("get", "/bureau/assessment"),
    ("get", "/bureau/assessment/export.xlsx"),
    ("get", "/bureau/assessment/export.pdf"),
    ("get", "/bureau/bulletins/{kind}/{period}"),
    ("get", "/bureau/bulletins/{kind}/{period}/export.xlsx"),
    ("get", "/bureau/bulletins/{kind}/{period}/export.pdf"),
    ("get", "/bureau/letters"),
    ("post", "/bureau/letters/draft"),
    ("get", "/bureau/letters/{id}"),
    ("post", "/bureau/letters/{id}"),
    ("post", "/bureau/letters/{id}/send"),
    ("get", "/bureau/letters/{id}/letter.pdf"),
    ("get", "/bureau/weights"),
    ("post", "/bureau/weights"),
    ("get", "/indicators/formulas"),
    ("get", "/work/indicators"),
    ("get", "/work/indicators/export.xlsx"),
    ("get", "/work/indicators/cases"),
    ("get", "/api/openapi.json"),
    ("get", "/healthz"),
    ("get", "/metrics"),
];

#[cfg(test)]
mod tests {
    use super::PAGE_ROUTES;

    /// The (method, path) pairs of every `.route("path", get(..).post(..))` call in `source`.
    fn routes_in(source: &str) -> Vec<(String, String)> {
        let mut found = Vec::new();
        let mut rest = source;
        while let Some(start) = rest.find(".route(") {
            let call_start = start + ".route(".len();
            let mut depth = 1usize;
            let mut end = call_start;
            for (offset, c) in rest[call_start..].char_indices() {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    end = call_start + offset;
                    break;
                }
            }
            let call = &rest[call_start..end];
            let mut quoted = call.split('"');
            let path = quoted.nth(1).unwrap_or_default().to_string();
            let after_path = quoted.collect::<Vec<_>>().join("\"");
            for method in ["get", "post", "put", "delete", "patch"] {
                let needle = format!("{method}(");
                let mut from = 0;
                while let Some(at) = after_path[from..].find(&needle) {
                    let at = from + at;
                    let before = after_path[..at].chars().last();
                    if !before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                        found.push((method.to_string(), path.clone()));
                    }
                    from = at + needle.len();
                }
            }
            rest = &rest[end..];
        }
        found
    }

    #[test]
    fn the_page_route_table_lists_exactly_the_routes_the_router_declares() {
        let mut declared = routes_in(include_str!("pages/mod.rs"));
        declared.extend(
            routes_in(include_str!("lib.rs"))
                .into_iter()
                .filter(|(_, p)| {
                    // lib.rs's own routes; the `.route(` text of this test's needle is not one.
                    p.starts_with('/')
                }),
        );
        declared.sort();
        let mut table: Vec<(String, String)> = PAGE_ROUTES
            .iter()
            .map(|(m, p)| (m.to_string(), p.to_string()))
            .collect();
        table.sort();
        assert_eq!(declared, table);
    }
}
