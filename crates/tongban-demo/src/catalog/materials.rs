//! Material templates (申请材料) shared by the demo catalogue tables, and their conversion to [`Material`].

use tongban_domain::catalog::Material;

/// 来源渠道 of a material.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Src {
    /// 申请人自备.
    Own,
    /// 政府部门核发.
    Gov,
    /// 其他 (third parties such as hospitals, banks or qualified agencies).
    Other,
}

/// What the item may do with a missing material.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flag {
    /// Always required, no leniency.
    Plain,
    /// 可容缺: may follow after acceptance where the item allows 容缺受理.
    Missable,
    /// 可承诺: a written commitment may replace it where the item practises 告知承诺.
    Commitable,
    /// Only needed in some cases.
    Optional,
}

/// A material template.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MatDef {
    pub name: &'static str,
    /// Electronic-licence type that can stand in for it ("" = none).
    pub licence: &'static str,
    pub src: Src,
    pub flag: Flag,
}

/// Prepared by the applicant.
pub(crate) const fn own(name: &'static str) -> MatDef {
    MatDef {
        name,
        licence: "",
        src: Src::Own,
        flag: Flag::Plain,
    }
}

/// Issued by a government department, replaceable by the electronic licence `licence`.
pub(crate) const fn gov(name: &'static str, licence: &'static str) -> MatDef {
    MatDef {
        name,
        licence,
        src: Src::Gov,
        flag: Flag::Plain,
    }
}

/// Issued by a third party (hospital, bank, qualified agency).
pub(crate) const fn other(name: &'static str) -> MatDef {
    MatDef {
        name,
        licence: "",
        src: Src::Other,
        flag: Flag::Plain,
    }
}

/// May follow after acceptance (容缺).
pub(crate) const fn miss(name: &'static str) -> MatDef {
    MatDef {
        name,
        licence: "",
        src: Src::Own,
        flag: Flag::Missable,
    }
}

/// May be replaced by a written commitment (告知承诺).
pub(crate) const fn commit(name: &'static str) -> MatDef {
    MatDef {
        name,
        licence: "",
        src: Src::Own,
        flag: Flag::Commitable,
    }
}

/// Needed only in some cases.
pub(crate) const fn opt(name: &'static str) -> MatDef {
    MatDef {
        name,
        licence: "",
        src: Src::Own,
        flag: Flag::Optional,
    }
}

pub(crate) const ID_CARD: MatDef = gov("居民身份证", "居民身份证");
pub(crate) const HUKOU: MatDef = gov("居民户口簿", "居民户口簿");
pub(crate) const MARRIAGE: MatDef = gov("结婚证", "结婚证");
pub(crate) const BIRTH_CERT: MatDef = gov("出生医学证明", "出生医学证明");
pub(crate) const BUSINESS_LICENCE: MatDef = gov("营业执照", "营业执照");
pub(crate) const PROPERTY: MatDef = gov("不动产权证书", "不动产权证书");
pub(crate) const SOCIAL_CARD: MatDef = gov("社会保障卡", "社会保障卡");
pub(crate) const PHOTO: MatDef = own("近期免冠彩色证件照片");
pub(crate) const BANK_CARD: MatDef = other("本人银行账户（银行卡）");
pub(crate) const DEATH_PROOF: MatDef = other("居民死亡医学证明（推断）书");
pub(crate) const SITE_PROOF: MatDef = commit("经营场所使用证明（产权证明或租赁合同）");
pub(crate) const COMMITMENT: MatDef = commit("告知承诺书");
pub(crate) const LEGAL_REP_ID: MatDef = gov("法定代表人（负责人）居民身份证", "居民身份证");

/// Application form named after the item.
pub(crate) fn application_form(item_name: &str) -> Material {
    let base = match item_name.rfind('（') {
        Some(i) if item_name.ends_with('）') => &item_name[..i],
        _ => item_name,
    };
    Material {
        name: format!("{base}申请表"),
        required: true,
        form: "纸质或电子".into(),
        source: "申请人自备".into(),
        originals: 1,
        copies: 0,
        licence_type: None,
        may_be_missing: false,
        may_be_committed: false,
        note: "可在网上办理时在线填写".into(),
    }
}

/// Converts a template for an item with the given leniency flags.
pub(crate) fn material(def: &MatDef, incomplete_ok: bool, commitment_ok: bool) -> Material {
    let may_be_missing = def.flag == Flag::Missable && incomplete_ok;
    let may_be_committed = def.flag == Flag::Commitable && commitment_ok;
    let (form, source, originals, copies) = match def.src {
        Src::Own => ("纸质或电子", "申请人自备", 1, 0),
        Src::Gov => ("纸质或电子证照", "政府部门核发", 1, 1),
        Src::Other => ("纸质", "其他", 1, 0),
    };
    let mut notes = Vec::new();
    if !def.licence.is_empty() {
        notes.push("可用电子证照免提交");
    }
    if def.src == Src::Gov {
        notes.push("核验原件后当场退还");
    }
    if may_be_missing {
        notes.push("可容缺受理，须在 5 个工作日内补正");
    }
    if may_be_committed {
        notes.push("可以书面承诺代替");
    }
    if def.flag == Flag::Optional {
        notes.push("涉及时提供");
    }
    Material {
        name: def.name.into(),
        required: def.flag != Flag::Optional,
        form: form.into(),
        source: source.into(),
        originals,
        copies,
        licence_type: (!def.licence.is_empty()).then(|| def.licence.to_string()),
        may_be_missing,
        may_be_committed,
        note: notes.join("；"),
    }
}
