//! Electronic licences: the type catalogue, the 互通互认清单, departments' signing keys, the
//! licences themselves and their state.

use sqlx::Any;

use crate::applications::values_list;
use crate::error::StoreError;
use crate::pii::PiiSlot;
use crate::pool::Store;
use crate::row::row_struct;
use crate::write_ctx::WriteCtx;

row_struct! {
    /// A licence type; `content` is the domain `LicenceType` as JSON.
    pub struct LicenceTypeRow {
        pub code: String,
        pub name: String,
        pub holder_kind: String,
        pub content: String,
        pub updated_at_ms: i64,
    }
}

row_struct! {
    /// One entry of the 互通互认清单 (`item_code` '' = every item).
    pub struct RecognitionRow {
        pub department_id: String,
        pub type_code: String,
        pub item_code: String,
    }
}

row_struct! {
    /// A department's SM2 key: the public key as SPKI PEM, the private scalar sealed (hex).
    pub struct SigningKeyRow {
        pub key_id: String,
        pub department_id: String,
        pub public_pem: String,
        pub sealed_secret: String,
        pub created_at_ms: i64,
        pub retired_at_ms: Option<i64>,
    }
}

row_struct! {
    /// A signed licence. The signed header is rebuilt from these columns, so the signature
    /// also guards the row.
    pub struct LicenceRow {
        pub id: String,
        pub type_code: String,
        pub name: String,
        pub number: String,
        pub holder_kind: String,
        pub holder_name: String,
        pub holder_code: String,
        pub holder_key: String,
        pub issuer_department_id: String,
        pub issuer_name: String,
        pub issuer_code: String,
        pub issued_on: String,
        pub valid_from: String,
        pub valid_until: Option<String>,
        /// Face fields as a JSON object.
        pub face: String,
        pub key_id: String,
        /// DER signature, base64.
        pub signature: String,
        pub state: String,
        pub state_reason: String,
        pub state_changed_at_ms: i64,
        /// `application`, `manual` or `import`.
        pub source: String,
        pub application_id: Option<String>,
        pub warning: String,
        pub created_at_ms: i64,
    }
}

row_struct! {
    /// What a verifier needs to know beyond the signature.
    pub struct LicenceStateRow {
        pub state: String,
        pub state_reason: String,
        pub valid_from: String,
        pub valid_until: Option<String>,
        pub state_changed_at_ms: i64,
        /// The keyed hash of the holder's code, for the 用证记录 of the check.
        pub holder_key: String,
    }
}

row_struct! {
    /// A state row with its licence id (for batched reads).
    pub struct IdStateRow {
        pub id: String,
        pub state: String,
        pub state_reason: String,
        pub valid_from: String,
        pub valid_until: Option<String>,
        pub state_changed_at_ms: i64,
        pub holder_key: String,
    }
}

const TYPE_COLS: &str = "code, name, holder_kind, content, updated_at_ms";
const KEY_COLS: &str =
    "key_id, department_id, public_pem, sealed_secret, created_at_ms, retired_at_ms";
const LICENCE_COLS: &str = "id, type_code, name, number, holder_kind, holder_name, holder_code, \
     holder_key, issuer_department_id, issuer_name, issuer_code, issued_on, valid_from, \
     valid_until, face, key_id, signature, state, state_reason, state_changed_at_ms, source, \
     application_id, warning, created_at_ms";
const LICENCE_COL_COUNT: usize = 24;

/// Filters of the staff list of licences.
#[derive(Debug, Clone, Default)]
pub struct LicenceFilter {
    pub type_code: Option<String>,
    pub issuer_department_id: Option<String>,
    pub state: Option<String>,
    pub holder_key: Option<String>,
    pub offset: i64,
    pub limit: i64,
}

