//! Connecting to SQLite or PostgreSQL by URL, and mapping database errors once.

use crate::error::AppError;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, DbErr, SqlErr};
use std::time::Duration;
use tokio::sync::{Mutex, MutexGuard};

/// Opens a pool. SQLite runs in WAL mode with a busy timeout, so readers never block the writer
/// and concurrent writers queue instead of failing.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_string());
    options.sqlx_logging(false).connect_timeout(Duration::from_secs(10)).acquire_timeout(Duration::from_secs(30));
    if url.starts_with("sqlite:") {
        sqlite_without_memory_statistics();
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

/// Switches off SQLite's memory statistics, once per process, before its first connection.
/// SQLite keeps them under one process-wide mutex taken on every allocation and free, so the
/// pool's connections, each on a thread of its own, queued on it: a profile of the queue view
/// under load spent about a third of its samples waking and waiting on that lock
/// (docs/benchmarks.md). The portal never reads the statistics. SQLite takes the setting only
/// before it initialises; if something opened a connection first, it says so and nothing changes.
fn sqlite_without_memory_statistics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: sqlite3_config is safe to call before sqlite3_initialize, from one thread at a
        // time (the Once); afterwards it refuses with SQLITE_MISUSE and changes nothing.
        let code = unsafe { libsqlite3_sys::sqlite3_config(libsqlite3_sys::SQLITE_CONFIG_MEMSTATUS, 0) };
        if code != libsqlite3_sys::SQLITE_OK {
            tracing::warn!(code, "SQLite was already initialised: its memory statistics stay on");
        }
    });
}

/// Queues this process's SQLite writers in memory. SQLite has one writer at a time; a second
/// transaction that wants to write polls the lock from its busy handler, sleeping up to 100 ms
/// between tries, so under contention most time is spent asleep. Writers of contended data (the
/// voucher ledger, the ticket counter) take this gate before they begin: each is woken the moment
/// the one before it finishes. Other processes sharing the file still queue on SQLite's own lock.
/// PostgreSQL needs no gate (its row locks wake waiters). Take it with the pool, never inside a
/// transaction, and hold it until the transaction ends.
pub async fn write_gate(db: &impl ConnectionTrait) -> Option<MutexGuard<'static, ()>> {
    static GATE: Mutex<()> = Mutex::const_new(());
    match db.get_database_backend() {
        DatabaseBackend::Sqlite => Some(GATE.lock().await),
        _ => None,
    }
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

#[cfg(test)]
mod tests {
    use sea_orm::ConnectionTrait;

    #[tokio::test]
    async fn sqlite_keeps_no_memory_statistics() {
        let db = super::connect("sqlite::memory:").await.expect("an in-memory database");
        db.execute_unprepared("CREATE TABLE t (x TEXT); INSERT INTO t VALUES (hex(randomblob(4096)))")
            .await
            .expect("SQLite allocates for this");
        // SAFETY: reads a counter; SQLite is initialised.
        let counted = unsafe { libsqlite3_sys::sqlite3_memory_used() };
        assert_eq!(counted, 0, "SQLite counts its allocations (under its global mutex)");
    }
}
