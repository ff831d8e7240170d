//! Connecting to SQLite or PostgreSQL by URL, and mapping database errors once.

use crate::error::AppError;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    AccessMode, ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, DatabaseTransaction,
    DbErr, ExecResult, IsolationLevel, QueryResult, SqlErr, Statement, TransactionError, TransactionTrait,
};
use std::any::Any;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;
use tokio::sync::{Mutex, MutexGuard};

/// Opens a pool. SQLite runs in WAL mode with a busy timeout, so readers never block the writer
/// and concurrent writers queue instead of failing.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_string());
    options.sqlx_logging(false).connect_timeout(Duration::from_secs(10)).acquire_timeout(Duration::from_secs(30));
    if url.starts_with("sqlite:") {
        configure_sqlite();
        options.max_connections(sqlite_connections()).min_connections(1).map_sqlx_sqlite_opts(|o| {
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

/// How many connections the SQLite pool keeps: two per core, four to eight. Each holds its own
/// page cache and prepared statements, which every commit by another connection empties (WAL), and
/// a thread; SQLite writes one at a time whatever their number. On two cores, four instead of
/// eight made no difference to creation, replies or redemptions and cut the peak under writes
/// from 110-114 to 84-90 MB (docs/benchmarks.md, session 21).
fn sqlite_connections() -> u32 {
    connections_for(std::thread::available_parallelism().map_or(1, |n| n.get()))
}

fn connections_for(cores: usize) -> u32 {
    (2 * cores.min(4) as u32).clamp(4, 8)
}

/// Whether SQLite took this process's settings (`configure_sqlite`); unset before the first
/// connection.
static SQLITE_CONFIGURED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();

/// Configures SQLite once per process, before its first connection. SQLite takes these settings
/// only before it initialises; if something opened a connection first, it says so and nothing
/// changes.
/// - Its memory statistics are off. SQLite keeps them under one process-wide mutex taken on
///   every allocation and free, so the pool's connections, each on a thread of its own, queued on
///   it: a profile of the queue view under load spent about a third of its samples waking and
///   waiting on that lock (docs/benchmarks.md). The portal never reads the statistics.
/// - Its memory comes from mimalloc, the allocator of the rest of the server, rather than the C
///   library's `malloc`. glibc gives each connection's thread an arena of its own and keeps what
///   is freed there; a profile of tickets being raised spent 8% of the portal's time in glibc's
///   `malloc` and `free`, most of it SQLite dropping and refilling its page caches, which every
///   commit by another connection empties (docs/benchmarks.md, session 20).
///
/// Every SQLite connection of the process opens after it (`connect`, and the backup's own), so
/// that SQLite never allocates with one allocator and frees with the other.
pub fn configure_sqlite() {
    use libmimalloc_sys::{mi_free, mi_good_size, mi_malloc, mi_realloc, mi_usable_size};
    use libsqlite3_sys::{
        sqlite3_config, sqlite3_mem_methods, SQLITE_CONFIG_MALLOC, SQLITE_CONFIG_MEMSTATUS, SQLITE_OK,
    };
    use std::ffi::{c_int, c_void};

    // SQLite asks for sizes as C ints; mimalloc answers in usize.
    fn to_int(n: usize) -> c_int {
        c_int::try_from(n).unwrap_or(c_int::MAX)
    }
    // SAFETY (the five below): each passes SQLite's pointers and sizes to mimalloc's function of
    // the same contract; every block SQLite frees, resizes or measures came from these.
    unsafe extern "C" fn malloc(n: c_int) -> *mut c_void {
        unsafe { mi_malloc(n.max(0) as usize) }
    }
    unsafe extern "C" fn free(p: *mut c_void) {
        unsafe { mi_free(p) }
    }
    unsafe extern "C" fn realloc(p: *mut c_void, n: c_int) -> *mut c_void {
        unsafe { mi_realloc(p, n.max(0) as usize) }
    }
    unsafe extern "C" fn size(p: *mut c_void) -> c_int {
        to_int(unsafe { mi_usable_size(p) })
    }
    unsafe extern "C" fn roundup(n: c_int) -> c_int {
        to_int(unsafe { mi_good_size(n.max(0) as usize) })
    }
    unsafe extern "C" fn init(_: *mut c_void) -> c_int {
        SQLITE_OK
    }
    unsafe extern "C" fn shutdown(_: *mut c_void) {}

    SQLITE_CONFIGURED.get_or_init(|| {
        let methods = sqlite3_mem_methods {
            xMalloc: Some(malloc),
            xFree: Some(free),
            xRealloc: Some(realloc),
            xSize: Some(size),
            xRoundup: Some(roundup),
            xInit: Some(init),
            xShutdown: Some(shutdown),
            pAppData: std::ptr::null_mut(),
        };
        // SAFETY: sqlite3_config is safe to call before sqlite3_initialize, from one thread at a
        // time (the OnceLock); afterwards it refuses with SQLITE_MISUSE and changes nothing.
        // SQLite copies `methods` before it returns.
        let codes =
            unsafe { [sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0), sqlite3_config(SQLITE_CONFIG_MALLOC, &methods)] };
        let taken = codes.iter().all(|&code| code == SQLITE_OK);
        if !taken {
            tracing::warn!(
                ?codes,
                "SQLite was already initialised: it keeps its memory statistics and the C allocator"
            );
        }
        taken
    });
}

/// Queues this process's SQLite writers in memory. SQLite has one writer at a time; a second
/// transaction that wants to write polls the lock from its busy handler, sleeping up to 100 ms
/// between tries, so under contention most time is spent asleep (replies' p99 was 437 ms at eight
/// writers: docs/benchmarks.md). Every write transaction (`begin`) takes this gate first: each is
/// woken the moment the one before it finishes, first come first served. Other processes sharing
/// the file still queue on SQLite's own lock. PostgreSQL needs no gate (its row locks wake
/// waiters). A transaction begun inside another (a savepoint) takes nothing: its outer one holds
/// the gate.
pub type Gate = Option<MutexGuard<'static, ()>>;

/// How long a writer waits for the others of its process before it gives up: SQLite's busy
/// timeout, as before the gate.
const GATE_WAIT: Duration = Duration::from_secs(30);

/// What a writer that waited its `GATE_WAIT` (for the gate, or for SQLite's lock held by another
/// process) is answered: a 503 to try again shortly.
fn writers_busy() -> AppError {
    AppError::unavailable("The portal is busy. Try again in a moment.", 5)
}

/// Takes the write gate when `db` is the pool itself (inside a transaction its outer one holds it).
async fn write_gate<C: ConnectionTrait + 'static>(db: &C) -> Result<Gate, AppError> {
    static GATE: Mutex<()> = Mutex::const_new(());
    let pool = (db as &dyn Any).downcast_ref::<DatabaseConnection>();
    if !pool.is_some_and(|p| p.get_database_backend() == DatabaseBackend::Sqlite) {
        return Ok(None);
    }
    match tokio::time::timeout(GATE_WAIT, GATE.lock()).await {
        Ok(gate) => Ok(Some(gate)),
        Err(_) => {
            tracing::warn!("a writer waited {GATE_WAIT:?} for the write gate");
            Err(writers_busy())
        }
    }
}

/// Begins a write transaction: on SQLite behind this process's write gate, held until the
/// transaction commits, rolls back or is dropped, and holding SQLite's write lock from its start
/// (`immediately`).
pub async fn begin<C: ConnectionTrait + TransactionTrait + 'static>(db: &C) -> Result<Write, AppError> {
    let gate = write_gate(db).await?;
    let txn = db.begin().await?;
    if gate.is_some() {
        immediately(&txn).await?;
    }
    Ok(Write { txn, _gate: gate })
}

