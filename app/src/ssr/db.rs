//! Connecting to SQLite or PostgreSQL by URL, and mapping database errors once.

use crate::error::AppError;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr, SqlErr};
use std::time::Duration;

/// Opens a pool. SQLite runs in WAL mode with a busy timeout, so readers never block the writer
/// and concurrent writers queue instead of failing.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_string());
    options.sqlx_logging(false).connect_timeout(Duration::from_secs(10)).acquire_timeout(Duration::from_secs(30));
    if url.starts_with("sqlite:") {
        options.max_connections(8).min_connections(1).map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(30))
                .foreign_keys(true)
                .create_if_missing(true)
        });
    } else {
        options.max_connections(16).min_connections(1);
    }
    Database::connect(options).await
}

/// Whether the error is a unique-constraint violation (an e-mail or domain already taken).
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

impl From<DbErr> for AppError {
    /// Every database failure not handled where it happened is ours: log it, tell the client
    /// nothing of SQL.
    fn from(err: DbErr) -> Self {
        tracing::error!(error = %err, "database error");
        AppError::internal()
    }
}
