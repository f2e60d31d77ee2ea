//! 政务服务"好差评": the rating levels, channels and stages (GB/T 39046 表9, A.8), the
//! versioned option sets, the facts an evaluation and its 差评 loop record in the event log, and
//! the loop's state machine.
//!
//! The payload types here are the contract between the evaluation use cases, which write these
//! events, and the indicator projector, which reads them (docs/evaluations-and-indicators.md).

mod codes;
mod events;
mod options;
mod rectification;
#[cfg(test)]
mod rectification_tests;

pub use codes::{EvalChannel, EvalStage, Satisfaction};
pub use events::{RatedFacts, RectificationEvent, RectificationOpened, RectificationRecord};
pub use options::{CURRENT_OPTION_SET, EvalOption, OPTION_SET_V1, OptionSet};
pub use rectification::{
    ESCALATION_ROLE, LoopActor, LoopCommand, LoopRefusal, LoopState, Rectification,
    RectificationDeadlines, may_decide_appeal,
};
