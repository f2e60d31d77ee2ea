//! Browsing the organisation tree (public) and editing it (administrators, within their scope).

use serde_json::json;
use tongban_domain::{AdminLevel, DivisionCode, Role, Uscc};
use tongban_store::{DepartmentRow, DivisionRow, HallRow, NewEvent};

use crate::App;
use crate::error::{AppError, FieldError};
use crate::principal::{OrgUnit, Principal};

/// One division with what hangs under it.
#[derive(Debug, Clone)]
pub struct DivisionPage {
    pub division: DivisionRow,
    /// From the top of the tree down to (not including) this division.
    pub ancestors: Vec<DivisionRow>,
    pub children: Vec<DivisionRow>,
    pub departments: Vec<DepartmentRow>,
    pub halls: Vec<HallRow>,
}

/// Filters of the hall finder.
#[derive(Debug, Clone, Default)]
pub struct HallQuery {
    /// A division code: halls in its whole subtree.
    pub division: Option<String>,
    /// `city_center`, `county_center`, `township_center` or `village_station`.
    pub kind: Option<String>,
    /// Part of the hall's name.
    pub name: Option<String>,
    pub page: i64,
    pub per_page: i64,
}

/// The editable details of a hall, as typed into a form.
#[derive(Debug, Clone, Default)]
pub struct HallEdit {
    pub name: String,
    pub address: String,
    pub phone: String,
    /// Decimal degrees, e.g. "31.858".
    pub latitude: String,
    pub longitude: String,
    pub opening_hours: String,
}

/// The editable details of a department.
#[derive(Debug, Clone, Default)]
pub struct DepartmentEdit {
    pub name: String,
    pub short_name: String,
    pub uscc: String,
}

pub const HALL_KINDS: [&str; 4] = [
    "city_center",
    "county_center",
    "township_center",
    "village_station",
];

impl App {
    /// The top of the tree: the divisions without a parent, usually the province.
    pub async fn top_divisions(&self) -> Result<Vec<DivisionRow>, AppError> {
        Ok(self.store.child_divisions(None).await?)
    }

    /// The counties and districts, for pickers.
    pub async fn counties(&self) -> Result<Vec<DivisionRow>, AppError> {
        Ok(self
            .store
            .divisions_at_level(i64::from(AdminLevel::County.code()))
            .await?)
    }

    pub async fn division_page(&self, code: &str) -> Result<DivisionPage, AppError> {
        let parsed = DivisionCode::parse(code)
            .map_err(|e| AppError::field("code", "division_code", e.to_string()))?;
        let division = self
            .store
            .division(parsed.as_str())
            .await?
            .ok_or(AppError::NotFound("该行政区划"))?;
        let mut ancestors = Vec::new();
        let mut next = division.parent_code.clone();
        while let Some(code) = next {
            let Some(row) = self.store.division(&code).await? else {
                break;
            };
            next = row.parent_code.clone();
            ancestors.push(row);
        }
        ancestors.reverse();
        let children = self.store.child_divisions(Some(&division.code)).await?;
        let departments = self.store.departments_in(&division.code).await?;
        let halls = self
            .store
            .find_halls(&division.code, None, None, 1_000, 0)
            .await?
            .into_iter()
            .filter(|h| h.division_code == division.code)
            .collect();
        Ok(DivisionPage {
            division,
            ancestors,
            children,
            departments,
            halls,
        })
    }

    /// The hall finder: halls in a subtree, of a kind, by name; 20 a page by default.
    pub async fn find_halls(&self, query: &HallQuery) -> Result<Vec<HallRow>, AppError> {
        let prefix = match query.division.as_deref().filter(|d| !d.is_empty()) {
            Some(code) => DivisionCode::parse(code)
                .map_err(|e| AppError::field("division", "division_code", e.to_string()))?
                .significant_prefix()
                .to_string(),
            None => String::new(),
        };
        let kind = query.kind.as_deref().filter(|k| !k.is_empty());
        if let Some(kind) = kind
            && !HALL_KINDS.contains(&kind)
        {
            return Err(AppError::field("kind", "hall_kind", "服务场所类型不正确"));
        }
        let per_page = if query.per_page <= 0 {
            20
        } else {
            query.per_page.min(200)
        };
        let page = query.page.max(1);
        let name = query
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        Ok(self
            .store
            .find_halls(
                &prefix,
                kind,
                name,
                per_page,
                (page - 1).saturating_mul(per_page),
            )
            .await?)
    }

