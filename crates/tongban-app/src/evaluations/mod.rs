//! 政务服务"好差评": rating a completed case (一事一评) or a window service (一次一评), the
//! invitation sent when a case is completed, the 差评 closed loop worked by the unit that
//! handled it (and appeals decided one level up), the overdue sweep and the public results.

mod invite;
mod loop_cases;
mod public;
mod rate;
mod seed;
mod window;

use serde::Serialize;
use tongban_domain::evaluation::{EvalChannel, RectificationDeadlines, Satisfaction};
use tongban_domain::{hmac_sm3, sm3};

pub(crate) use invite::Invitation;
pub use loop_cases::{RaterContact, RectificationView};
pub use public::{PublicDepartmentLine, PublicEvaluations, PublicRectification};
pub use rate::RatingReceipt;
pub use seed::EvaluationSeedReport;
pub use window::WindowServiceStarted;

/// Settings of 好差评.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvaluationSettings {
    /// How long an invitation after completion stays valid, in working days (default 5).
    pub invitation_working_days: u32,
    /// How long a window service's QR token stays valid, in minutes (default a day).
    pub window_token_minutes: i64,
    /// The 整改 deadline: 15 working days unless a region overrides it.
    pub deadlines: RectificationDeadlines,
}

impl Default for EvaluationSettings {
    fn default() -> Self {
        EvaluationSettings {
            invitation_working_days: 5,
            window_token_minutes: 24 * 60,
            deadlines: RectificationDeadlines::default(),
        }
    }
}

/// What a rater says: the level, the ticked options, a comment and whether to give their name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RatingInput {
    pub satisfaction: Satisfaction,
    pub options: Vec<String>,
    pub comment: String,
    pub real_name: bool,
    pub channel: EvalChannel,
}

/// A fresh random token (hex) and the SM3 (hex) that is stored in its place.
pub(crate) fn new_token() -> (String, String) {
    let bytes: [u8; 16] = rand::random();
    let token = hex::encode(bytes);
    let stored = token_sm3(&token);
    (token, stored)
}

/// The stored form of a token.
pub fn token_sm3(token: &str) -> String {
    hex::encode(sm3(token.trim().as_bytes()))
}

/// A random id.
pub(crate) fn new_id() -> String {
    let bytes: [u8; 12] = rand::random();
    hex::encode(bytes)
}

impl crate::App {
    /// The keyed hash that stands for a rater (used for once-per-stage checks, never shown).
    pub(crate) fn rater_key(&self, who: &str) -> String {
        hex::encode(hmac_sm3(
            &self.config.secret_key,
            format!("evaluation-rater:{who}").as_bytes(),
        ))
    }

    pub(crate) fn evaluation_settings(&self) -> &EvaluationSettings {
        &self.config.evaluations
    }
}
