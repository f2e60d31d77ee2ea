//! The five rating levels with their GB/T 39046 A.8 满意度代码, the 评价渠道 and the stage a
//! rating is given at.

use serde::{Deserialize, Serialize};

/// 满意度: five levels; the stored code is GB/T 39046 A.8's, where 1 = 非常满意 and
/// 5 = 非常不满意 (the reverse of a star display, so never store stars).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum Satisfaction {
    VerySatisfied,
    Satisfied,
    BasicallySatisfied,
    Dissatisfied,
    VeryDissatisfied,
}

impl Satisfaction {
    pub const ALL: [Satisfaction; 5] = [
        Satisfaction::VerySatisfied,
        Satisfaction::Satisfied,
        Satisfaction::BasicallySatisfied,
        Satisfaction::Dissatisfied,
        Satisfaction::VeryDissatisfied,
    ];

    /// The GB/T 39046 A.8 满意度代码 (1..=5).
    pub fn code(self) -> u8 {
        match self {
            Satisfaction::VerySatisfied => 1,
            Satisfaction::Satisfied => 2,
            Satisfaction::BasicallySatisfied => 3,
            Satisfaction::Dissatisfied => 4,
            Satisfaction::VeryDissatisfied => 5,
        }
    }

    pub fn from_code(code: u8) -> Option<Satisfaction> {
        Satisfaction::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Satisfaction::VerySatisfied => "非常满意",
            Satisfaction::Satisfied => "满意",
            Satisfaction::BasicallySatisfied => "基本满意",
            Satisfaction::Dissatisfied => "不满意",
            Satisfaction::VeryDissatisfied => "非常不满意",
        }
    }

    /// 差评: the last two levels.
    pub fn is_bad(self) -> bool {
        matches!(
            self,
            Satisfaction::Dissatisfied | Satisfaction::VeryDissatisfied
        )
    }

    /// 好评: the first three levels.
    pub fn is_good(self) -> bool {
        !self.is_bad()
    }
}

impl TryFrom<u8> for Satisfaction {
    type Error = String;
    fn try_from(code: u8) -> Result<Self, Self::Error> {
        Satisfaction::from_code(code).ok_or_else(|| format!("满意度代码应为 1 到 5，收到 {code}"))
    }
}

impl From<Satisfaction> for u8 {
    fn from(s: Satisfaction) -> u8 {
        s.code()
    }
}

/// 评价渠道 (GB/T 39046 表9): the channel values of the standard, plus a call recorded by staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvalChannel {
    /// PC端.
    Pc,
    /// 移动服务端.
    Mobile,
    /// 二维码 at the window.
    QrCode,
    /// 政务大厅平板电脑.
    HallTablet,
    /// 短信 (the link in the invitation SMS).
    Sms,
    /// 电话: a call, recorded by a member of staff.
    Phone,
}

impl EvalChannel {
    pub const ALL: [EvalChannel; 6] = [
        EvalChannel::Pc,
        EvalChannel::Mobile,
        EvalChannel::QrCode,
        EvalChannel::HallTablet,
        EvalChannel::Sms,
        EvalChannel::Phone,
    ];

    pub fn code(self) -> &'static str {
        match self {
            EvalChannel::Pc => "pc",
            EvalChannel::Mobile => "mobile",
            EvalChannel::QrCode => "qr_code",
            EvalChannel::HallTablet => "hall_tablet",
            EvalChannel::Sms => "sms",
            EvalChannel::Phone => "phone",
        }
    }

    pub fn parse(code: &str) -> Option<EvalChannel> {
        EvalChannel::ALL.into_iter().find(|c| c.code() == code)
    }

    /// The 评价渠道 value as GB/T 39046 writes it.
    pub fn name_zh(self) -> &'static str {
        match self {
            EvalChannel::Pc => "PC端",
            EvalChannel::Mobile => "移动服务端",
            EvalChannel::QrCode => "二维码",
            EvalChannel::HallTablet => "政务大厅平板电脑",
            EvalChannel::Sms => "短信",
            EvalChannel::Phone => "电话",
        }
    }
}

/// What is rated: a stage of an application (一事一评) or one window service (一次一评).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvalStage {
    /// 受理 (收件) of an application.
    Accepted,
    /// 办结 of an application.
    Completed,
    /// One service at a hall window (一次一评), with or without an application.
    WindowService,
}

impl EvalStage {
    pub const ALL: [EvalStage; 3] = [
        EvalStage::Accepted,
        EvalStage::Completed,
        EvalStage::WindowService,
    ];

    pub fn code(self) -> &'static str {
        match self {
            EvalStage::Accepted => "accepted",
            EvalStage::Completed => "completed",
            EvalStage::WindowService => "window_service",
        }
    }

    pub fn parse(code: &str) -> Option<EvalStage> {
        EvalStage::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            EvalStage::Accepted => "受理环节",
            EvalStage::Completed => "办结环节",
            EvalStage::WindowService => "窗口服务",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn satisfaction_codes_follow_gbt_39046_a8_with_one_for_very_satisfied() {
        assert_eq!(Satisfaction::VerySatisfied.code(), 1);
        assert_eq!(Satisfaction::VeryDissatisfied.code(), 5);
        for s in Satisfaction::ALL {
            assert_eq!(Satisfaction::from_code(s.code()), Some(s));
        }
        assert_eq!(Satisfaction::from_code(0), None);
        assert_eq!(Satisfaction::from_code(6), None);
    }

    #[test]
    fn only_the_last_two_levels_are_bad_ratings() {
        let bad: Vec<_> = Satisfaction::ALL
            .into_iter()
            .filter(|s| s.is_bad())
            .collect();
        assert_eq!(
            bad,
            vec![Satisfaction::Dissatisfied, Satisfaction::VeryDissatisfied]
        );
    }

    #[test]
    fn satisfaction_is_serialised_as_its_code() {
        assert_eq!(
            serde_json::to_string(&Satisfaction::Satisfied).unwrap(),
            "2"
        );
        assert!(serde_json::from_str::<Satisfaction>("7").is_err());
    }
}
