//! HTTP tests: the whole app spawned on port 0 over a fresh SQLite file (or PostgreSQL schema
//! when `TONGBAN_TEST_PG_URL` is set for the PostgreSQL-only tests), driven by a real client.
//! All HTTP tests live in this one binary.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod admin_items;
mod api_access;
mod api_applications;
mod api_catalog;
mod api_flows;
mod api_record;
mod authz_matrix;
mod bureau;
mod case_notices;
mod catalog_pages;
mod elder_flow;
mod evaluations;
mod exports;
mod guide_cache;
mod indicators;
mod licence_pages;
mod licence_types;
mod licence_use;
mod licence_verify;
mod licences_api;
mod licences_pages;
mod list_import;
mod list_import_page;
mod lists;
mod logs;
mod notices;
mod pages;
mod pages_applications;
mod pages_bundles;
mod pages_flows;
mod pages_mandates;
mod pages_walk_in;
mod security;
mod support;
mod upstream;
