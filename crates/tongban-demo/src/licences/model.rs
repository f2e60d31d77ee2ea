//! Compact row type of the licence-type tables (`types_*`) and the small code sets they use.

use tongban_domain::licence::{HolderKind, Validity};

use super::authorities::Auth;

/// Holder shorthand: 111 公民身份号码.
pub(crate) const P: HolderKind = HolderKind::Person;
/// Holder shorthand: 001 统一社会信用代码.
pub(crate) const O: HolderKind = HolderKind::Organisation;
/// 长期有效.
pub(crate) const FOREVER: Validity = Validity::Permanent;

/// Valid for `n` years.
pub(crate) const fn y(n: u8) -> Validity {
    Validity::Years(n)
}

/// Valid for `n` months.
pub(crate) const fn m(n: u8) -> Validity {
    Validity::Months(n)
}

/// No age limit.
pub(crate) const ANY_AGE: (u8, u8) = (0, u8::MAX);

/// Where the demo city issues a type: the city department, the county counterparts, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum At {
    City,
    County,
    Both,
}

impl At {
    pub(crate) fn city(self) -> bool {
        matches!(self, At::City | At::Both)
    }

    pub(crate) fn county(self) -> bool {
        matches!(self, At::County | At::Both)
    }
}

/// When the licences of the history were issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Issued {
    /// Over the past years (the current licence of its holder).
    Recent,
    /// A few days or weeks after the holder's birth (出生医学证明, 预防接种证).
    AtBirth,
}

/// One face field: key, label and, for fields not derived from the holder, the values drawn.
pub(crate) type Face = (&'static str, &'static str, &'static [&'static str]);

/// A licence type of the demo 证照目录.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TypeDef {
    pub name: &'static str,
    /// The defining authority (证照定义机构).
    pub auth: Auth,
    /// The 3-digit sequence after the authority's credit code.
    pub seq: u16,
    pub holder: HolderKind,
    /// Slug of the department kind that issues it in the demo city.
    pub slug: &'static str,
    pub at: At,
    pub validity: Validity,
    /// Relative share in the licence history.
    pub weight: u32,
    /// 证照编号 template, see `history::number`.
    pub number: &'static str,
    pub face: &'static [Face],
    /// Base names (without 变更/延续/补证) of the catalogue items whose approval issues it.
    pub items: &'static [&'static str],
    /// Material names it stands in for beyond those naming it as their licence type.
    pub replaces: &'static [&'static str],
    /// How many licences of the type one holder may hold at once (vehicles, properties, …).
    pub copies: u8,
    pub issued: Issued,
    /// Ages (on the history's "today") of the citizens who may hold it.
    pub ages: (u8, u8),
}

/// A licence type row: name, authority, sequence, holder kind, issuing department kind, where,
/// validity, weight in the history, number template, face fields.
#[allow(clippy::too_many_arguments)]
pub(crate) const fn t(
    name: &'static str,
    auth: Auth,
    seq: u16,
    holder: HolderKind,
    slug: &'static str,
    at: At,
    validity: Validity,
    weight: u32,
    number: &'static str,
    face: &'static [Face],
) -> TypeDef {
    TypeDef {
        name,
        auth,
        seq,
        holder,
        slug,
        at,
        validity,
        weight,
        number,
        face,
        items: &[],
        replaces: &[],
        copies: 1,
        issued: Issued::Recent,
        ages: ANY_AGE,
    }
}

impl TypeDef {
    /// The catalogue items whose approval issues it.
    pub(crate) const fn items(self, items: &'static [&'static str]) -> Self {
        TypeDef { items, ..self }
    }

    /// Further material names it stands in for.
    pub(crate) const fn replaces(self, replaces: &'static [&'static str]) -> Self {
        TypeDef { replaces, ..self }
    }

    /// One holder may hold up to `copies` at once.
    pub(crate) const fn copies(self, copies: u8) -> Self {
        TypeDef { copies, ..self }
    }

    /// Held only by citizens aged `min..=max`.
    pub(crate) const fn ages(self, min: u8, max: u8) -> Self {
        TypeDef {
            ages: (min, max),
            ..self
        }
    }

    /// Issued around the holder's birth.
    pub(crate) const fn at_birth(self) -> Self {
        TypeDef {
            issued: Issued::AtBirth,
            ..self
        }
    }
}

/// Face fields whose values come from the holder, the issuer or the date (no value list).
pub(crate) const XM: Face = ("KZ_XM", "姓名", &[]);
pub(crate) const XB: Face = ("KZ_XB", "性别", &[]);
pub(crate) const CSRQ: Face = ("KZ_CSRQ", "出生日期", &[]);
pub(crate) const SFZH: Face = ("KZ_GMSFHM", "公民身份号码", &[]);
pub(crate) const ZZ: Face = ("KZ_ZZ", "住址", &[]);
pub(crate) const MC: Face = ("KZ_MC", "名称", &[]);
pub(crate) const XYDM: Face = ("KZ_TYSHXYDM", "统一社会信用代码", &[]);
pub(crate) const FDDBR: Face = ("KZ_FDDBR", "法定代表人", &[]);
pub(crate) const FZR: Face = ("KZ_FZR", "负责人", &[]);
pub(crate) const ZS: Face = ("KZ_ZS", "住所", &[]);
pub(crate) const JYCS: Face = ("KZ_JYCS", "经营场所", &[]);
pub(crate) const FZJG: Face = ("KZ_FZJG", "发证机关", &[]);
