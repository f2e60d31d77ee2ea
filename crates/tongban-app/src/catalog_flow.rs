//! The service-item catalogue, write side: drafting items and moving versions through their
//! life cycle (draft → in review → published → withdrawn).
//!
//! Who may do what: a department's own administrator drafts, edits and submits that
//! department's items; a system administrator whose division covers the department may do that
//! too, and alone publishes, returns and withdraws. A published version never changes: a change
//! is a new version, and publishing it withdraws the one it replaces in the same unit of work.

use serde_json::json;
use tongban_domain::catalog::{ItemStatus, LifecycleError, ServiceItem};
use tongban_domain::{DivisionCode, Role};
use tongban_store::{DepartmentRow, ItemVersionRow, NewEvent};

use crate::App;
use crate::error::AppError;
use crate::principal::{OrgUnit, Principal};

/// What a caller wants to do with an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Duty {
    /// Draft, edit, submit, start a new version.
    Author,
    /// Publish, return, withdraw.
    Review,
}

impl Duty {
    fn roles(self) -> &'static [Role] {
        match self {
            Duty::Author => &[Role::DeptAdmin, Role::SystemAdmin],
            Duty::Review => &[Role::SystemAdmin],
        }
    }
}

/// A step of the life cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Move {
    Submit,
    Publish,
    Return,
    Withdraw,
}

impl Move {
    fn duty(self) -> Duty {
        match self {
            Move::Submit => Duty::Author,
            Move::Publish | Move::Return | Move::Withdraw => Duty::Review,
        }
    }

    fn apply(self, from: ItemStatus) -> Result<ItemStatus, LifecycleError> {
        match self {
            Move::Submit => from.submit_for_review(),
            Move::Publish => from.publish(),
            Move::Return => from.return_to_draft(),
            Move::Withdraw => from.withdraw(),
        }
    }

    fn action(self) -> &'static str {
        match self {
            Move::Submit => "item.submitted",
            Move::Publish => "item.published",
            Move::Return => "item.returned",
            Move::Withdraw => "item.withdrawn",
        }
    }
}

/// May `who` do `duty` on the items of `department`?
fn authorize(who: &Principal, department: &DepartmentRow, duty: Duty) -> Result<(), AppError> {
    let own_department = matches!(
        who,
        Principal::Staff { role: Role::DeptAdmin, unit: OrgUnit::Department { id, .. }, .. }
            if *id == department.id
    );
    if duty == Duty::Author && own_department {
        return Ok(());
    }
    let division = DivisionCode::parse(&department.division_code)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    who.require_scope(&[Role::SystemAdmin], &division)
        .map(|_| ())
}

/// Editing anything but a draft.
fn not_editable(status: ItemStatus) -> AppError {
    let refused = LifecycleError {
        from: status,
        from_zh: status.name_zh(),
        action_zh: "修改",
    };
    let hint = match status {
        ItemStatus::InReview => "；如需修改，请先由审核人退回",
        ItemStatus::Published | ItemStatus::Withdrawn => "；如需变更，请新建版本",
        ItemStatus::Draft => "",
    };
    AppError::field("status", "item.not_editable", format!("{refused}{hint}"))
}

fn lifecycle(err: LifecycleError) -> AppError {
    AppError::field("status", "item.lifecycle", err.to_string())
}

fn item_event(at_ms: i64, actor: &str, action: &str, row: &ItemVersionRow) -> NewEvent {
    NewEvent {
        at_ms,
        actor: actor.to_string(),
        action: action.to_string(),
        entity_type: "item".into(),
        entity_id: row.item_id.clone(),
        payload: json!({ "item_id": row.item_id, "version": row.version, "name": row.name }),
    }
}

impl App {
    /// Starts a new item as a draft (version 1). Returns its id and version.
    pub async fn create_item_draft(
        &self,
        who: &Principal,
        item: ServiceItem,
    ) -> Result<(String, i64), AppError> {
        who.require_role(Duty::Author.roles())?;
        if let Some(department) = self.store.department(&item.department_id).await? {
            authorize(who, &department, Duty::Author)?;
        }
        let problems = self.item_problems(&item).await?;
        if !problems.is_empty() {
            return Err(AppError::fields(problems));
        }
        let at_ms = self.now_ms();
        let item_id = self.new_item_id();
        let row = ItemVersionRow::new(&item_id, 1, ItemStatus::Draft, &item, at_ms, None)?;
        let actor = who.account_id().to_string();
        self.store
            .write(move |ctx| {
                Box::pin(async move {
                    ctx.insert_item_version(&row).await?;
                    ctx.append_event(item_event(at_ms, &actor, "item.drafted", &row))
                        .await?;
                    Ok::<_, AppError>(())
                })
            })
            .await?;
        Ok((item_id, 1))
    }

