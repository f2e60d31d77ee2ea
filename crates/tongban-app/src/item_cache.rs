//! A short-lived in-memory copy of published items as the 办事指南 shows them (the item, its
//! department and its halls), so the busiest public page does not read the database each time.
//! Beside each item the web layer may keep pages rendered from exactly that copy (opaque here,
//! a few variants per item), which therefore live and die with it.
//!
//! Freshness: every use case of this process that changes an item's version or status, a
//! department or a hall empties the cache after its commit; an entry is also dropped once it is
//! [`ITEM_CACHE_TTL_MS`] old, which bounds how long another `tongban serve` process on the same
//! database shows a guide from before a change it did not make.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use crate::catalog::ItemView;

/// How long a cached item is used before it is read again (milliseconds of the app's clock).
pub const ITEM_CACHE_TTL_MS: i64 = 5_000;
/// At most this many items are kept; a full cache is emptied before it takes another.
const MAX_ITEMS: usize = 4_096;
/// At most this many rendered pages are kept beside one item (variants, e.g. 长者版).
pub const MAX_PAGES_PER_ITEM: usize = 4;

/// A page rendered from a cached item, opaque to the app.
pub type ItemPage = Arc<dyn Any + Send + Sync>;

#[derive(Debug, Default)]
pub(crate) struct ItemCache {
    /// Item id → entry; a generation so that a read that started before a change cannot put
    /// back what the change made stale.
    inner: RwLock<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    generation: u64,
    items: HashMap<String, Entry>,
}

struct Entry {
    /// When the item was read (app clock).
    at_ms: i64,
    view: Arc<ItemView>,
    /// Pages rendered from `view`, by the variant number the web layer chose.
    pages: Vec<(u32, ItemPage)>,
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("at_ms", &self.at_ms)
            .field("item_id", &self.view.item_id)
            .field("pages", &self.pages.len())
            .finish()
    }
}

impl Entry {
    fn fresh(&self, now_ms: i64) -> bool {
        now_ms.saturating_sub(self.at_ms) < ITEM_CACHE_TTL_MS && now_ms >= self.at_ms
    }
}

impl ItemCache {
    /// The cached view of `item_id` if read less than the TTL before `now_ms`.
    pub(crate) fn get(&self, item_id: &str, now_ms: i64) -> Option<Arc<ItemView>> {
        let inner = self.inner.read().ok()?;
        let entry = inner.items.get(item_id)?;
        entry.fresh(now_ms).then(|| entry.view.clone())
    }

    /// The page of `variant` kept beside `item_id`, if the item is still fresh at `now_ms`.
    pub(crate) fn page(&self, item_id: &str, variant: u32, now_ms: i64) -> Option<ItemPage> {
        let inner = self.inner.read().ok()?;
        let entry = inner.items.get(item_id)?;
        if !entry.fresh(now_ms) {
            return None;
        }
        entry
            .pages
            .iter()
            .find(|(v, _)| *v == variant)
            .map(|(_, page)| page.clone())
    }

    /// Keeps `page`, rendered from `view`, as the page of `variant` — only while `view` is the
    /// very copy the cache holds for its item (a page of an older or uncached copy is dropped).
    pub(crate) fn put_page(&self, view: &Arc<ItemView>, variant: u32, page: ItemPage) {
        let Ok(mut inner) = self.inner.write() else {
            return;
        };
        let Some(entry) = inner.items.get_mut(&view.item_id) else {
            return;
        };
        if !Arc::ptr_eq(&entry.view, view) {
            return;
        }
        if let Some(slot) = entry.pages.iter_mut().find(|(v, _)| *v == variant) {
            slot.1 = page;
        } else if entry.pages.len() < MAX_PAGES_PER_ITEM {
            entry.pages.push((variant, page));
        }
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
        inner.items.insert(
            view.item_id.clone(),
            Entry {
                at_ms: now_ms,
                view,
                pages: Vec::new(),
            },
        );
    }

    /// Drops every entry and the pages kept beside them (after a change to items, departments
    /// or halls).
    pub(crate) fn forget_all(&self) {
        if let Ok(mut inner) = self.inner.write() {
            inner.generation = inner.generation.wrapping_add(1);
            inner.items.clear();
        }
    }
}
