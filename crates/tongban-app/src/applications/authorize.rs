//! Who may do what to a case: the applicant (or their agent) for the applicant's actions, and
//! staff of the right role whose unit covers the case's department for the rest.

use tongban_domain::application::{Actor, Application, Command, Status};
use tongban_domain::{DivisionCode, Role};

use crate::error::AppError;
use crate::principal::{OrgUnit, Principal};

/// Does `who`'s unit cover a case of `department_id` in `division`? A department covers its
/// own cases, a division its subtree, and a hall its subtree plus the departments whose area
/// contains the hall (any hall in a department's area may accept its cases: 就近办).
pub(crate) fn covers(unit: &OrgUnit, department_id: &str, division: &str) -> bool {
    let Ok(case_division) = DivisionCode::parse(division) else {
        return false;
    };
    match unit {
        OrgUnit::Department { id, .. } => id == department_id,
        OrgUnit::Division { code } => case_division.is_within(code),
        OrgUnit::Hall { division: hall, .. } => {
            case_division.is_within(hall) || hall.is_within(&case_division)
        }
    }
}

/// The roles that may act on a case with this command (named signers aside).
fn staff_roles(app: &Application, cmd: &Command) -> Vec<Role> {
    use Command as C;
    let step_role = || {
        app.step()
            .and_then(|s| Role::parse(&s.role))
            .into_iter()
            .collect::<Vec<_>>()
    };
    match cmd {
        C::RequestCorrection { .. }
        | C::RefuseAcceptance { .. }
        | C::Accept { .. }
        | C::RecordVisit { .. } => vec![Role::WindowClerk],
        C::Approve { .. }
        | C::Refuse { .. }
        | C::Return { .. }
        | C::Transfer { .. }
        | C::Countersign { .. }
        | C::AddSigner { .. } => {
            if app.status == Status::Submitted {
                vec![Role::WindowClerk]
            } else {
                step_role()
            }
        }
        C::Deliver { .. } => {
            let mut roles = step_role();
            roles.push(Role::WindowClerk);
            roles
        }
        C::StartSpecial { .. } | C::EndSpecial { .. } => vec![Role::Reviewer, Role::Approver],
        C::Extend { .. } => vec![Role::Approver, Role::DeptAdmin],
        C::VerifyCommitment { .. } => vec![Role::Reviewer, Role::Approver, Role::DeptAdmin],
        C::Urge { .. } => vec![Role::BureauSupervisor, Role::DeptAdmin, Role::SystemAdmin],
        C::CopyTo { .. } => vec![
            Role::WindowClerk,
            Role::Reviewer,
            Role::Approver,
            Role::DeptAdmin,
        ],
        C::SupplyMissing => vec![Role::WindowClerk],
        C::ExpireIncomplete | C::Escalate { .. } => Vec::new(),
        C::SaveDraft { .. }
        | C::AttachMaterial(_)
        | C::RemoveMaterial { .. }
        | C::SignCommitment { .. }
        | C::Submit
        | C::SupplyCorrection
        | C::Resubmit { .. }
        | C::Withdraw { .. } => Vec::new(),
    }
}

/// Is `who` the applicant or the agent who applied for them?
pub(crate) fn speaks_for_applicant(who: &Principal, app: &Application) -> bool {
    let me = who.account_id();
    app.applicant_account == me || app.agent_account.as_deref() == Some(me)
}

/// Decides whether `who` may send `cmd` to the case, and as which actor.
pub(crate) fn actor_for(
    who: &Principal,
    app: &Application,
    division: &str,
    cmd: &Command,
) -> Result<Actor, AppError> {
    let applicant_cmd = matches!(
        cmd,
        Command::SaveDraft { .. }
            | Command::AttachMaterial(_)
            | Command::RemoveMaterial { .. }
            | Command::SignCommitment { .. }
            | Command::Submit
            | Command::SupplyCorrection
            | Command::Resubmit { .. }
            | Command::Withdraw { .. }
    );
    if applicant_cmd
        || (!who.is_staff() && matches!(cmd, Command::Urge { .. } | Command::SupplyMissing))
    {
        return if speaks_for_applicant(who, app) {
            Ok(Actor::applicant(who.account_id()))
        } else {
            Err(AppError::Forbidden)
        };
    }
    let Principal::Staff {
        role,
        unit,
        account_id,
        ..
    } = who
    else {
        return Err(AppError::Forbidden);
    };
    // A named signer may act on their step wherever they sit.
    let named = app.pending_signers().contains(&account_id.as_str());
    let role_ok = staff_roles(app, cmd).contains(role);
    if !(named || (role_ok && covers(unit, &app.department_id, division))) {
        return Err(AppError::Forbidden);
    }
    Ok(Actor::staff(account_id))
}
