//! 政务服务"好差评": the rating levels, channels and stages (GB/T 39046 表9, A.8) and the facts
//! an evaluation and its 差评 loop record in the event log.
//!
//! The payload types here are the contract between the evaluation use cases, which write these
//! events, and the indicator projector, which reads them (docs/evaluations-and-indicators.md).

mod codes;
mod events;

pub use codes::{EvalChannel, EvalStage, Satisfaction};
pub use events::{RatedFacts, RectificationEvent, RectificationOpened, RectificationRecord};