    pub async fn hall(&self, id: &str) -> Result<HallRow, AppError> {
        self.store
            .hall(id)
            .await?
            .ok_or(AppError::NotFound("该服务大厅"))
    }

    pub async fn department(&self, id: &str) -> Result<DepartmentRow, AppError> {
        self.store
            .department(id)
            .await?
            .ok_or(AppError::NotFound("该部门"))
    }

    /// Portal search over department and hall names (service items join in a later release).
    pub async fn search_org(
        &self,
        text: &str,
    ) -> Result<(Vec<DepartmentRow>, Vec<HallRow>), AppError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok((Vec::new(), Vec::new()));
        }
        let departments = self.store.search_departments(text, 20).await?;
        let halls = self.store.find_halls("", None, Some(text), 20, 0).await?;
        Ok((departments, halls))
    }

    /// A system administrator changes a hall in their division.
    pub async fn edit_hall(
        &self,
        who: &Principal,
        id: &str,
        edit: HallEdit,
    ) -> Result<HallRow, AppError> {
        let current = self.hall(id).await?;
        let division = DivisionCode::parse(&current.division_code)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        who.require_scope(&[Role::SystemAdmin], &division)?;
        let mut errors = Vec::new();
        let name = collect(&mut errors, required("name", &edit.name, 100));
        let address = collect(&mut errors, required("address", &edit.address, 200));
        let phone = collect(&mut errors, parse_phone(&edit.phone));
        let latitude_e6 = collect(
            &mut errors,
            parse_degrees("latitude", &edit.latitude, 3, 54),
        );
        let longitude_e6 = collect(
            &mut errors,
            parse_degrees("longitude", &edit.longitude, 73, 136),
        );
        let opening_hours = collect(
            &mut errors,
            required("opening_hours", &edit.opening_hours, 100),
        );
        let (
            Some(name),
            Some(address),
            Some(phone),
            Some(latitude_e6),
            Some(longitude_e6),
            Some(opening_hours),
        ) = (
            name,
            address,
            phone,
            latitude_e6,
            longitude_e6,
            opening_hours,
        )
        else {
            return Err(AppError::fields(errors));
        };
        let updated = HallRow {
            name,
            address,
            phone,
            latitude_e6,
            longitude_e6,
            opening_hours,
            ..current.clone()
        };
        let actor = who.account_id().to_string();
        let at_ms = self.now_ms();
        let row = updated.clone();
        self.store
            .write(move |ctx| {
                Box::pin(async move {
                    let before = ctx.hall_for_update(&row.id).await?;
                    ctx.update_hall(&row).await?;
                    ctx.append_event(NewEvent {
                        at_ms,
                        actor,
                        action: "hall.updated".into(),
                        entity_type: "hall".into(),
                        entity_id: row.id.clone(),
                        payload: json!({ "before": hall_json(&before), "after": hall_json(&row) }),
                    })
                    .await?;
                    Ok::<_, AppError>(())
                })
            })
            .await?;
        self.forget_cached_items();
        Ok(updated)
    }

    /// A system administrator (in scope) or the department's own administrator changes its
    /// name or USCC.
    pub async fn edit_department(
        &self,
        who: &Principal,
        id: &str,
        edit: DepartmentEdit,
    ) -> Result<DepartmentRow, AppError> {
        let current = self.department(id).await?;
        let division = DivisionCode::parse(&current.division_code)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let own_department = matches!(
            who,
            Principal::Staff { role: Role::DeptAdmin, unit: OrgUnit::Department { id: unit_id, .. }, .. }
                if unit_id == id
        );
        if !own_department {
            who.require_scope(&[Role::SystemAdmin], &division)?;
        }
        let mut errors = Vec::new();
        let name = collect(&mut errors, required("name", &edit.name, 100));
        let short_name = collect(&mut errors, required("short_name", &edit.short_name, 50));
        let uscc = collect(
            &mut errors,
            Uscc::parse(&edit.uscc).map_err(|e| AppError::field("uscc", e.code(), e.to_string())),
        );
        let (Some(name), Some(short_name), Some(uscc)) = (name, short_name, uscc) else {
            return Err(AppError::fields(errors));
        };
        let updated = DepartmentRow {
            name,
            short_name,
            uscc: uscc.as_str().to_string(),
            ..current
        };
        let actor = who.account_id().to_string();
        let at_ms = self.now_ms();
        let row = updated.clone();
        self.store
            .write(move |ctx| {
                Box::pin(async move {
                    let before = ctx.department_for_update(&row.id).await?;
                    ctx.update_department(&row).await?;
                    ctx.append_event(NewEvent {
                        at_ms,
                        actor,
                        action: "department.updated".into(),
                        entity_type: "department".into(),
                        entity_id: row.id.clone(),
                        payload: json!({
                            "before": { "name": before.name, "short_name": before.short_name, "uscc": before.uscc },
                            "after": { "name": row.name, "short_name": row.short_name, "uscc": row.uscc },
                        }),
                    })
                    .await?;
                    Ok::<_, AppError>(())
                })
            })
            .await
            .map_err(|e| match e {
                AppError::Conflict(_) => AppError::field("uscc", "uscc.taken", "该统一社会信用代码已被其他部门使用"),
                other => other,
            })?;
        self.forget_cached_items();
        Ok(updated)
    }
}

