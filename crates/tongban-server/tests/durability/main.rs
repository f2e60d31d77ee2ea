//! Durability of the real `tongban` process: killed with SIGKILL at random moments under write
//! load it loses no acknowledged write and leaves nothing half-written; `tongban backup` copies a
//! live database into one that opens, verifies and holds everything acknowledged before it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod backup;
mod crash;
mod load;
mod seed;
mod server;
mod sql;
