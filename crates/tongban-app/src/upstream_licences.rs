//! The enricher of the `licences` stream: before a licence event is pushed, its `data` is
//! completed from the licences table as it is at push time — the national directory fields
//! (`up_lic_data`), the signed licence file and the licence's state — so the provincial
//! platform receives the licence itself, not only its identifiers. The event log is never
//! changed; the format is described in `docs/upstream-format.md`.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{Map, Value};
use tongban_domain::licence::LicenceFile;
use tongban_store::LicenceRow;

use crate::App;
use crate::error::AppError;
use crate::licences::{facts_of, signed_of};
use crate::upstream::UpstreamEvent;

/// One licence as the national licence directory records it (`up_lic_data`). The keys are
/// English snake_case; each field names its national field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LicenceDirectoryEntry {
    /// 证照所属管辖属地编码: the division code of the issuing department (12 digits).
    pub jurisdiction_code: String,
    /// 持证主体: the holder's name.
    pub holder_name: String,
    /// 持证主体代码: 公民身份号码 or 统一社会信用代码.
    pub holder_code: String,
    /// 持证主体代码类型: `111` 公民身份号码, `001` 统一社会信用代码 (GA/T 2000.156).
    pub holder_code_type: String,
    /// 证照名称.
    pub licence_name: String,
    /// 证照编码: the licence's number as printed (证照编号).
    pub licence_number: String,
    /// 电子证照源标识: the licence's 证照标识 (GB/T 36904 identifier).
    pub source_id: String,
    /// 证照类型名称.
    pub type_name: String,
    /// 证照类型代码.
    pub type_code: String,
    /// 证照颁发日期 (`YYYY-MM-DD`).
    pub issued_on: String,
    /// 证照颁发机构.
    pub issuer_name: String,
    /// 证照颁发机构代码 (统一社会信用代码).
    pub issuer_code: String,
    /// 有效期起始日期 (`YYYY-MM-DD`).
    pub valid_from: String,
    /// 有效期截止日期 (`YYYY-MM-DD`; `null`: 长期).
    pub valid_until: Option<String>,
}

/// What the enricher looked up during one round (departments' division codes, types' names),
/// so a round of a hundred licences of one department reads the department once.
#[derive(Debug, Default)]
pub(crate) struct LicenceLookups {
    divisions: HashMap<String, String>,
    type_names: HashMap<String, String>,
}

impl App {
    /// Completes `event` (of the `licences` stream) from the licences table. Events that are
    /// not about a licence are left as they are; a licence that no longer exists is marked
    /// `data.missing = true` and sent anyway, so the stream never blocks on it.
    pub(crate) async fn enrich_licence_event(
        &self,
        event: &mut UpstreamEvent,
        lookups: &mut LicenceLookups,
    ) -> Result<(), AppError> {
        if event.entity_type != "licence" {
            return Ok(());
        }
        let mut data = match std::mem::take(&mut event.data) {
            Value::Object(map) => map,
            Value::Null => Map::new(),
            other => Map::from_iter([("payload".to_string(), other)]),
        };
        let Some(row) = self.store.licence(&event.entity_id).await? else {
            tracing::warn!(
                seq = event.seq,
                kind = %event.kind,
                "a licence event's licence no longer exists; pushed without it"
            );
            data.insert("missing".into(), Value::Bool(true));
            event.data = Value::Object(data);
            return Ok(());
        };
        let entry = self.directory_entry(&row, lookups).await?;
        data.insert("licence".into(), to_value(&entry)?);
        let file = match signed_of(&row).and_then(|s| Ok((s, facts_of(&row)?))) {
            Ok((signed, facts)) => to_value(&LicenceFile::new(&signed, &facts.face))?,
            Err(error) => {
                // A stored row that cannot be rebuilt: the directory entry still goes.
                tracing::warn!(seq = event.seq, error = %error, "a licence file could not be rebuilt");
                Value::Null
            }
        };
        data.insert("file".into(), file);
        data.insert("state".into(), Value::String(row.state.clone()));
        data.insert(
            "state_reason".into(),
            Value::String(row.state_reason.clone()),
        );
        data.insert(
            "state_changed_at_ms".into(),
            Value::from(row.state_changed_at_ms),
        );
        data.insert("missing".into(), Value::Bool(false));
        event.data = Value::Object(data);
        Ok(())
    }

    async fn directory_entry(
        &self,
        row: &LicenceRow,
        lookups: &mut LicenceLookups,
    ) -> Result<LicenceDirectoryEntry, AppError> {
        let department = &row.issuer_department_id;
        if !lookups.divisions.contains_key(department) {
            let code = self
                .store
                .department(department)
                .await?
                .map(|d| d.division_code)
                .unwrap_or_default();
            lookups.divisions.insert(department.clone(), code);
        }
        if !lookups.type_names.contains_key(&row.type_code) {
            let name = self
                .store
                .licence_type(&row.type_code)
                .await?
                .map_or_else(|| row.name.clone(), |t| t.name);
            lookups.type_names.insert(row.type_code.clone(), name);
        }
        Ok(LicenceDirectoryEntry {
            jurisdiction_code: lookups
                .divisions
                .get(department)
                .cloned()
                .unwrap_or_default(),
            holder_name: row.holder_name.clone(),
            holder_code: row.holder_code.clone(),
            holder_code_type: row.holder_kind.clone(),
            licence_name: row.name.clone(),
            licence_number: row.number.clone(),
            source_id: row.id.clone(),
            type_name: lookups
                .type_names
                .get(&row.type_code)
                .cloned()
                .unwrap_or_else(|| row.name.clone()),
            type_code: row.type_code.clone(),
            issued_on: row.issued_on.clone(),
            issuer_name: row.issuer_name.clone(),
            issuer_code: row.issuer_code.clone(),
            valid_from: row.valid_from.clone(),
            valid_until: row.valid_until.clone(),
        })
    }
}

fn to_value(value: &impl Serialize) -> Result<Value, AppError> {
    serde_json::to_value(value).map_err(|e| AppError::Internal(e.to_string()))
}
