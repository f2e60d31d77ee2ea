//! What the case pages share: the flat action form every case button posts (with the revision
//! the page showed), its mapping to the API's tagged action, the generic application fields,
//! and the case's status and timeline in words.

use serde::Deserialize;
use tongban_app::AppError;
use tongban_app::applications::ApplicationView;

use super::form::{Errors, beijing_time, t};
use crate::api::applications::ActionDto;

/// The generic fields every application form asks for (stored in the case's `form`).
pub const FIELDS: [(&str, &str); 3] = [
    ("applicant", "case.field.applicant"),
    ("phone", "case.field.phone"),
    ("description", "case.field.description"),
];

/// The fields of one case form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DraftForm {
    #[serde(default)]
    pub revision: String,
    #[serde(default)]
    pub applicant: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub description: String,
    /// The 告知承诺 checkbox ("1" when ticked).
    #[serde(default)]
    pub commit: String,
    /// `save` (保存草稿) or `check` (下一步：核对).
    #[serde(default)]
    pub next: String,
    /// The 长者版 step this answer belongs to ('' for the whole form).
    #[serde(default)]
    pub step: String,
}

impl DraftForm {
    /// Checks the fields; `complete` also requires what submitting needs.
    pub fn check(&self, complete: bool) -> Errors {
        let mut errors = Errors::none();
        let phone = self.phone.trim();
        let well_formed = (7..=13).contains(&phone.len())
            && phone.chars().all(|c| c.is_ascii_digit() || c == '-');
        if !phone.is_empty() && !well_formed {
            errors.add("phone", t("case.error.phone"));
        }
        if complete && self.applicant.trim().is_empty() {
            errors.add("applicant", t("case.error.applicant"));
        }
        if complete && phone.is_empty() {
            errors.add("phone", t("case.error.phone_missing"));
        }
        if self.description.chars().count() > 500 {
            errors.add("description", t("case.error.description"));
        }
        errors
    }

    pub fn form(&self) -> std::collections::BTreeMap<String, String> {
        [
            ("applicant", &self.applicant),
            ("phone", &self.phone),
            ("description", &self.description),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.trim().to_string()))
        .collect()
    }
}

/// One action button's form, as posted: `action`, `revision` and the action's fields.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub revision: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub opinion: String,
    #[serde(default)]
    pub note: String,
    /// One per line (补正 items, 容缺 materials, accounts).
    #[serde(default)]
    pub lines: String,
    #[serde(default)]
    pub deadline: String,
    #[serde(default)]
    pub mode: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub step: String,
    #[serde(default)]
    pub account: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub result: String,
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub hall_id: String,
    #[serde(default)]
    pub tracking_number: String,
    #[serde(default)]
    pub truthful: String,
    /// A standard reason picked for a refusal (its text; empty for "other").
    #[serde(default)]
    pub pick: String,
    /// The item's legal basis (设定依据) cited by a refusal; empty when not cited.
    #[serde(default)]
    pub basis: String,
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

impl ActionForm {
    /// The reason a refusal carries: the standard reason picked, the legal basis cited and
    /// what was typed, in that order. Empty when neither a reason was picked nor typed (a
    /// cited basis alone is no reason), so that the case refuses it.
    pub fn composed_reason(&self) -> String {
        let pick = self.pick.trim();
        let typed = self.reason.trim();
        if pick.is_empty() && typed.is_empty() {
            return String::new();
        }
        let basis = self.basis.trim();
        let cited = (!basis.is_empty()).then(|| format!("{}{basis}", t("work_case.basis_prefix")));
        [Some(pick.to_string()), cited, Some(typed.to_string())]
            .into_iter()
            .flatten()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("；")
    }

    pub fn revision(&self) -> Option<u64> {
        self.revision.trim().parse().ok()
    }

