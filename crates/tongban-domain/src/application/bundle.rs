//! 一件事一次办: bundles of items that one life event needs, applied for with one form and
//! one set of materials, fanned out to each department's item with mapped fields; each part
//! keeps its own clock, and the bundle has a combined status.

use serde::{Deserialize, Serialize};

use super::state::{Application, Status};

/// A field of a bundle's one form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleField {
    pub key: String,
    pub label: String,
    pub required: bool,
}

/// One item of a bundle and how the bundle's fields map onto its form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundlePart {
    /// The item's name in the catalogue (the published item of that name is used).
    pub item_name: String,
    /// (bundle field, the part's form field).
    pub field_map: Vec<(String, String)>,
}

/// A bundle definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleDef {
    pub code: String,
    pub name: String,
    pub summary: String,
    pub fields: Vec<BundleField>,
    pub parts: Vec<BundlePart>,
}

fn field(key: &str, label: &str, required: bool) -> BundleField {
    BundleField {
        key: key.into(),
        label: label.into(),
        required,
    }
}

fn part(item_name: &str, map: &[(&str, &str)]) -> BundlePart {
    BundlePart {
        item_name: item_name.into(),
        field_map: map
            .iter()
            .map(|(a, b)| ((*a).to_string(), (*b).to_string()))
            .collect(),
    }
}

/// The bundles Tongban ships: 新生儿出生一件事 and 开办企业一件事.
pub fn builtin_bundles() -> Vec<BundleDef> {
    vec![
        BundleDef {
            code: "newborn".into(),
            name: "新生儿出生一件事".into(),
            summary:
                "出生医学证明、户口登记、医保参保、社保卡申领、预防接种证，一次申请，一次提交材料"
                    .into(),
            fields: vec![
                field("baby_name", "新生儿姓名", true),
                field("baby_birth_date", "出生日期", true),
                field("mother_name", "母亲姓名", true),
                field("father_name", "父亲姓名", false),
                field("contact_phone", "联系电话", true),
                field("address", "户籍地址", true),
            ],
            parts: vec![
                part(
                    "出生医学证明签发",
                    &[
                        ("baby_name", "新生儿姓名"),
                        ("baby_birth_date", "出生日期"),
                        ("mother_name", "母亲姓名"),
                        ("father_name", "父亲姓名"),
                    ],
                ),
                part(
                    "出生登记（新生儿落户）",
                    &[
                        ("baby_name", "申报人姓名"),
                        ("baby_birth_date", "出生日期"),
                        ("address", "落户地址"),
                        ("contact_phone", "联系电话"),
                    ],
                ),
                part(
                    "新生儿参加城乡居民基本医疗保险",
                    &[
                        ("baby_name", "参保人姓名"),
                        ("address", "户籍地址"),
                        ("contact_phone", "联系电话"),
                    ],
                ),
                part(
                    "社会保障卡申领",
                    &[
                        ("baby_name", "申领人姓名"),
                        ("contact_phone", "联系电话"),
                        ("address", "邮寄地址"),
                    ],
                ),
                part(
                    "预防接种证办理",
                    &[
                        ("baby_name", "儿童姓名"),
                        ("baby_birth_date", "出生日期"),
                        ("mother_name", "监护人姓名"),
                        ("contact_phone", "联系电话"),
                    ],
                ),
            ],
        },
        BundleDef {
            code: "business".into(),
            name: "开办企业一件事".into(),
            summary: "企业设立登记、职工社会保险登记、住房公积金缴存登记，一表申请，一次提交材料"
                .into(),
            fields: vec![
                field("company_name", "企业名称", true),
                field("legal_rep", "法定代表人", true),
                field("address", "住所", true),
                field("capital", "注册资本（万元）", true),
                field("employees", "职工人数", false),
                field("contact_phone", "联系电话", true),
            ],
            parts: vec![
                part(
                    "企业设立登记",
                    &[
                        ("company_name", "企业名称"),
                        ("legal_rep", "法定代表人"),
                        ("address", "住所"),
                        ("capital", "注册资本"),
                        ("contact_phone", "联系电话"),
                    ],
                ),
                part(
                    "职工基本养老保险参保登记",
                    &[
                        ("company_name", "单位名称"),
                        ("employees", "参保人数"),
                        ("contact_phone", "联系电话"),
                    ],
                ),
                part(
                    "住房公积金单位缴存登记",
                    &[
                        ("company_name", "单位名称"),
                        ("address", "单位地址"),
                        ("employees", "缴存人数"),
                        ("contact_phone", "联系电话"),
                    ],
                ),
            ],
        },
    ]
}

/// The combined status of a bundle's parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BundleStatus {
    /// Some parts are still drafts.
    Draft,
    /// Parts are being handled.
    InProgress,
    /// Every part is closed and every decision was a grant.
    Completed,
    /// Every part is closed, and some were refused, not accepted, ended or withdrawn.
    PartlyCompleted,
}

impl BundleStatus {
    pub fn name_zh(self) -> &'static str {
        match self {
            BundleStatus::Draft => "待提交",
            BundleStatus::InProgress => "办理中",
            BundleStatus::Completed => "全部办结",
            BundleStatus::PartlyCompleted => "已办结（部分未通过）",
        }
    }
}

/// Whether a part ended with a grant.
pub fn part_granted(app: &Application) -> bool {
    app.status == Status::Completed && app.outcome.as_ref().is_some_and(|o| o.approved)
}

/// Combines the parts' states.
pub fn combined_status<'a>(parts: impl IntoIterator<Item = &'a Application>) -> BundleStatus {
    let parts: Vec<&Application> = parts.into_iter().collect();
    if parts.iter().any(|a| a.status == Status::Draft) {
        return BundleStatus::Draft;
    }
    if !parts.iter().all(|a| a.status.is_closed()) {
        return BundleStatus::InProgress;
    }
    if parts.iter().all(|a| part_granted(a)) {
        BundleStatus::Completed
    } else {
        BundleStatus::PartlyCompleted
    }
}
