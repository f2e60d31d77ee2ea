//! The demo 证照目录 placed on the city and its service catalogue: each type's code, issuing
//! departments, issuing items and replaced materials; and the 互通互认清单.

use std::collections::BTreeSet;

use tongban_domain::catalog::ServiceItem;
use tongban_domain::licence::{FaceField, LicenceType, LicenceTypeCode, Recognition};

use super::authorities;
use super::model::TypeDef;
use super::{types_agri, types_build, types_civil, types_market, types_social};
use crate::places::{CITY6, COUNTIES};
use crate::{AdminLevel, DemoCity, catalog_items};

/// Every type definition, in catalogue order.
pub(crate) fn defs() -> impl Iterator<Item = &'static TypeDef> {
    types_civil::TYPES
        .iter()
        .chain(types_social::TYPES)
        .chain(types_market::TYPES)
        .chain(types_build::TYPES)
        .chain(types_agri::TYPES)
}

/// Variants of a licensing entry that do not issue a licence.
const NOT_ISSUING: &[&str] = &["注销"];
/// The 业务办理项 suffixes of the demo catalogue.
const VARIANTS: &[&str] = &["变更", "延续", "注销", "补证"];

/// An item name without its 业务办理项 suffix, and the suffix.
pub(crate) fn base_name(name: &str) -> (&str, Option<&str>) {
    for v in VARIANTS {
        if let Some(base) = name
            .strip_suffix('）')
            .and_then(|n| n.strip_suffix(v))
            .and_then(|n| n.strip_suffix('（'))
        {
            return (base, Some(v));
        }
    }
    (name, None)
}

/// Whether approving `item` issues licences of `def`.
pub(crate) fn issues(def: &TypeDef, item: &ServiceItem) -> bool {
    let (base, variant) = base_name(&item.name);
    def.items.contains(&base) && variant.is_none_or(|v| !NOT_ISSUING.contains(&v))
}

/// The slug of a department id such as "511902-scjgj".
pub(crate) fn slug(department_id: &str) -> &str {
    department_id
        .split_once('-')
        .map_or(department_id, |(_, s)| s)
}

fn licence_type(city: &DemoCity, items: &[ServiceItem], def: &TypeDef) -> Option<LicenceType> {
    let authority = authorities::uscc(def.auth)?;
    let code = LicenceTypeCode::new(&authority, def.seq).ok()?;
    let issuing: Vec<&ServiceItem> = items.iter().filter(|i| issues(def, i)).collect();
    let at_city = def.at.city() || issuing.iter().any(|i| i.level == AdminLevel::City);
    let at_county = def.at.county() || issuing.iter().any(|i| i.level != AdminLevel::City);
    let mut wanted: Vec<String> = Vec::new();
    if at_city {
        wanted.push(format!("{CITY6}-{}", def.slug));
    }
    if at_county {
        wanted.extend(COUNTIES.iter().map(|c| format!("{}-{}", c.code6, def.slug)));
    }
    for item in &issuing {
        if !wanted.contains(&item.department_id) {
            wanted.push(item.department_id.clone());
        }
    }
    let issuing_department_ids = wanted
        .into_iter()
        .filter(|id| city.departments.iter().any(|d| &d.key == id))
        .collect();
    let mut replaces_materials: Vec<String> = Vec::new();
    let named = items
        .iter()
        .flat_map(|i| &i.materials)
        .filter(|m| m.licence_type.as_deref() == Some(def.name))
        .map(|m| m.name.as_str());
    for name in named.chain(def.replaces.iter().copied()) {
        if !replaces_materials.iter().any(|m| m == name) {
            replaces_materials.push(name.to_string());
        }
    }
    Some(LicenceType {
        code,
        name: def.name.to_string(),
        authority_name: authorities::name(def.auth).to_string(),
        holder_kind: def.holder,
        issuing_department_ids,
        validity: def.validity,
        face_fields: def
            .face
            .iter()
            .map(|(key, label, _)| FaceField {
                key: (*key).to_string(),
                label: (*label).to_string(),
                required: true,
            })
            .collect(),
        issuing_items: issuing.iter().map(|i| i.basic_code.clone()).collect(),
        replaces_materials,
    })
}

/// Each definition with its licence type, on a city and its catalogue.
pub(crate) fn typed(
    city: &DemoCity,
    items: &[ServiceItem],
) -> Vec<(&'static TypeDef, LicenceType)> {
    defs()
        .filter_map(|def| Some((def, licence_type(city, items, def)?)))
        .collect()
}

/// The demo city's 证照目录: 165 licence types with their defining authorities, issuing
/// departments, validity, face fields, issuing items and the materials they stand in for.
/// Pure and deterministic.
pub fn licence_types(city: &DemoCity) -> Vec<LicenceType> {
    let items = catalog_items(city);
    typed(city, &items).into_iter().map(|(_, t)| t).collect()
}

/// Department kinds that may use a few licence types for everything they handle.
const BROAD: &[(&str, &[&str])] = &[
    ("gaj", &["居民身份证", "居民户口簿", "营业执照"]),
    ("scjgj", &["营业执照", "居民身份证"]),
    (
        "zwfwj",
        &["居民身份证", "营业执照", "居民户口簿", "不动产权证书"],
    ),
    ("swuj", &["营业执照", "居民身份证"]),
    ("rsj", &["社会保障卡", "居民身份证"]),
];

/// The 互通互认清单: for every catalogue item whose materials name a licence type, its
/// department may use that type for that item; and a few department kinds (公安, 市场监管,
/// 政务服务, 税务, 人社) may use the identity and business licences for every item.
pub fn recognitions(city: &DemoCity) -> Vec<Recognition> {
    let items = catalog_items(city);
    let types = typed(city, &items);
    let code_of = |name: &str| {
        types
            .iter()
            .find(|(_, t)| t.name == name)
            .map(|(_, t)| t.code.clone())
    };
    let mut set: BTreeSet<(String, LicenceTypeCode, Option<String>)> = BTreeSet::new();
    for (slug_wanted, names) in BROAD {
        for dept in city
            .departments
            .iter()
            .filter(|d| slug(&d.key) == *slug_wanted)
        {
            for code in names.iter().filter_map(|n| code_of(n)) {
                set.insert((dept.key.clone(), code, None));
            }
        }
    }
    for item in &items {
        for m in &item.materials {
            let Some(code) = m.licence_type.as_deref().and_then(code_of) else {
                continue;
            };
            set.insert((
                item.department_id.clone(),
                code,
                Some(item.basic_code.clone()),
            ));
        }
    }
    set.into_iter()
        .map(|(department_id, type_code, item_code)| Recognition {
            department_id,
            type_code,
            item_code,
        })
        .collect()
}
