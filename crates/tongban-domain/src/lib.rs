//! Tongban domain core: the pure rules of a Chinese government-services platform.
//!
//! This crate holds everything that can be decided without touching the outside
//! world: validation of citizen and enterprise identifiers (公民身份号码 per
//! GB 11643-1999, 统一社会信用代码 per GB 32100-2015, 12-digit 行政区划代码),
//! staff roles, masking of personal data for display, SM3/HMAC-SM3 hashing, the
//! pure part of the hash-chained audit log, and the statutory working-day
//! calendar (国务院办公厅 holiday notices) with a pausable, extendable deadline
//! clock that explains its own arithmetic. Nothing here performs I/O or reads
//! the clock: "today" is always a parameter, so every rule is deterministic and
//! testable.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod application;
pub mod audit;
pub mod calendar;
pub mod catalog;
pub mod crypto;
pub mod division;
pub mod evaluation;
pub mod indicators;
pub mod licence;
pub mod lists;
pub mod mask;
pub mod pii;
pub mod resident_id;
pub mod role;
pub mod uscc;

pub use audit::{
    ChainBreak, ChainBreakKind, ChainSummary, ChainVerifier, EventRecord, GENESIS_HASH, event_hash,
    verify_chain,
};
pub use calendar::clock::{DeadlineClock, DueDate, Pause};
pub use calendar::{CalendarError, CalendarYear, DayInfo, DayReason, WorkCalendar, WorkingDays};
pub use crypto::{hmac_sm3, sm3};
pub use division::{AdminLevel, DivisionCode, DivisionError};
pub use mask::{mask_address, mask_email, mask_name, mask_phone};
pub use resident_id::{ResidentIdError, ResidentIdNumber};
pub use role::{AccountKind, Role};
pub use uscc::{Uscc, UsccError};
