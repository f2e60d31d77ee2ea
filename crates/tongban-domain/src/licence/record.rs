//! A signed electronic licence (电子证照): its holder, issuer, dates, face, and its status.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::Date;

use super::identifier::{LicenceId, LicenceTypeCode};
use super::kind::HolderKind;

/// 持证主体.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    pub name: String,
    pub kind: HolderKind,
    /// 公民身份号码 or 统一社会信用代码.
    pub code: String,
}

/// The facts of a licence that its signature covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenceFacts {
    pub id: LicenceId,
    pub type_code: LicenceTypeCode,
    /// 证照名称.
    pub name: String,
    /// 证照编号 (the number printed on the licence).
    pub number: String,
    pub holder: Holder,
    /// 颁发机构 name and credit code.
    pub issuer_name: String,
    pub issuer_code: String,
    pub issued_on: Date,
    pub valid_from: Date,
    /// `None` = 长期.
    pub valid_until: Option<Date>,
    /// 照面: face field key → value.
    pub face: BTreeMap<String, String>,
}

/// What an issuer has decided about a licence (stored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LicenceState {
    Active,
    /// 暂扣/中止: may be reinstated.
    Suspended,
    /// 注销/撤销: final.
    Revoked,
}

impl LicenceState {
    pub fn as_str(self) -> &'static str {
        match self {
            LicenceState::Active => "active",
            LicenceState::Suspended => "suspended",
            LicenceState::Revoked => "revoked",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(LicenceState::Active),
            "suspended" => Some(LicenceState::Suspended),
            "revoked" => Some(LicenceState::Revoked),
            _ => None,
        }
    }
}

/// What a verifier is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LicenceStatus {
    Valid,
    /// Not yet valid (有效期未开始).
    NotYetValid,
    Expired,
    Suspended,
    Revoked,
}

impl LicenceStatus {
    /// A revoked or suspended state wins over the dates.
    pub fn of(
        state: LicenceState,
        valid_from: Date,
        valid_until: Option<Date>,
        today: Date,
    ) -> Self {
        match state {
            LicenceState::Revoked => LicenceStatus::Revoked,
            LicenceState::Suspended => LicenceStatus::Suspended,
            LicenceState::Active if today < valid_from => LicenceStatus::NotYetValid,
            LicenceState::Active if valid_until.is_some_and(|u| today > u) => {
                LicenceStatus::Expired
            }
            LicenceState::Active => LicenceStatus::Valid,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LicenceStatus::Valid => "valid",
            LicenceStatus::NotYetValid => "not_yet_valid",
            LicenceStatus::Expired => "expired",
            LicenceStatus::Suspended => "suspended",
            LicenceStatus::Revoked => "revoked",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            LicenceStatus::Valid => "有效",
            LicenceStatus::NotYetValid => "未到有效期",
            LicenceStatus::Expired => "已过期",
            LicenceStatus::Suspended => "已暂停",
            LicenceStatus::Revoked => "已注销",
        }
    }
}
