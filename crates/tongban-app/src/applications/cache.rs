//! A cache of recently acted-on cases, so that a command is decided without reading and
//! parsing the case again.
//!
//! It is only ever a hint: the unit of work still checks that the case is at the revision the
//! decision was made on, and a case found moved on (by another process, say) is dropped from
//! the cache and read again from the store. Entries are put only after their commit.

use std::collections::HashMap;
use std::sync::Mutex;

use tongban_domain::application::Application;
use tongban_store::ApplicationRow;

/// How many cases the cache holds before it starts over.
const CAPACITY: usize = 20_000;

/// A case as last committed: its row (without the state text), its state (without the
/// timeline: commands never need it, and it would grow with every command), and the
/// applicant's phone for SMS notices.
#[derive(Debug, Clone)]
pub(crate) struct CachedCase {
    pub row: ApplicationRow,
    pub app: Application,
    pub phone: Option<String>,
}

#[derive(Debug, Default)]
pub(crate) struct CaseCache {
    cases: Mutex<HashMap<String, CachedCase>>,
}

impl CaseCache {
    pub fn get(&self, id: &str) -> Option<CachedCase> {
        self.cases.lock().ok()?.get(id).cloned()
    }

    pub fn put(&self, mut case: CachedCase) {
        case.row.state_json = String::new();
        case.row.event_seqs = String::new();
        case.app.history = Vec::new();
        if let Ok(mut cases) = self.cases.lock() {
            if cases.len() >= CAPACITY {
                cases.clear();
            }
            cases.insert(case.row.id.clone(), case);
        }
    }

    pub fn forget(&self, id: &str) {
        if let Ok(mut cases) = self.cases.lock() {
            cases.remove(id);
        }
    }
}
