//! Compact row types of the demo catalogue tables and the small code sets they use.

use tongban_domain::catalog::{ServiceObject, Theme};

use super::materials::MatDef;
use crate::AdminLevel;

/// 行使层级 of a table row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lv {
    /// 市级: implemented by the city department, handled at the city centre.
    C,
    /// 县级: implemented by a county department, handled at its county centre.
    X,
    /// 镇(乡、街道)级: implemented by a county department, handled at its township centres.
    T,
}

impl Lv {
    pub(crate) fn admin_level(self) -> AdminLevel {
        match self {
            Lv::C => AdminLevel::City,
            Lv::X => AdminLevel::County,
            Lv::T => AdminLevel::Township,
        }
    }
}

/// 服务对象 shorthand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Obj {
    /// 自然人.
    P,
    /// 企业法人.
    E,
    /// 自然人和企业法人.
    B,
    /// Organisations: enterprises, public institutions and social organisations.
    O,
    /// 社会组织法人.
    S,
}

impl Obj {
    pub(crate) fn objects(self) -> Vec<ServiceObject> {
        use ServiceObject as S;
        match self {
            Obj::P => vec![S::Person],
            Obj::E => vec![S::Enterprise],
            Obj::B => vec![S::Person, S::Enterprise],
            Obj::O => vec![
                S::Enterprise,
                S::PublicInstitution,
                S::SocialOrganisation,
                S::OtherOrganisation,
            ],
            Obj::S => vec![S::SocialOrganisation],
        }
    }
}

/// Variant flags: besides the base entry, also list its （变更）, （延续）, （注销）, （补证） 业务办理项.
pub(crate) const BG: u8 = 1;
pub(crate) const YX: u8 = 2;
pub(crate) const ZX: u8 = 4;
pub(crate) const BZ: u8 = 8;

/// The variant suffixes in code order (子项 001, 002, …).
pub(crate) const VARIANTS: [(u8, &str); 4] =
    [(BG, "变更"), (YX, "延续"), (ZX, "注销"), (BZ, "补证")];

/// A licensing row: name, level, variant flags, 法定时限 (working days, 0 = 即办), 服务对象,
/// the item's own legal basis, everyday aliases.
pub(crate) type LicRow = (
    &'static str,
    Lv,
    u8,
    u32,
    Obj,
    &'static str,
    &'static [&'static str],
);

/// The licensing rows of one department kind (by slug).
pub(crate) struct LicDept {
    pub slug: &'static str,
    pub rows: &'static [LicRow],
}

/// What a department kind's items have in common.
pub(crate) struct Profile {
    pub slug: &'static str,
    pub themes: &'static [Theme],
    /// 受理条件 sentences; each item takes one to three.
    pub conditions: &'static [&'static str],
    /// 特别程序 that may apply; items take at most one.
    pub specials: &'static [&'static str],
    /// Department-specific materials; each item takes one to three.
    pub pool: &'static [MatDef],
}

/// A public-service row: name, department slug, level, 法定时限, 承诺时限, online level (1–4),
/// 服务对象, themes, aliases, legal basis, 受理条件, materials.
pub(crate) type PubRow = (
    &'static str,
    &'static str,
    Lv,
    u32,
    u32,
    u8,
    Obj,
    &'static [Theme],
    &'static [&'static str],
    &'static str,
    &'static str,
    &'static [MatDef],
);
