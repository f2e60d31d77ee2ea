//! Durability of the real `tongban` process: killed with SIGKILL at random moments under write
//! load it loses no acknowledged write and leaves nothing half-written; `tongban backup` copies a
//! live database into one that opens, verifies and holds everything acknowledged before it.
//! Also: the logs of a real `tongban demo` run hold no personal data or secrets.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod backup;
mod crash;
mod demo_logs;
mod load;
mod seed;
mod server;
mod sql;