    /// The API's action for this form; an unknown action is a form error.
    pub fn to_action(&self) -> Result<ActionDto, AppError> {
        let f = self.clone();
        Ok(match f.action.as_str() {
            "submit" => ActionDto::Submit,
            "supply_correction" => ActionDto::SupplyCorrection,
            "resubmit" => ActionDto::Resubmit { note: f.note },
            "withdraw" => ActionDto::Withdraw { reason: f.reason },
            "accept" | "accept_incomplete" | "accept_commitment" => ActionDto::Accept {
                mode: match f.action.as_str() {
                    "accept_incomplete" => "incomplete".into(),
                    "accept_commitment" => "commitment".into(),
                    _ => "normal".into(),
                },
                missing: lines(&f.lines),
                deadline: Some(f.deadline).filter(|d| !d.trim().is_empty()),
            },
            "request_correction" => ActionDto::RequestCorrection {
                items: lines(&f.lines),
            },
            "refuse_acceptance" => ActionDto::RefuseAcceptance {
                reason: self.composed_reason(),
            },
            "approve" => ActionDto::Approve { opinion: f.opinion },
            "refuse" => ActionDto::Refuse {
                reason: self.composed_reason(),
            },
            "return" => ActionDto::Return {
                to: f.to,
                step: f.step.trim().parse().ok(),
                reason: f.reason,
            },
            "transfer" => ActionDto::Transfer {
                to_account: f.account,
                reason: f.reason,
            },
            "countersign" => ActionDto::Countersign {
                mode: f.mode,
                signers: lines(&f.lines),
            },
            "add_signer" => ActionDto::AddSigner { account: f.account },
            "copy_to" => ActionDto::CopyTo {
                accounts: lines(&f.lines),
            },
            "start_special" => ActionDto::StartSpecial {
                kind: f.kind,
                reason: f.reason,
            },
            "end_special" => ActionDto::EndSpecial { result: f.result },
            "extend" => ActionDto::Extend { reason: f.reason },
            "deliver" => ActionDto::Deliver {
                method: f.method,
                hall_id: f.hall_id,
                tracking_number: f.tracking_number,
            },
            "verify_commitment" => ActionDto::VerifyCommitment {
                truthful: f.truthful == "1",
                note: f.note,
            },
            "urge" => ActionDto::Urge { note: f.note },
            "supply_missing" => ActionDto::SupplyMissing,
            _ => {
                return Err(AppError::field(
                    "action",
                    "application.bad_action",
                    t("case.error.action"),
                ));
            }
        })
    }
}

/// One line of the timeline.
#[derive(Debug, Clone)]
pub struct HistoryRow {
    pub when: String,
    pub what: String,
    pub note: String,
    pub step: String,
    pub actor: String,
}

pub fn history(v: &ApplicationView, show_actor: bool) -> Vec<HistoryRow> {
    v.app
        .history
        .iter()
        .map(|h| HistoryRow {
            when: beijing_time(h.at_ms),
            what: h.what.clone(),
            note: h.note.clone(),
            step: h.step.clone(),
            actor: if show_actor {
                v.actor_names
                    .get(&h.actor)
                    .cloned()
                    .unwrap_or_else(|| h.actor.clone())
            } else {
                String::new()
            },
        })
        .collect()
}

/// "剩余 6 个工作日" / "已超期 2 个工作日" / "计时暂停"; empty when no clock runs.
pub fn remaining_text(v: &ApplicationView) -> String {
    if v.paused {
        return t("case.paused").to_string();
    }
    match v.remaining_days {
        Some(d) if d < 0 => format!("{} {} {}", t("case.overdue_by"), -d, t("item.working_days")),
        Some(d) => format!("{} {} {}", t("case.remaining"), d, t("item.working_days")),
        None => String::new(),
    }
}

/// The status line: "审查中 · 剩余 6 个工作日 · 承办：巴州区市场监管局".
pub fn status_line(v: &ApplicationView, department: &str) -> String {
    let mut parts = vec![if v.step_zh.is_empty() || v.app.status.is_closed() {
        v.status_zh.to_string()
    } else {
        format!("{}（{}）", v.status_zh, v.step_zh)
    }];
    let left = remaining_text(v);
    if !left.is_empty() && !v.app.status.is_closed() {
        parts.push(left);
    }
    parts.push(format!("{}{department}", t("case.handled_by")));
    parts.join(" · ")
}

