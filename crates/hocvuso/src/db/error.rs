//! Storage errors. Constraint violations are told apart so callers can turn them into form errors.
use thiserror::Error;

#[derive(Debug, Error)]
pub enum DbError {
    #[error("unique constraint violated: {0}")]
    Unique(String),
    #[error("foreign key violated: {0}")]
    ForeignKey(String),
    /// Two transactions collided (PostgreSQL serialization failure or deadlock, SQLite busy or locked):
    /// nothing is wrong with the data, and running the whole transaction again succeeds.
    #[error("transaction collided, retry: {0}")]
    Collision(String),
    /// The database refused a value of the statement (a data exception such as a NUL byte or an
    /// out-of-range number, or a check or not-null constraint): the fault of the input, not the system.
    #[error("value refused: {0}")]
    Refused(String),
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
            let code = d.code().unwrap_or_default();
            let message = d.message().to_owned();
            let pg = d
                .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
                .is_some();
            match classify_code(pg, &code, d.kind()) {
                Class::Collision => return DbError::Collision(message),
                Class::Refused => return DbError::Refused(message),
                Class::Other => {}
            }
        }
        DbError::Other(e)
    }

    /// A collision between transactions, or a unique-key race (two requests inserting the same key):
    /// worth running the whole transaction again.
    pub(crate) fn is_retryable(&self) -> bool {
        matches!(self, DbError::Collision(_) | DbError::Unique(_))
    }

    /// A failure caused by one item's values rather than by the system: the item can be refused alone.
    pub(crate) fn is_item_fault(&self) -> bool {
        matches!(self, DbError::Refused(_) | DbError::ForeignKey(_))
    }

    pub(crate) fn is_unique(&self) -> bool {
        matches!(self, DbError::Unique(_))
    }
}

enum Class {
    Collision,
    Refused,
    Other,
}

/// PostgreSQL SQLSTATEs (five characters) and SQLite extended result codes (numbers).
fn classify_code(pg: bool, code: &str, kind: sqlx::error::ErrorKind) -> Class {
    use sqlx::error::ErrorKind;
    if matches!(
        kind,
        ErrorKind::NotNullViolation | ErrorKind::CheckViolation
    ) {
        return Class::Refused;
    }
    if pg {
        return match code {
            // serialization_failure, deadlock_detected, lock_not_available
            "40001" | "40P01" | "55P03" => Class::Collision,
            // Class 22, data exception: NUL in text (22021, 22P05), too long (22001), out of range
            // (22003), bad date or time (22007, 22008)…
            c if c.starts_with("22") => Class::Refused,
            _ => Class::Other,
        };
    }
    match code.parse::<i32>().map(|n| n & 0xff) {
        // SQLITE_BUSY, SQLITE_LOCKED and their extended codes (the primary code is the low byte).
        Ok(5 | 6) => Class::Collision,
        // SQLITE_TOOBIG, SQLITE_MISMATCH, SQLITE_RANGE
        Ok(18 | 20 | 25) => Class::Refused,
        _ => Class::Other,
    }
}