impl Store {
    pub async fn licence_types(&self) -> Result<Vec<LicenceTypeRow>, StoreError> {
        Ok(
            sqlx::query_as::<Any, LicenceTypeRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {TYPE_COLS} FROM licence_types ORDER BY code"
            )))
            .fetch_all(&self.pool)
            .await?,
        )
    }

    pub async fn licence_type(&self, code: &str) -> Result<Option<LicenceTypeRow>, StoreError> {
        Ok(
            sqlx::query_as::<Any, LicenceTypeRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {TYPE_COLS} FROM licence_types WHERE code = $1"
            )))
            .bind(code)
            .fetch_optional(&self.pool)
            .await?,
        )
    }

    pub async fn recognitions(&self) -> Result<Vec<RecognitionRow>, StoreError> {
        Ok(sqlx::query_as::<Any, RecognitionRow>(
            "SELECT department_id, type_code, item_code FROM licence_recognitions
             ORDER BY department_id, type_code, item_code",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// Every key, newest first (retired ones too: they still verify earlier licences).
    pub async fn signing_keys(&self) -> Result<Vec<SigningKeyRow>, StoreError> {
        Ok(
            sqlx::query_as::<Any, SigningKeyRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {KEY_COLS} FROM signing_keys ORDER BY created_at_ms DESC, key_id"
            )))
            .fetch_all(&self.pool)
            .await?,
        )
    }

    pub async fn signing_key(&self, key_id: &str) -> Result<Option<SigningKeyRow>, StoreError> {
        Ok(
            sqlx::query_as::<Any, SigningKeyRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {KEY_COLS} FROM signing_keys WHERE key_id = $1"
            )))
            .bind(key_id)
            .fetch_optional(&self.pool)
            .await?,
        )
    }

    /// The key a department signs with now.
    pub async fn active_signing_key(
        &self,
        department_id: &str,
    ) -> Result<Option<SigningKeyRow>, StoreError> {
        Ok(
            sqlx::query_as::<Any, SigningKeyRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {KEY_COLS} FROM signing_keys
             WHERE department_id = $1 AND retired_at_ms IS NULL
             ORDER BY created_at_ms DESC LIMIT 1"
            )))
            .bind(department_id)
            .fetch_optional(&self.pool)
            .await?,
        )
    }

    pub async fn licence(&self, id: &str) -> Result<Option<LicenceRow>, StoreError> {
        let row = sqlx::query_as::<Any, LicenceRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {LICENCE_COLS} FROM licences WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| open_licence(&self.pii, row)).transpose()
    }

    /// The state, dates and holder key of a licence: the one read a verification needs.
    pub async fn licence_state(&self, id: &str) -> Result<Option<LicenceStateRow>, StoreError> {
        Ok(sqlx::query_as::<Any, LicenceStateRow>(
            "SELECT state, state_reason, valid_from, valid_until, state_changed_at_ms, holder_key
             FROM licences WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The state rows of many licences in one statement (for checks arriving together), keyed
    /// by id; unknown ids are absent.
    pub async fn licence_states(
        &self,
        ids: &[String],
    ) -> Result<std::collections::HashMap<String, LicenceStateRow>, StoreError> {
        let mut out = std::collections::HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT id, state, state_reason, valid_from, valid_until, state_changed_at_ms,
                        holder_key
                 FROM licences WHERE id IN ({})",
                placeholders.join(", ")
            );
            let mut q = sqlx::query_as::<Any, IdStateRow>(sqlx::AssertSqlSafe(sql));
            for id in chunk {
                q = q.bind(id.clone());
            }
            for r in q.fetch_all(&self.pool).await? {
                out.insert(
                    r.id,
                    LicenceStateRow {
                        state: r.state,
                        state_reason: r.state_reason,
                        valid_from: r.valid_from,
                        valid_until: r.valid_until,
                        state_changed_at_ms: r.state_changed_at_ms,
                        holder_key: r.holder_key,
                    },
                );
            }
        }
        Ok(out)
    }

    /// A holder's licences (by the keyed hash of their code), newest first: by issue date, then
    /// (for licences issued the same day) by when they were written.
    pub async fn licences_of_holder(
        &self,
        holder_key: &str,
    ) -> Result<Vec<LicenceRow>, StoreError> {
        let rows = sqlx::query_as::<Any, LicenceRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {LICENCE_COLS} FROM licences WHERE holder_key = $1
             ORDER BY issued_on DESC, created_at_ms DESC, id LIMIT 500"
        )))
        .bind(holder_key)
        .fetch_all(&self.pool)
        .await?;
        open_licences(&self.pii, rows)
    }

    /// The licences a case issued.
    pub async fn licences_of_application(
        &self,
        application_id: &str,
    ) -> Result<Vec<LicenceRow>, StoreError> {
        let rows = sqlx::query_as::<Any, LicenceRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {LICENCE_COLS} FROM licences WHERE application_id = $1 ORDER BY id"
        )))
        .bind(application_id)
        .fetch_all(&self.pool)
        .await?;
        open_licences(&self.pii, rows)
    }

    /// Licences not active (suspended or revoked): the status list.
    pub async fn inactive_licences(&self) -> Result<Vec<(String, String, i64)>, StoreError> {
        Ok(sqlx::query_as::<Any, (String, String, i64)>(
            "SELECT id, state, state_changed_at_ms FROM licences
             WHERE state <> 'active' ORDER BY state_changed_at_ms, id",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// A page of licences for staff lists, newest first, and how many match.
    pub async fn licences_page(
        &self,
        f: &LicenceFilter,
    ) -> Result<(Vec<LicenceRow>, i64), StoreError> {
        let mut clauses = Vec::new();
        let mut args: Vec<String> = Vec::new();
        for (col, v) in [
            ("type_code", &f.type_code),
            ("issuer_department_id", &f.issuer_department_id),
            ("state", &f.state),
            ("holder_key", &f.holder_key),
        ] {
            if let Some(v) = v {
                args.push(v.clone());
                clauses.push(format!("{col} = ${}", args.len()));
            }
        }
        let where_sql = if clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", clauses.join(" AND "))
        };
        let count_sql = format!("SELECT COUNT(*) FROM licences {where_sql}");
        let mut count = sqlx::query_scalar::<Any, i64>(sqlx::AssertSqlSafe(count_sql));
        for a in &args {
            count = count.bind(a.clone());
        }
        let total = count.fetch_one(&self.pool).await?;
        let sql = format!(
            "SELECT {LICENCE_COLS} FROM licences {where_sql}
             ORDER BY created_at_ms DESC, id LIMIT {} OFFSET {}",
            f.limit.clamp(1, 500),
            f.offset.max(0)
        );
        let mut q = sqlx::query_as::<Any, LicenceRow>(sqlx::AssertSqlSafe(sql));
        for a in &args {
            q = q.bind(a.clone());
        }
        let rows = q.fetch_all(&self.pool).await?;
        Ok((open_licences(&self.pii, rows)?, total))
    }

    /// How many licences there are, by source.
    pub async fn licence_counts(&self) -> Result<Vec<(String, i64)>, StoreError> {
        Ok(sqlx::query_as::<Any, (String, i64)>(
            "SELECT source, COUNT(*) FROM licences GROUP BY source ORDER BY source",
        )
        .fetch_all(&self.pool)
        .await?)
    }
}

impl WriteCtx {
    /// Writes a type, replacing the type of the same code; another type's name is a
    /// `Conflict`.
    pub async fn upsert_licence_type(&mut self, row: &LicenceTypeRow) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO licence_types (code, name, holder_kind, content, updated_at_ms)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (code) DO UPDATE SET name = excluded.name,
                 holder_kind = excluded.holder_kind, content = excluded.content,
                 updated_at_ms = excluded.updated_at_ms",
        )
        .bind(&row.code)
        .bind(&row.name)
        .bind(&row.holder_kind)
        .bind(&row.content)
        .bind(row.updated_at_ms)
        .execute(self.conn().await?)
        .await
        .map_err(StoreError::from_write)?;
        Ok(())
    }

    /// Replaces the whole 互通互认清单.
    pub async fn replace_recognitions(
        &mut self,
        rows: &[RecognitionRow],
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM licence_recognitions")
            .execute(self.conn().await?)
            .await?;
        let engine = self.engine();
        for chunk in rows.chunks(300) {
            let sql = format!(
                "INSERT INTO licence_recognitions (department_id, type_code, item_code) VALUES {}
                 ON CONFLICT DO NOTHING",
                values_list(engine, chunk.len(), 3)
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for r in chunk {
                q = q
                    .bind(r.department_id.clone())
                    .bind(r.type_code.clone())
                    .bind(r.item_code.clone());
            }
            q.execute(self.conn().await?).await?;
        }
        Ok(())
    }

    /// Adds a key. A second unretired key of the same department is a `Conflict` (the
    /// partial unique index `signing_keys_active`): retire the current one first.
    pub async fn insert_signing_key(&mut self, row: &SigningKeyRow) -> Result<(), StoreError> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO signing_keys ({KEY_COLS}) VALUES ($1, $2, $3, $4, $5, $6)"
        )))
        .bind(&row.key_id)
        .bind(&row.department_id)
        .bind(&row.public_pem)
        .bind(&row.sealed_secret)
        .bind(row.created_at_ms)
        .bind(row.retired_at_ms)
        .execute(self.conn().await?)
        .await
        .map_err(StoreError::from_write)?;
        Ok(())
    }

    /// Retires a department's current keys (they stay published).
    pub async fn retire_signing_keys(
        &mut self,
        department_id: &str,
        at_ms: i64,
    ) -> Result<u64, StoreError> {
        Ok(sqlx::query(
            "UPDATE signing_keys SET retired_at_ms = $2
             WHERE department_id = $1 AND retired_at_ms IS NULL",
        )
        .bind(department_id)
        .bind(at_ms)
        .execute(self.conn().await?)
        .await?
        .rows_affected())
    }

    /// The key a department signs with now, read inside the unit.
    pub async fn active_signing_key_in(
        &mut self,
        department_id: &str,
    ) -> Result<Option<SigningKeyRow>, StoreError> {
        Ok(
            sqlx::query_as::<Any, SigningKeyRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {KEY_COLS} FROM signing_keys
             WHERE department_id = $1 AND retired_at_ms IS NULL
             ORDER BY created_at_ms DESC LIMIT 1"
            )))
            .bind(department_id)
            .fetch_optional(self.conn().await?)
            .await?,
        )
    }

    /// Inserts licences in multi-row statements. A licence whose id, or whose (application,
    /// type), already exists is skipped; returns how many were inserted.
    pub async fn insert_licences(&mut self, rows: &[LicenceRow]) -> Result<u64, StoreError> {
        Ok(self.insert_licences_returning(rows).await?.len() as u64)
    }

    /// As [`WriteCtx::insert_licences`], returning the ids actually inserted.
    pub async fn insert_licences_returning(
        &mut self,
        rows: &[LicenceRow],
    ) -> Result<Vec<String>, StoreError> {
        let engine = self.engine();
        let mut inserted = Vec::with_capacity(rows.len());
        for chunk in rows.chunks(400) {
            let sql = format!(
                "INSERT INTO licences ({LICENCE_COLS}) VALUES {} ON CONFLICT DO NOTHING RETURNING id",
                values_list(engine, chunk.len(), LICENCE_COL_COUNT)
            );
            let mut q = sqlx::query_as::<Any, (String,)>(sqlx::AssertSqlSafe(sql));
            for r in chunk {
                let r = &seal_licence(&self.pii, r)?;
                q = q
                    .bind(r.id.clone())
                    .bind(r.type_code.clone())
                    .bind(r.name.clone())
                    .bind(r.number.clone())
                    .bind(r.holder_kind.clone())
                    .bind(r.holder_name.clone())
                    .bind(r.holder_code.clone())
                    .bind(r.holder_key.clone())
                    .bind(r.issuer_department_id.clone())
                    .bind(r.issuer_name.clone())
                    .bind(r.issuer_code.clone())
                    .bind(r.issued_on.clone())
                    .bind(r.valid_from.clone())
                    .bind(r.valid_until.clone())
                    .bind(r.face.clone())
                    .bind(r.key_id.clone())
                    .bind(r.signature.clone())
                    .bind(r.state.clone())
                    .bind(r.state_reason.clone())
                    .bind(r.state_changed_at_ms)
                    .bind(r.source.clone())
                    .bind(r.application_id.clone())
                    .bind(r.warning.clone())
                    .bind(r.created_at_ms);
            }
            let ids: Vec<(String,)> = q.fetch_all(self.conn().await?).await?;
            inserted.extend(ids.into_iter().map(|(id,)| id));
        }
        Ok(inserted)
    }

    /// A licence read inside the unit.
    pub async fn licence_in(&mut self, id: &str) -> Result<Option<LicenceRow>, StoreError> {
        let row = sqlx::query_as::<Any, LicenceRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {LICENCE_COLS} FROM licences WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(self.conn().await?)
        .await?;
        row.map(|row| open_licence(&self.pii, row)).transpose()
    }

    /// Moves a licence from `from_state` to `to_state`; false if it was not in `from_state`.
    pub async fn set_licence_state(
        &mut self,
        id: &str,
        from_state: &str,
        to_state: &str,
        reason: &str,
        at_ms: i64,
    ) -> Result<bool, StoreError> {
        Ok(sqlx::query(
            "UPDATE licences SET state = $3, state_reason = $4, state_changed_at_ms = $5
             WHERE id = $1 AND state = $2",
        )
        .bind(id)
        .bind(from_state)
        .bind(to_state)
        .bind(reason)
        .bind(at_ms)
        .execute(self.conn().await?)
        .await?
        .rows_affected()
            == 1)
    }
}

