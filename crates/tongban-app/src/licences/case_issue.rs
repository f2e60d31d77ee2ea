//! Licences an approved case issues: when a case's decision becomes final (approved, result not
//! held for 容缺 materials), every licence type whose issuing items include the case's item is
//! drafted for the applicant, signed outside the writer, and written in the case's own unit.

use std::collections::BTreeMap;

use tongban_domain::AccountKind;
use tongban_domain::application::Application;
use tongban_domain::licence::{Holder, LicenceState, LicenceType};
use tongban_store::{LicenceRow, NewEvent};

use super::issue::{LicenceDraft, draft_facts, random_serial, sign_draft};
use crate::{App, AppError};

/// Whether a case's result may be handed over: approved and not held.
pub(crate) fn licensable(app: &Application) -> bool {
    app.outcome.as_ref().is_some_and(|o| o.approved) && !app.result_held()
}

/// Fills a type's face from the case: a form field named by the face key or its label, else a
/// note pointing at the case (so the licence is never issued with a blank required field).
fn face_from_case(lt: &LicenceType, app: &Application) -> BTreeMap<String, String> {
    lt.face_fields
        .iter()
        .filter_map(|f| {
            let from_form = app
                .form
                .get(&f.key)
                .or_else(|| app.form.get(&f.label))
                .filter(|v| !v.trim().is_empty())
                .cloned();
            match from_form {
                Some(v) => Some((f.key.clone(), v)),
                None if f.required => Some((f.key.clone(), format!("依办件{}核准", app.number))),
                None => None,
            }
        })
        .collect()
}

impl App {
    /// The applicant as a licence holder: name and ID number or credit code.
    pub(crate) async fn applicant_holder(
        &self,
        app: &Application,
    ) -> Result<Option<Holder>, AppError> {
        Ok(match app.applicant_kind {
            AccountKind::Citizen => self
                .store
                .citizen_profile(&app.applicant_account)
                .await?
                .map(|p| Holder {
                    name: p.real_name,
                    kind: tongban_domain::licence::HolderKind::Person,
                    code: p.id_number,
                }),
            AccountKind::Enterprise => self
                .store
                .enterprise_profile(&app.applicant_account)
                .await?
                .map(|p| Holder {
                    name: p.name,
                    kind: tongban_domain::licence::HolderKind::Organisation,
                    code: p.uscc,
                }),
            AccountKind::Staff => None,
        })
    }

    /// Drafts (unsigned) of the licences `app` issues now that it is decided.
    pub(crate) async fn licence_drafts_for_case(
        &self,
        app: &Application,
    ) -> Result<Vec<LicenceDraft>, AppError> {
        let types = self.cached_licence_types().await?;
        if types.is_empty() {
            return Ok(Vec::new());
        }
        let Some(version) = self
            .store
            .item_version(&app.item_id, app.item_version)
            .await?
        else {
            return Ok(Vec::new());
        };
        let issued: Vec<&LicenceType> = types
            .iter()
            .filter(|t| t.issuing_items.iter().any(|c| c == &version.basic_code))
            .collect();
        if issued.is_empty() {
            return Ok(Vec::new());
        }
        let Some(holder) = self.applicant_holder(app).await? else {
            return Ok(Vec::new());
        };
        let Some(issuer) = self.store.department(&app.department_id).await? else {
            return Ok(Vec::new());
        };
        let on = app
            .outcome
            .as_ref()
            .map(|o| o.decided_on)
            .unwrap_or_else(|| self.today());
        let mut drafts = Vec::new();
        for lt in issued {
            if lt.holder_kind != holder.kind {
                continue;
            }
            let facts = draft_facts(
                lt,
                &issuer,
                &random_serial(),
                holder.clone(),
                face_from_case(lt, app),
                on,
                on,
                None,
            )?;
            drafts.push(LicenceDraft {
                licence_type: lt.clone(),
                facts,
                issuer_department_id: issuer.id.clone(),
                source: "application",
                application_id: Some(app.id.clone()),
                state: LicenceState::Active,
                state_reason: String::new(),
                warning: String::new(),
            });
        }
        Ok(drafts)
    }

    /// Signed rows and events of the licences `app` issues, for its unit of work.
    pub(crate) async fn licences_for_case(
        &self,
        app: &Application,
        actor: &str,
    ) -> Result<Vec<(LicenceRow, NewEvent)>, AppError> {
        let drafts = self.licence_drafts_for_case(app).await?;
        let at_ms = self.now_ms();
        let mut out = Vec::with_capacity(drafts.len());
        for d in drafts {
            let signer = self.signer_for(&d.issuer_department_id).await?;
            let key = self.holder_key(&d.facts.holder.code);
            out.push(sign_draft(&d, &signer, key, actor, at_ms)?);
        }
        Ok(out)
    }
}
