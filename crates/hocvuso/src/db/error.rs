//! Storage errors. Constraint violations are told apart so callers can turn them into form errors.
use thiserror::Error;

#[derive(Debug, Error)]
pub enum DbError {
    #[error("unique constraint violated: {0}")]
    Unique(String),
    #[error("foreign key violated: {0}")]
    ForeignKey(String),
    #[error("database: {0}")]
    Other(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

pub type DbResult<T> = Result<T, DbError>;

impl DbError {
    pub(crate) fn classify(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(d) = &e {
            let what = d
                .constraint()
                .map(str::to_owned)
                .unwrap_or_else(|| d.message().to_owned());
            if d.is_unique_violation() {
                return DbError::Unique(what);
            }
            if d.is_foreign_key_violation() {
                return DbError::ForeignKey(what);
            }
        }
        DbError::Other(e)
    }

    pub fn is_unique(&self) -> bool {
        matches!(self, DbError::Unique(_))
    }
}

/// `store::insert(..).await.on_unique(|| AppError::conflict("phone"))` style mapping.
pub trait ResultExt<T> {
    fn on_unique<E>(self, f: impl FnOnce() -> E) -> Result<T, E>
    where
        E: From<DbError>;
}

impl<T> ResultExt<T> for DbResult<T> {
    fn on_unique<E>(self, f: impl FnOnce() -> E) -> Result<T, E>
    where
        E: From<DbError>,
    {
        match self {
            Err(e) if e.is_unique() => Err(f()),
            other => other.map_err(E::from),
        }
    }
}
