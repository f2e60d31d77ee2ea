//! Human-readable counts of a generated catalogue.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use tongban_domain::catalog::{ItemType, OnlineLevel, ServiceItem, Theme, TransactionKind};

use crate::AdminLevel;

const LEVELS: [AdminLevel; 3] = [AdminLevel::City, AdminLevel::County, AdminLevel::Township];

/// Department kind of a department key such as "511902-scjgj" → "scjgj".
pub(crate) fn dept_slug(department_id: &str) -> &str {
    department_id
        .split_once('-')
        .map_or(department_id, |(_, slug)| slug)
}

/// Counts per type, level, department, online level and theme, one `label: count` per line.
pub fn catalog_summary(items: &[ServiceItem]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "service items: {}", items.len());
    for t in ItemType::ALL {
        let of_type: Vec<&ServiceItem> = items.iter().filter(|i| i.item_type == *t).collect();
        if of_type.is_empty() {
            continue;
        }
        let kinds: BTreeSet<&str> = of_type
            .iter()
            .map(|i| dept_slug(&i.department_id))
            .collect();
        let depts: BTreeSet<&str> = of_type.iter().map(|i| i.department_id.as_str()).collect();
        let _ = writeln!(
            s,
            "  {} {}: {} ({} department kinds, {} departments)",
            t.code(),
            t.name_zh(),
            of_type.len(),
            kinds.len(),
            depts.len()
        );
        for level in LEVELS {
            let n = of_type.iter().filter(|i| i.level == level).count();
            let _ = writeln!(s, "    {}: {n}", level.name_zh());
        }
    }
    let immediate = items
        .iter()
        .filter(|i| i.transaction_kind == TransactionKind::Immediate)
        .count();
    let _ = writeln!(s, "immediate (即办件): {immediate}");
    let charged = items.iter().filter(|i| i.fees.charged).count();
    let _ = writeln!(s, "charged: {charged}");
    let _ = writeln!(s, "online levels:");
    for level in OnlineLevel::ALL {
        let n = items.iter().filter(|i| i.online_level == *level).count();
        let _ = writeln!(s, "  {}: {n}", level.name_zh());
    }
    let _ = write!(s, "themes:");
    for theme in Theme::ALL {
        let n = items.iter().filter(|i| i.themes.contains(theme)).count();
        let _ = write!(s, " {}={n}", theme.name_zh());
    }
    s
}