fn hall_json(h: &HallRow) -> serde_json::Value {
    json!({
        "name": h.name, "address": h.address, "phone": h.phone,
        "latitude_e6": h.latitude_e6, "longitude_e6": h.longitude_e6, "opening_hours": h.opening_hours,
    })
}

/// Keeps a field's value, or adds its errors to `errors` (so a form reports every problem).
pub(crate) fn collect<T>(errors: &mut Vec<FieldError>, result: Result<T, AppError>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(AppError::Invalid { fields, .. }) => {
            errors.extend(fields);
            None
        }
        Err(_) => None,
    }
}

/// A required text field of at most `max` characters, trimmed.
pub(crate) fn required(field: &'static str, value: &str, max: usize) -> Result<String, AppError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(AppError::field(field, "required", "此项为必填项"));
    }
    if value.chars().count() > max {
        return Err(AppError::field(
            field,
            "too_long",
            format!("不能超过 {max} 个字"),
        ));
    }
    Ok(value.to_string())
}

/// A landline (`0827-5200000`) or an 11-digit mobile number.
fn parse_phone(value: &str) -> Result<String, AppError> {
    let value = value.trim();
    let digits_and_dash = value.chars().all(|c| c.is_ascii_digit() || c == '-');
    let digits = value.chars().filter(char::is_ascii_digit).count();
    if value.is_empty() || !digits_and_dash || !(7..=12).contains(&digits) {
        return Err(AppError::field(
            "phone",
            "phone",
            "电话号码格式不正确，请填写如 0827-5200000 的座机号或 11 位手机号",
        ));
    }
    Ok(value.to_string())
}

/// Decimal degrees to micro-degrees, without floating point, inside `[min, max]`.
pub(crate) fn parse_degrees(
    field: &'static str,
    value: &str,
    min: i64,
    max: i64,
) -> Result<i64, AppError> {
    let bad = || {
        AppError::field(
            field,
            "degrees",
            format!("请填写 {min} 到 {max} 之间的十进制度数，如 31.858"),
        )
    };
    let value = value.trim();
    let (whole, frac) = value.split_once('.').unwrap_or((value, ""));
    if whole.is_empty()
        || frac.len() > 6
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return Err(bad());
    }
    let whole: i64 = whole.parse().map_err(|_| bad())?;
    let frac_e6: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<6}").parse().map_err(|_| bad())?
    };
    let micro = whole * 1_000_000 + frac_e6;
    if micro < min * 1_000_000 || micro > max * 1_000_000 {
        return Err(bad());
    }
    Ok(micro)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn degrees_are_parsed_exactly_into_micro_degrees() {
        assert_eq!(
            parse_degrees("latitude", "31.858", 3, 54).unwrap(),
            31_858_000
        );
        assert_eq!(parse_degrees("latitude", "31", 3, 54).unwrap(), 31_000_000);
        assert_eq!(
            parse_degrees("latitude", "31.123456", 3, 54).unwrap(),
            31_123_456
        );
        assert!(parse_degrees("latitude", "31.1234567", 3, 54).is_err());
        assert!(parse_degrees("latitude", "-31", 3, 54).is_err());
        assert!(parse_degrees("latitude", "60", 3, 54).is_err());
        assert!(parse_degrees("latitude", "abc", 3, 54).is_err());
    }

    #[test]
    fn phones_must_look_like_phone_numbers() {
        assert!(parse_phone("0827-5200000").is_ok());
        assert!(parse_phone("13812348000").is_ok());
        assert!(parse_phone("12").is_err());
        assert!(parse_phone("电话").is_err());
    }
}
