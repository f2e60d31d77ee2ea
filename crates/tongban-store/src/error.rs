//! Errors of the storage layer, with the constraint names callers can react to.

/// What went wrong in storage. Adapters map unique violations to `Conflict` so use cases can
/// tell a user "that login is taken" instead of showing a 500.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("record not found: {0}")]
    NotFound(&'static str),
    #[error("conflicts with an existing record ({0})")]
    Conflict(String),
    #[error("the writer has stopped")]
    WriterGone,
    #[error("the commit failed, nothing was saved: {0}")]
    CommitFailed(String),
    #[error("invalid store configuration: {0}")]
    Config(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

impl StoreError {
    /// Maps a unique-constraint violation to `Conflict`, keeping every other error as it is.
    pub(crate) fn from_write(err: sqlx::Error) -> StoreError {
        if let sqlx::Error::Database(db) = &err {
            let msg = db.message().to_string();
            let unique = matches!(
                db.code().as_deref(),
                Some("23505") | Some("2067") | Some("1555")
            ) || msg.contains("UNIQUE constraint failed");
            if unique {
                return StoreError::Conflict(msg);
            }
        }
        StoreError::Database(err)
    }
}
