//! The events of an application: every change to a case is one of these, recorded with who
//! did it and when, and appended to the hash-chained log.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::Date;

use super::route::RouteStep;
use super::state::{AcceptanceMode, ApplyChannel, AttachedMaterial, DeliveryMethod, SignMode};
use crate::role::AccountKind;

/// What a case is made from: the applicant, the channel and everything it needs from the item
/// version it was made under, so that the case can be rebuilt without the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftFacts {
    pub id: String,
    pub number: String,
    pub item_id: String,
    pub item_version: i64,
    pub item_name: String,
    pub department_id: String,
    pub applicant_account: String,
    pub applicant_kind: AccountKind,
    pub applicant_name: String,
    pub agent_account: Option<String>,
    pub mandate_id: Option<String>,
    pub channel: ApplyChannel,
    /// The hall where a clerk registered the case at a window or outlet; `None` online.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hall_id: Option<String>,
    pub route: Vec<RouteStep>,
    pub legal_limit_days: u32,
    pub promised_limit_days: u32,
    pub immediate: bool,
    pub required_materials: Vec<String>,
    pub may_be_missing: Vec<String>,
    pub may_be_committed: Vec<String>,
    pub allows_incomplete: bool,
    pub allows_commitment: bool,
    pub idempotency_key: Option<String>,
}

/// One change to a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ApplicationEvent {
    Drafted(Box<DraftFacts>),
    DraftSaved {
        form: BTreeMap<String, String>,
    },
    MaterialAttached(AttachedMaterial),
    MaterialRemoved {
        material: String,
        blob_id: String,
    },
    CommitmentSigned {
        text: String,
    },
    Submitted {
        visits_added: u32,
    },
    CorrectionRequested {
        items: Vec<String>,
    },
    CorrectionSupplied,
    NotAccepted {
        reason: String,
    },
    Accepted {
        mode: AcceptanceMode,
        #[serde(default)]
        missing: Vec<String>,
        #[serde(default)]
        deadline: Option<Date>,
    },
    /// One signer approved the current step (会签 still waits for the others).
    SignerApproved {
        step: usize,
        opinion: String,
    },
    /// The current step is done; the case moves on to `to`.
    Advanced {
        from: usize,
        to: usize,
        opinion: String,
    },
    /// 退回: to an earlier step (`to = Some(i)`) or to the applicant (`None`).
    Returned {
        from: usize,
        to: Option<usize>,
        reason: String,
    },
    Resubmitted {
        note: String,
    },
    Transferred {
        to_account: String,
        reason: String,
    },
    CountersignStarted {
        mode: SignMode,
        signers: Vec<String>,
    },
    SignerAdded {
        account: String,
    },
    Urged {
        note: String,
    },
    CopiedTo {
        accounts: Vec<String>,
    },
    SpecialProcedureStarted {
        kind: String,
        reason: String,
    },
    SpecialProcedureEnded {
        result: String,
    },
    Extended {
        days: u32,
        reason: String,
    },
    Decided {
        approved: bool,
        reason: String,
    },
    MissingSupplied,
    Delivered {
        method: DeliveryMethod,
    },
    Terminated {
        reason: String,
    },
    CommitmentVerified {
        truthful: bool,
        note: String,
    },
    Withdrawn {
        reason: String,
    },
    Escalated {
        step: usize,
        to_role: String,
    },
    VisitRecorded {
        note: String,
    },
}

impl ApplicationEvent {
    /// The event's name in the audit log: `application.<type>`.
    pub fn action(&self) -> &'static str {
        match self {
            ApplicationEvent::Drafted(_) => "application.drafted",
            ApplicationEvent::DraftSaved { .. } => "application.draft_saved",
            ApplicationEvent::MaterialAttached(_) => "application.material_attached",
            ApplicationEvent::MaterialRemoved { .. } => "application.material_removed",
            ApplicationEvent::CommitmentSigned { .. } => "application.commitment_signed",
            ApplicationEvent::Submitted { .. } => "application.submitted",
            ApplicationEvent::CorrectionRequested { .. } => "application.correction_requested",
            ApplicationEvent::CorrectionSupplied => "application.correction_supplied",
            ApplicationEvent::NotAccepted { .. } => "application.not_accepted",
            ApplicationEvent::Accepted { .. } => "application.accepted",
            ApplicationEvent::SignerApproved { .. } => "application.signer_approved",
            ApplicationEvent::Advanced { .. } => "application.advanced",
            ApplicationEvent::Returned { .. } => "application.returned",
            ApplicationEvent::Resubmitted { .. } => "application.resubmitted",
            ApplicationEvent::Transferred { .. } => "application.transferred",
            ApplicationEvent::CountersignStarted { .. } => "application.countersign_started",
            ApplicationEvent::SignerAdded { .. } => "application.signer_added",
            ApplicationEvent::Urged { .. } => "application.urged",
            ApplicationEvent::CopiedTo { .. } => "application.copied",
            ApplicationEvent::SpecialProcedureStarted { .. } => "application.special_started",
            ApplicationEvent::SpecialProcedureEnded { .. } => "application.special_ended",
            ApplicationEvent::Extended { .. } => "application.extended",
            ApplicationEvent::Decided { .. } => "application.decided",
            ApplicationEvent::MissingSupplied => "application.missing_supplied",
            ApplicationEvent::Delivered { .. } => "application.delivered",
            ApplicationEvent::Terminated { .. } => "application.terminated",
            ApplicationEvent::CommitmentVerified { .. } => "application.commitment_verified",
            ApplicationEvent::Withdrawn { .. } => "application.withdrawn",
            ApplicationEvent::Escalated { .. } => "application.escalated",
            ApplicationEvent::VisitRecorded { .. } => "application.visit_recorded",
        }
    }

    /// Whether the applicant should be told about it (a notice at every change that matters
    /// to them; drafting and internal hand-overs are not).
    pub fn tells_applicant(&self) -> bool {
        !matches!(
            self,
            ApplicationEvent::Drafted(_)
                | ApplicationEvent::DraftSaved { .. }
                | ApplicationEvent::MaterialAttached(_)
                | ApplicationEvent::MaterialRemoved { .. }
                | ApplicationEvent::CommitmentSigned { .. }
                | ApplicationEvent::SignerApproved { .. }
                | ApplicationEvent::Transferred { .. }
                | ApplicationEvent::CountersignStarted { .. }
                | ApplicationEvent::SignerAdded { .. }
                | ApplicationEvent::Urged { .. }
                | ApplicationEvent::CopiedTo { .. }
                | ApplicationEvent::Escalated { .. }
                | ApplicationEvent::VisitRecorded { .. }
        )
    }
}

/// An event with who did it and when: what the log keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recorded {
    pub at_ms: i64,
    /// The Beijing date of `at_ms`: the day working days are counted from.
    pub on: Date,
    /// An account id, or `system` for the platform's own jobs.
    pub actor: String,
    pub event: ApplicationEvent,
}
