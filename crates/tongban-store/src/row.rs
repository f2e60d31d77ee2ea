//! `row_struct!`: declares a row type and its `FromRow` mapping by column name.
//!
//! Written by hand because sqlx's `derive` feature pulls in its proc-macro crate, which compiles
//! both database drivers (and the C SQLite) a second time for the host.

macro_rules! row_struct {
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[$fmeta:meta])* pub $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name { $($(#[$fmeta])* pub $field: $ty),* }

        impl<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> for $name {
            fn from_row(row: &'r sqlx::any::AnyRow) -> Result<Self, sqlx::Error> {
                use sqlx::Row;
                Ok($name { $($field: row.try_get(stringify!($field))?),* })
            }
        }
    };
}

pub(crate) use row_struct;