/// The holder kind (持证主体代码类型 111) whose licences carry a natural person's ID number.
const PERSON_HOLDER: &str = "111";

/// The columns of a natural person's licence that carry their ID number: the code, the licence
/// number (some types number by it) and the face. Sealed at rest, bound to the licence id.
const PERSON_COLUMNS: [&str; 3] = ["licences.number", "licences.holder_code", "licences.face"];

/// A licence row as stored: a natural person's number, code and face sealed.
fn seal_licence(pii: &PiiSlot, row: &LicenceRow) -> Result<LicenceRow, StoreError> {
    let mut row = row.clone();
    if row.holder_kind == PERSON_HOLDER {
        let [number, code, face] = PERSON_COLUMNS;
        row.number = seal_if_plain(pii, &row.number, number, &row.id)?;
        row.holder_code = seal_if_plain(pii, &row.holder_code, code, &row.id)?;
        row.face = seal_if_plain(pii, &row.face, face, &row.id)?;
    }
    Ok(row)
}

fn seal_if_plain(
    pii: &PiiSlot,
    value: &str,
    column: &str,
    row_id: &str,
) -> Result<String, StoreError> {
    if tongban_domain::pii::is_sealed(value) {
        Ok(value.to_string())
    } else {
        pii.seal(value, column, row_id)
    }
}

