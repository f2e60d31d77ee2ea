//! A short-lived in-memory copy of published items as the 办事指南 shows them (the item, its
//! department and its halls), so the busiest public page does not read the database each time.
//!
//! Freshness: every use case of this process that changes an item's version or status, a
//! department or a hall empties the cache after its commit; an entry is also dropped once it is
//! [`ITEM_CACHE_TTL_MS`] old, which bounds how long another `tongban serve` process on the same
//! database shows a guide from before a change it did not make.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use crate::catalog::ItemView;

/// How long a cached item is used before it is read again (milliseconds of the app's clock).
pub const ITEM_CACHE_TTL_MS: i64 = 5_000;
/// At most this many items are kept; a full cache is emptied before it takes another.
const MAX_ITEMS: usize = 4_096;

#[derive(Debug, Default)]
pub(crate) struct ItemCache {
    /// Item id → (when it was read, the view); a generation so that a read that started
    /// before a change cannot put back what the change made stale.
    inner: RwLock<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    generation: u64,
    items: HashMap<String, (i64, Arc<ItemView>)>,
}

impl ItemCache {
    /// The cached view of `item_id` if read less than the TTL before `now_ms`.
    pub(crate) fn get(&self, item_id: &str, now_ms: i64) -> Option<Arc<ItemView>> {
        let inner = self.inner.read().ok()?;
        let (at_ms, view) = inner.items.get(item_id)?;
        (now_ms.saturating_sub(*at_ms) < ITEM_CACHE_TTL_MS && now_ms >= *at_ms)
            .then(|| view.clone())
    }

    /// The generation to pass to [`ItemCache::put`] for a read starting now.
    pub(crate) fn generation(&self) -> u64 {
        self.inner.read().map(|i| i.generation).unwrap_or(u64::MAX)
    }

    /// Keeps `view`, read at `now_ms`, unless the cache was emptied since `generation`.
    pub(crate) fn put(&self, generation: u64, now_ms: i64, view: Arc<ItemView>) {
        let Ok(mut inner) = self.inner.write() else {
            return;
        };
        if inner.generation != generation {
            return;
        }
        if inner.items.len() >= MAX_ITEMS {
            inner.items.clear();
        }
        inner.items.insert(view.item_id.clone(), (now_ms, view));
    }

    /// Drops every entry (after a change to items, departments or halls).
    pub(crate) fn forget_all(&self) {
        if let Ok(mut inner) = self.inner.write() {
            inner.generation = inner.generation.wrapping_add(1);
            inner.items.clear();
        }
    }
}
