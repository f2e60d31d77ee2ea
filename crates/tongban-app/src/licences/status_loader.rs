//! Status reads for verification, batched: checks that arrive while a read is in flight are
//! answered together by the next one (`WHERE id IN (…)`), so a busy verifier pays one database
//! round trip per batch rather than per check. Nothing is cached: every answer comes from a
//! read made after the check asked.

use std::collections::HashMap;

use tokio::sync::{mpsc, oneshot};
use tongban_store::{LicenceStateRow, Store, StoreError};

use crate::AppError;

type Reply = oneshot::Sender<Result<Option<LicenceStateRow>, String>>;

/// The most ids one read asks for.
const MAX_BATCH: usize = 128;

/// The sending side of the loader task.
#[derive(Clone)]
pub(crate) struct StatusLoader {
    sender: mpsc::UnboundedSender<(String, Reply)>,
}

impl StatusLoader {
    /// Starts the loader task on the current runtime.
    pub(crate) fn start(store: Store) -> Self {
        let (sender, receiver) = mpsc::unbounded_channel();
        tokio::spawn(run(store, receiver));
        Self { sender }
    }

    /// The state of one licence, read in the next batch.
    pub(crate) async fn state(&self, id: &str) -> Result<Option<LicenceStateRow>, AppError> {
        let (reply, answer) = oneshot::channel();
        self.sender
            .send((id.to_string(), reply))
            .map_err(|_| AppError::from(StoreError::WriterGone))?;
        answer
            .await
            .map_err(|_| AppError::from(StoreError::WriterGone))?
            .map_err(AppError::Internal)
    }
}

async fn run(store: Store, mut receiver: mpsc::UnboundedReceiver<(String, Reply)>) {
    while let Some(first) = receiver.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match receiver.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        let mut ids: Vec<String> = batch.iter().map(|(id, _)| id.clone()).collect();
        ids.sort();
        ids.dedup();
        let result: Result<HashMap<String, LicenceStateRow>, String> =
            store.licence_states(&ids).await.map_err(|e| e.to_string());
        for (id, reply) in batch {
            let answer = match &result {
                Ok(rows) => Ok(rows.get(&id).cloned()),
                Err(e) => Err(e.clone()),
            };
            let _ = reply.send(answer);
        }
    }
}