/// Turns SQLite's deferred transaction, which sea-orm always begins, into an immediate one.
///
/// A deferred transaction reads from a snapshot and asks for the write lock at its first write.
/// If another connection committed in between (the mailer marking a message sent, a sign-in
/// writing its session: writes that take no gate, or another process on the same file), SQLite
/// refuses at once with `SQLITE_BUSY_SNAPSHOT`, which no busy timeout retries, and the request
/// failed with an internal error (likely the one a browser journey met once: an invitation
/// accepted while its mail went out). Holding the lock from the start, the transaction's reads
/// are never outdated; writers without the gate wait on SQLite's busy timeout instead.
///
/// The connection is the transaction's alone, and sqlx counts its depth itself: the deferred
/// `BEGIN` (which took no lock) is rolled back and begun again as `BEGIN IMMEDIATE`. If that
/// fails (another process held the lock past the busy timeout), a deferred `BEGIN` puts the
/// connection back in the transaction sqlx believes open, so dropping it rolls back cleanly.
async fn immediately(txn: &DatabaseTransaction) -> Result<(), AppError> {
    txn.execute_unprepared("ROLLBACK").await?;
    match txn.execute_unprepared("BEGIN IMMEDIATE").await {
        Ok(_) => Ok(()),
        Err(err) => {
            tracing::warn!(error = %err, "SQLite's write lock stayed taken past the busy timeout");
            txn.execute_unprepared("BEGIN").await?;
            Err(writers_busy())
        }
    }
}

/// A write transaction holding the write gate (`begin`). It is used as the transaction it wraps;
/// a transaction begun inside it is a savepoint and takes nothing more.
pub struct Write {
    txn: DatabaseTransaction,
    // Dropped after the transaction (fields drop in order): the next writer begins only once
    // this one has finished.
    _gate: Gate,
}

