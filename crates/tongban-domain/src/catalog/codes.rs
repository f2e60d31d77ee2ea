//! The code lists of the catalogue (GB/T 39046 Appendix A and the national item library),
//! each with a stable code and its Chinese name.

use serde::{Deserialize, Serialize};

/// Declares a code list: variants with their stored code and Chinese name.
macro_rules! code_list {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal, $zh:literal;)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub enum $name { $($variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The stored code.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),* }
            }

            pub fn name_zh(self) -> &'static str {
                match self { $($name::$variant => $zh),* }
            }

            pub fn parse(code: &str) -> Option<$name> {
                match code { $($code => Some($name::$variant),)* _ => None }
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(code: String) -> Result<Self, Self::Error> {
                $name::parse(&code).ok_or_else(|| format!("未知的{}代码：{code}", stringify!($name)))
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.code().to_string()
            }
        }
    };
}

code_list! {
    /// 事项类型 (GB/T 39046 A.1).
    ItemType {
        AdministrativeLicensing = "01", "行政许可";
        AdministrativePenalty = "02", "行政处罚";
        AdministrativeCoercion = "03", "行政强制";
        AdministrativeLevy = "04", "行政征收";
        AdministrativePayment = "05", "行政给付";
        AdministrativeInspection = "06", "行政检查";
        AdministrativeConfirmation = "07", "行政确认";
        AdministrativeReward = "08", "行政奖励";
        AdministrativeRuling = "09", "行政裁决";
        OtherPower = "10", "其他行政权力";
        InternalApproval = "11", "政府内部审批";
        AdministrativeFiling = "12", "行政备案";
        PublicService = "20", "公共服务";
    }
}

code_list! {
    /// 办件类型.
    TransactionKind {
        Immediate = "1", "即办件";
        Promised = "2", "承诺件";
        Other = "9", "其他";
    }
}

code_list! {
    /// 网上办理深度 code set (several may apply).
    OnlineDepth {
        Consultation = "1", "互联网咨询";
        Submission = "2", "互联网收件";
        PreReview = "3", "互联网预审";
        Acceptance = "4", "互联网受理";
        Handling = "5", "互联网办理";
        ResultFeedback = "6", "互联网办理结果信息反馈";
        LicenceFeedback = "7", "互联网电子证照反馈";
        Other = "8", "其他";
    }
}

code_list! {
    /// 网上办理深度 level Ⅰ–Ⅳ.
    OnlineLevel {
        One = "1", "Ⅰ级（网上咨询，现场办理）";
        Two = "2", "Ⅱ级（网上预审）";
        Three = "3", "Ⅲ级（网上受理办理，最多跑一次）";
        Four = "4", "Ⅳ级（全程网办，零跑动）";
    }
}

code_list! {
    /// 办理渠道.
    Channel {
        Window = "window", "窗口办理";
        Pc = "pc", "电脑端网上办理";
        Phone = "phone", "移动端办理";
        Post = "post", "快递申请";
        PartnerOutlet = "outlet", "合作网点代办";
    }
}

code_list! {
    /// 服务对象 (GB/T 39046).
    ServiceObject {
        Person = "1", "自然人";
        Enterprise = "2", "企业法人";
        PublicInstitution = "3", "事业法人";
        SocialOrganisation = "4", "社会组织法人";
        Government = "5", "行政机关";
        OtherOrganisation = "6", "其他组织";
    }
}

code_list! {
    /// Life-event themes (人生大事, 企业全生命周期).
    Theme {
        Birth = "birth", "出生";
        School = "school", "入学";
        Work = "work", "就业";
        Marriage = "marriage", "婚育";
        Housing = "housing", "住房";
        SocialSecurity = "social_security", "社保";
        Business = "business", "开办企业";
        Construction = "construction", "工程建设";
        Retirement = "retirement", "退休";
        AfterDeath = "after_death", "身后事";
    }
}