/// A licence row as read: sealed columns opened (plaintext from before sealing kept).
fn open_licence(pii: &PiiSlot, mut row: LicenceRow) -> Result<LicenceRow, StoreError> {
    let [number, code, face] = PERSON_COLUMNS;
    row.number = pii.open(&row.number, number, &row.id)?;
    row.holder_code = pii.open(&row.holder_code, code, &row.id)?;
    row.face = pii.open(&row.face, face, &row.id)?;
    Ok(row)
}

fn open_licences(pii: &PiiSlot, rows: Vec<LicenceRow>) -> Result<Vec<LicenceRow>, StoreError> {
    rows.into_iter().map(|row| open_licence(pii, row)).collect()
}

/// Seals the plaintext columns of up to `batch` natural persons' licences after `after` (by
/// id), in one unit; returns the last id read (None when none was left) and how many changed.
pub(crate) async fn seal_plaintext_licences(
    store: &Store,
    after: &str,
    batch: i64,
) -> Result<(Option<String>, u64), StoreError> {
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT id, number, holder_code, face FROM licences
         WHERE id > $1 AND holder_kind = $2 AND holder_code NOT LIKE $3
         ORDER BY id LIMIT $4",
    )
    .bind(after)
    .bind(PERSON_HOLDER)
    .bind(format!("{}%", tongban_domain::pii::SEALED_PREFIX))
    .bind(batch)
    .fetch_all(&store.pool)
    .await?;
    let Some(last) = rows.last().map(|r| r.0.clone()) else {
        return Ok((None, 0));
    };
    let [number_col, code_col, face_col] = PERSON_COLUMNS;
    let mut sealed = Vec::with_capacity(rows.len());
    for (id, number, code, face) in rows {
        let new = (
            seal_if_plain(&store.pii, &number, number_col, &id)?,
            seal_if_plain(&store.pii, &code, code_col, &id)?,
            seal_if_plain(&store.pii, &face, face_col, &id)?,
        );
        sealed.push((id, code, new));
    }
    let changed = store
        .write(move |ctx| {
            Box::pin(async move {
                let mut changed = 0;
                for (id, code, (number, new_code, face)) in &sealed {
                    let done = sqlx::query(
                        "UPDATE licences SET number = $1, holder_code = $2, face = $3
                         WHERE id = $4 AND holder_code = $5",
                    )
                    .bind(number)
                    .bind(new_code)
                    .bind(face)
                    .bind(id)
                    .bind(code)
                    .execute(ctx.conn().await?)
                    .await?;
                    changed += done.rows_affected();
                }
                Ok::<_, StoreError>(changed)
            })
        })
        .await?;
    Ok((Some(last), changed))
}