impl Write {
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }

    pub async fn rollback(self) -> Result<(), DbErr> {
        self.txn.rollback().await
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for Write {
    fn get_database_backend(&self) -> DatabaseBackend {
        self.txn.get_database_backend()
    }

    async fn execute(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.txn.execute(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }

    async fn query_one(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.txn.query_one(stmt).await
    }

    async fn query_all(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.txn.query_all(stmt).await
    }
}

#[async_trait::async_trait]
impl TransactionTrait for Write {
    async fn begin(&self) -> Result<DatabaseTransaction, DbErr> {
        self.txn.begin().await
    }

    async fn begin_with_config(
        &self,
        isolation_level: Option<IsolationLevel>,
        access_mode: Option<AccessMode>,
    ) -> Result<DatabaseTransaction, DbErr> {
        self.txn.begin_with_config(isolation_level, access_mode).await
    }

    async fn transaction<F, T, E>(&self, callback: F) -> Result<T, TransactionError<E>>
    where
        F: for<'c> FnOnce(&'c DatabaseTransaction) -> Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>> + Send,
        T: Send,
        E: std::fmt::Display + std::fmt::Debug + Send,
    {
        self.txn.transaction(callback).await
    }

    async fn transaction_with_config<F, T, E>(
        &self,
        callback: F,
        isolation_level: Option<IsolationLevel>,
        access_mode: Option<AccessMode>,
    ) -> Result<T, TransactionError<E>>
    where
        F: for<'c> FnOnce(&'c DatabaseTransaction) -> Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>> + Send,
        T: Send,
        E: std::fmt::Display + std::fmt::Debug + Send,
    {
        self.txn.transaction_with_config(callback, isolation_level, access_mode).await
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
    use std::time::Duration;

    #[test]
    fn the_sqlite_pool_holds_two_connections_a_core_from_four_to_eight() {
        for (cores, connections) in [(1, 4), (2, 4), (3, 6), (4, 8), (16, 8)] {
            assert_eq!(super::connections_for(cores), connections, "{cores} cores");
        }
    }

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

    #[tokio::test]
    async fn sqlite_takes_its_memory_from_mimalloc() {
        let db = super::connect("sqlite::memory:").await.expect("an in-memory database");
        db.execute_unprepared("CREATE TABLE t (x TEXT)").await.expect("SQLite works on mimalloc's memory");
        assert_eq!(super::SQLITE_CONFIGURED.get(), Some(&true), "SQLite took the settings before it initialised");
        // SAFETY: SQLite is initialised; the block is freed by SQLite, which gave it.
        unsafe {
            let block = libsqlite3_sys::sqlite3_malloc(4096);
            assert!(!block.is_null(), "SQLite allocates");
            assert!(libmimalloc_sys::mi_is_in_heap_region(block), "the block is mimalloc's, not the C library's");
            libsqlite3_sys::sqlite3_free(block);
        }
    }

    /// The fault this guards against: a transaction read, a write without the gate committed,
    /// and the transaction's own write then failed at once (`SQLITE_BUSY_SNAPSHOT`).
    #[tokio::test]
    async fn a_write_transaction_holds_sqlites_lock_from_its_start_so_its_reads_are_never_outdated() {
        use sea_orm::{DatabaseBackend, Statement};
        let path = std::env::temp_dir().join(format!("cytrack-begin-{}.db", uuid::Uuid::new_v4().simple()));
        let db = super::connect(&format!("sqlite://{}?mode=rwc", path.display())).await.expect("a database file");
        db.execute_unprepared("CREATE TABLE t (n INTEGER NOT NULL); INSERT INTO t VALUES (1)").await.expect("a table");

        let txn = super::begin(&db).await.expect("a write transaction");
        let read = txn.query_one(Statement::from_string(DatabaseBackend::Sqlite, "SELECT max(n) AS n FROM t"));
        let read: i64 = read.await.expect("a read").expect("a row").try_get("", "n").expect("a number");
        // A writer that takes no gate (the mailer, a sign-in), on another of the pool's connections.
        let outside = tokio::spawn({
            let db = db.clone();
            async move { db.execute_unprepared("INSERT INTO t VALUES (100)").await }
        });
        let waited = tokio::time::timeout(Duration::from_millis(300), async {
            while !outside.is_finished() {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        });
        assert!(waited.await.is_err(), "the writer outside the gate waits for the transaction's lock");
        txn.execute_unprepared(&format!("INSERT INTO t VALUES ({})", read + 1))
            .await
            .expect("the transaction writes after it read, whatever else wanted to write");
        txn.commit().await.expect("the transaction commits");
        outside.await.expect("the task ran").expect("the outside writer wrote once the lock was free");

        let rows = db.query_all(Statement::from_string(DatabaseBackend::Sqlite, "SELECT n FROM t ORDER BY rowid"));
        let rows: Vec<i64> = rows.await.unwrap().iter().map(|r| r.try_get("", "n").unwrap()).collect();
        assert_eq!(rows, [1, 2, 100], "the transaction's write came first, the other after it; both were kept");
        let _ = std::fs::remove_file(&path);
    }
}
