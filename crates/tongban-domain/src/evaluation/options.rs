//! The standard option sets a rater may tick (standards.md §1.2), versioned so a stored rating
//! always names the set it was given against.

/// One option of a set: a stable code and its Chinese label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvalOption {
    pub code: &'static str,
    pub label: &'static str,
}

/// A versioned option set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptionSet {
    pub version: u32,
    /// 线上 content indicators (一事一评 online).
    pub online: &'static [EvalOption],
    /// 线下 indicators (窗口, 一次一评).
    pub offline: &'static [EvalOption],
    /// The question form (问卷式).
    pub questions: &'static [EvalOption],
}

const fn opt(code: &'static str, label: &'static str) -> EvalOption {
    EvalOption { code, label }
}

/// Version 1 of the option sets (GB/T 39046 and the 好差评 implementation rules).
pub const OPTION_SET_V1: OptionSet = OptionSet {
    version: 1,
    online: &[
        opt("efficiency", "办事效率"),
        opt("guide_accuracy", "办事指南精确度"),
        opt("convenience", "办事便捷度"),
        opt("operability", "平台操作性"),
    ],
    offline: &[
        opt("service_efficiency", "服务效率"),
        opt("service_level", "服务水平"),
        opt("service_attitude", "服务态度"),
    ],
    questions: &[
        opt("guidance_clear", "服务指引是否清晰"),
        opt("procedure_convenient", "办事程序是否便利"),
        opt("materials_simplified", "材料手续是否精简"),
        opt("interface_friendly", "操作界面是否友好"),
    ],
};

/// The option set in force.
pub const CURRENT_OPTION_SET: OptionSet = OPTION_SET_V1;

impl OptionSet {
    /// Every option of the set.
    pub fn all(&self) -> impl Iterator<Item = &EvalOption> {
        self.online
            .iter()
            .chain(self.offline.iter())
            .chain(self.questions.iter())
    }

    pub fn label(&self, code: &str) -> Option<&'static str> {
        self.all().find(|o| o.code == code).map(|o| o.label)
    }

    /// The ticked codes, checked against the set, deduplicated, in the set's order.
    pub fn parse_ticked<S: AsRef<str>>(&self, ticked: &[S]) -> Result<Vec<String>, String> {
        for t in ticked {
            if self.label(t.as_ref()).is_none() {
                return Err(format!(
                    "评价选项“{}”不在第{}版选项中",
                    t.as_ref(),
                    self.version
                ));
            }
        }
        Ok(self
            .all()
            .filter(|o| ticked.iter().any(|t| t.as_ref() == o.code))
            .map(|o| o.code.to_string())
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_current_set_has_the_standard_online_offline_and_question_options() {
        let s = CURRENT_OPTION_SET;
        assert_eq!(s.online.len(), 4);
        assert_eq!(s.offline.len(), 3);
        assert_eq!(s.questions.len(), 4);
        assert_eq!(s.label("service_attitude"), Some("服务态度"));
    }

    #[test]
    fn ticked_options_are_checked_and_deduplicated() {
        let s = CURRENT_OPTION_SET;
        assert_eq!(
            s.parse_ticked(&["service_level", "efficiency", "efficiency"])
                .unwrap(),
            vec!["efficiency".to_string(), "service_level".to_string()]
        );
        assert!(s.parse_ticked(&["made_up"]).is_err());
    }
}