/// An attached file as a page lists it.
#[derive(Debug, Clone)]
pub struct FileRow {
    pub blob_id: String,
    pub file_name: String,
    pub size: String,
    pub media_type: String,
    /// A licence attached instead of a file (免提交): the holder's page of it, else ''.
    pub licence_href: String,
}

/// A material with its files.
#[derive(Debug, Clone)]
pub struct MaterialSlot {
    pub index: usize,
    pub name: String,
    pub required: bool,
    pub files: Vec<FileRow>,
}

fn size_text(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// The case's required materials, then any other material that has a file.
pub fn materials(v: &ApplicationView) -> Vec<MaterialSlot> {
    let mut names: Vec<(String, bool)> = v
        .app
        .required_materials
        .iter()
        .map(|m| (m.clone(), true))
        .collect();
    for m in &v.app.materials {
        if !names.iter().any(|(n, _)| n == &m.material) {
            names.push((m.material.clone(), false));
        }
    }
    names
        .into_iter()
        .enumerate()
        .map(|(index, (name, required))| MaterialSlot {
            index,
            files: v
                .app
                .materials
                .iter()
                .filter(|m| m.material == name)
                .map(|m| FileRow {
                    blob_id: m.blob_id.clone(),
                    file_name: m.file_name.clone(),
                    size: size_text(m.size),
                    media_type: m.media_type.clone(),
                    licence_href: m
                        .licence_id
                        .as_deref()
                        .map(super::licence_cards::wallet_path)
                        .unwrap_or_default(),
                })
                .collect(),
            name,
            required,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_number_with_letters_is_refused_next_to_its_field() {
        let form = DraftForm {
            phone: "138abc".into(),
            ..DraftForm::default()
        };
        assert!(form.check(false).on("phone").is_some());
        let complete = DraftForm {
            applicant: "张三".into(),
            phone: "13800000000".into(),
            ..DraftForm::default()
        };
        assert!(!complete.check(true).any());
    }

    #[test]
    fn an_incomplete_acceptance_form_lists_one_missing_material_per_line() {
        let form = ActionForm {
            action: "accept_incomplete".into(),
            lines: "营业执照\n\n  法人身份证  \n".into(),
            deadline: "2026-12-10".into(),
            ..ActionForm::default()
        };
        let ActionDto::Accept { mode, missing, .. } = form.to_action().unwrap() else {
            panic!("not an acceptance")
        };
        assert_eq!(mode, "incomplete");
        assert_eq!(missing, ["营业执照", "法人身份证"]);
        assert!(
            ActionForm {
                action: "nonsense".into(),
                ..ActionForm::default()
            }
            .to_action()
            .is_err()
        );
    }

    #[test]
    fn a_refusal_reason_is_the_picked_reason_the_cited_basis_and_the_typed_words() {
        let form = ActionForm {
            action: "refuse".into(),
            pick: "不符合法定条件".into(),
            basis: "《中华人民共和国行政许可法》第三十八条".into(),
            reason: "  经营场所面积不足  ".into(),
            ..ActionForm::default()
        };
        let ActionDto::Refuse { reason } = form.to_action().unwrap() else {
            panic!("not a refusal")
        };
        assert_eq!(
            reason,
            "不符合法定条件；依据《中华人民共和国行政许可法》第三十八条；经营场所面积不足"
        );
        let only_basis = ActionForm {
            basis: "《某法》".into(),
            ..ActionForm::default()
        };
        assert_eq!(
            only_basis.composed_reason(),
            "",
            "a basis alone is no reason"
        );
        let typed = ActionForm {
            reason: "申请人自行说明".into(),
            ..ActionForm::default()
        };
        assert_eq!(typed.composed_reason(), "申请人自行说明");
    }

    #[test]
    fn sizes_read_in_kilobytes_and_megabytes() {
        assert_eq!(size_text(67), "1 KB");
        assert_eq!(size_text(3 * 1024 * 1024), "3.0 MB");
    }
}