    /// Replaces the content of a draft.
    pub async fn update_item_draft(
        &self,
        who: &Principal,
        item_id: &str,
        version: i64,
        item: ServiceItem,
    ) -> Result<(), AppError> {
        who.require_role(Duty::Author.roles())?;
        let current = self
            .store
            .item_version(item_id, version)
            .await?
            .ok_or(AppError::NotFound("该事项版本"))?;
        authorize(
            who,
            &self.department(&current.department_id).await?,
            Duty::Author,
        )?;
        if item.department_id != current.department_id
            && let Some(department) = self.store.department(&item.department_id).await?
        {
            // Handing an item to another department takes authority over both.
            authorize(who, &department, Duty::Author)?;
        }
        let status = current.item_status()?;
        if !status.editable() {
            return Err(not_editable(status));
        }
        let problems = self.item_problems(&item).await?;
        if !problems.is_empty() {
            return Err(AppError::fields(problems));
        }
        let at_ms = self.now_ms();
        let actor = who.account_id().to_string();
        let item_id = item_id.to_string();
        let authorized_department = current.department_id;
        self.store
            .write(move |ctx| {
                Box::pin(async move {
                    let row = ctx
                        .item_version_for_update(&item_id, version)
                        .await?
                        .ok_or(AppError::NotFound("该事项版本"))?;
                    let status = row.item_status()?;
                    if !status.editable() {
                        return Err(not_editable(status));
                    }
                    if row.department_id != authorized_department {
                        return Err(AppError::Conflict(
                            "该事项刚被他人修改，请刷新后重试".into(),
                        ));
                    }
                    ctx.update_draft_body(&item_id, version, &item).await?;
                    let updated = ItemVersionRow {
                        name: item.name.clone(),
                        ..row
                    };
                    ctx.append_event(item_event(at_ms, &actor, "item.updated", &updated))
                        .await?;
                    Ok::<_, AppError>(())
                })
            })
            .await
    }

    /// Sends a draft to review.
    pub async fn submit_item(
        &self,
        who: &Principal,
        item_id: &str,
        version: i64,
    ) -> Result<(), AppError> {
        self.move_item(who, item_id, version, Move::Submit).await
    }

    /// Publishes a version in review; the version published before it (if any) is withdrawn
    /// in the same unit of work.
    pub async fn publish_item(
        &self,
        who: &Principal,
        item_id: &str,
        version: i64,
    ) -> Result<(), AppError> {
        self.move_item(who, item_id, version, Move::Publish).await
    }

    /// Sends a version in review back to its author as a draft.
    pub async fn return_item(
        &self,
        who: &Principal,
        item_id: &str,
        version: i64,
    ) -> Result<(), AppError> {
        self.move_item(who, item_id, version, Move::Return).await
    }

    /// Takes a published version out of the catalogue.
    pub async fn withdraw_item(
        &self,
        who: &Principal,
        item_id: &str,
        version: i64,
    ) -> Result<(), AppError> {
        self.move_item(who, item_id, version, Move::Withdraw).await
    }

    /// Starts the next version of an item as a draft, a copy of its latest version. Refused
    /// while the latest version is still a draft or in review: that one is to be edited.
    pub async fn new_item_version(&self, who: &Principal, item_id: &str) -> Result<i64, AppError> {
        who.require_role(Duty::Author.roles())?;
        let latest = self
            .store
            .latest_version(item_id)
            .await?
            .ok_or(AppError::NotFound("该事项"))?;
        authorize(
            who,
            &self.department(&latest.department_id).await?,
            Duty::Author,
        )?;
        let at_ms = self.now_ms();
        let actor = who.account_id().to_string();
        let item_id = item_id.to_string();
        self.store
            .write(move |ctx| {
                Box::pin(async move {
                    let latest = ctx
                        .latest_version_for_update(&item_id)
                        .await?
                        .ok_or(AppError::NotFound("该事项"))?;
                    let status = latest.item_status()?;
                    if matches!(status, ItemStatus::Draft | ItemStatus::InReview) {
                        return Err(AppError::field(
                            "status",
                            "item.open_version",
                            format!(
                                "第 {} 版尚在{}，请直接修改该版本，不必新建版本",
                                latest.version,
                                status.name_zh()
                            ),
                        ));
                    }
                    let version = latest.version + 1;
                    let row = ItemVersionRow::new(
                        &item_id,
                        version,
                        ItemStatus::Draft,
                        &latest.item()?,
                        at_ms,
                        None,
                    )?;
                    ctx.insert_item_version(&row).await?;
                    let mut event = item_event(at_ms, &actor, "item.drafted", &row);
                    event.payload["from_version"] = json!(latest.version);
                    ctx.append_event(event).await?;
                    Ok::<_, AppError>(version)
                })
            })
            .await
    }

    /// One step of the life cycle, decided and done inside one unit of work.
    async fn move_item(
        &self,
        who: &Principal,
        item_id: &str,
        version: i64,
        step: Move,
    ) -> Result<(), AppError> {
        who.require_role(step.duty().roles())?;
        let at_ms = self.now_ms();
        let who = who.clone();
        let item_id = item_id.to_string();
        let result = self
            .store
            .write(move |ctx| {
                Box::pin(async move {
                    let row = ctx
                        .item_version_for_update(&item_id, version)
                        .await?
                        .ok_or(AppError::NotFound("该事项版本"))?;
                    let department = ctx.department_for_update(&row.department_id).await?;
                    authorize(&who, &department, step.duty())?;
                    let from = row.item_status()?;
                    let to = step.apply(from).map_err(lifecycle)?;
                    let actor = who.account_id();
                    if step == Move::Publish
                        && let Some(previous) = ctx.published_version_for_update(&item_id).await?
                    {
                        ctx.set_item_status(
                            &item_id,
                            previous.version,
                            ItemStatus::Published,
                            ItemStatus::Withdrawn,
                            at_ms,
                        )
                        .await?;
                        let mut event = item_event(at_ms, actor, "item.withdrawn", &previous);
                        event.payload["superseded_by"] = json!(version);
                        ctx.append_event(event).await?;
                    }
                    ctx.set_item_status(&item_id, version, from, to, at_ms)
                        .await?;
                    ctx.append_event(item_event(at_ms, actor, step.action(), &row))
                        .await?;
                    Ok::<_, AppError>(())
                })
            })
            .await;
        self.forget_cached_items();
        result
    }
}
