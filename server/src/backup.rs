//! Backups of a portal on SQLite: `server backup FILE` takes a consistent copy while the portal
//! runs (SQLite's `VACUUM INTO`, which reads one snapshot), and `server restore FILE` puts a copy
//! back once the portal is stopped. A PostgreSQL portal is backed up with `pg_dump` and restored
//! with `pg_restore` (docs/operations.md). Attached files kept in a directory go with the
//! database: into `FILE.files/` beside the backup, and back on restore (each file is named by
//! its content, so copying the database first means every file it references is copied).

use sea_orm::sqlx::sqlite::SqliteLockingMode;
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The file behind an SQLite database URL (`sqlite://data/cytrack.db?mode=rwc`).
pub fn sqlite_file(database_url: &str) -> Result<PathBuf, String> {
    let rest =
        database_url.strip_prefix("sqlite://").or_else(|| database_url.strip_prefix("sqlite:")).ok_or_else(|| {
            "backup and restore work on SQLite; for PostgreSQL use pg_dump and pg_restore (see docs/operations.md)"
                .to_string()
        })?;
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Err("the database URL names no file".into());
    }
    Ok(PathBuf::from(path))
}

async fn open(file: &Path, read_only: bool, exclusive: bool) -> Result<DatabaseConnection, String> {
    let mode = if read_only { "ro" } else { "rw" };
    let mut options = ConnectOptions::new(format!("sqlite://{}?mode={mode}", file.display()));
    options.max_connections(1).min_connections(1).sqlx_logging(false).map_sqlx_sqlite_opts(move |o| {
        let o = o.busy_timeout(Duration::ZERO);
        if exclusive {
            o.locking_mode(SqliteLockingMode::Exclusive)
        } else {
            o
        }
    });
    app::ssr::db::configure_sqlite();
    Database::connect(options).await.map_err(|e| format!("cannot open {}: {e}", file.display()))
}

/// Checks that `file` is an intact portal database: SQLite's integrity check passes and it holds
/// the portal's migrations. Returns how many migrations it has.
pub async fn verify(file: &Path) -> Result<i64, String> {
    if !file.is_file() {
        return Err(format!("{} is not a file", file.display()));
    }
    let db = open(file, true, false).await?;
    let not_ours = |e: sea_orm::DbErr| format!("{} is not a CyTrack database: {e}", file.display());
    let backend = db.get_database_backend();
    let row =
        db.query_one(sea_orm::Statement::from_string(backend, "PRAGMA integrity_check")).await.map_err(not_ours)?;
    let verdict: String = row.and_then(|r| r.try_get_by_index(0).ok()).unwrap_or_default();
    if verdict != "ok" {
        return Err(format!("{} is damaged: {verdict}", file.display()));
    }
    let row = db
        .query_one(sea_orm::Statement::from_string(backend, "SELECT count(*) FROM seaql_migrations"))
        .await
        .map_err(not_ours)?;
    let migrations: i64 = row.and_then(|r| r.try_get_by_index(0).ok()).unwrap_or(0);
    db.close().await.ok();
    Ok(migrations)
}

/// Where a backup's files go: beside it, `FILE.files`.
pub fn files_beside(backup: &Path) -> PathBuf {
    PathBuf::from(format!("{}.files", backup.display()))
}

/// Copies every kept file under `from` into `to` (uploads still arriving are not kept yet);
/// files already there, being the same content, are left as they are.
fn copy_files(from: &Path, to: &Path) -> Result<usize, String> {
    let mut copied = 0;
    let Ok(entries) = std::fs::read_dir(from) else { return Ok(0) };
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read {}: {e}", from.display()))?;
        let (path, target) = (entry.path(), to.join(entry.file_name()));
        if entry.file_name() == "incoming" {
            continue;
        }
        if path.is_dir() {
            copied += copy_files(&path, &target)?;
        } else if !target.exists() {
            std::fs::create_dir_all(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
            std::fs::copy(&path, &target).map_err(|e| format!("cannot copy {}: {e}", path.display()))?;
            copied += 1;
        }
    }
    Ok(copied)
}

/// Writes a consistent copy of the running portal's database to `to`, which must not exist yet,
/// and the files of the directory store `files` (if any) beside it.
pub async fn backup(database_url: &str, files: Option<&Path>, to: &Path) -> Result<(), String> {
    let file = sqlite_file(database_url)?;
    if !file.is_file() {
        return Err(format!("there is no database at {}", file.display()));
    }
    if to.exists() {
        return Err(format!("{} exists already; name a new file", to.display()));
    }
    let db = open(&file, true, false).await?;
    let target = to.display().to_string().replace('\'', "''");
    db.execute_unprepared(&format!("VACUUM INTO '{target}'")).await.map_err(|e| format!("backup failed: {e}"))?;
    db.close().await.ok();
    verify(to).await?;
    if let Some(files) = files {
        copy_files(files, &files_beside(to))?;
    }
    Ok(())
}

/// Replaces the database with the backup `from`, and puts its files back into the directory
/// store `files`. The portal must be stopped: if anything holds the database open, nothing is
/// changed.
pub async fn restore(database_url: &str, files: Option<&Path>, from: &Path) -> Result<(), String> {
    let file = sqlite_file(database_url)?;
    verify(from).await?;
    if file.is_file() {
        let db = open(&file, false, true).await?;
        let taken = db.execute_unprepared("BEGIN EXCLUSIVE").await;
        if taken.is_ok() {
            db.execute_unprepared("COMMIT").await.ok();
        }
        db.close().await.ok();
        if taken.is_err() {
            return Err(format!("{} is in use: stop the portal before restoring", file.display()));
        }
    }
    // Copy beside the database, then swap it in with one rename; the old write-ahead log goes.
    let staging = file.with_extension("restoring");
    std::fs::copy(from, &staging).map_err(|e| format!("cannot copy {}: {e}", from.display()))?;
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", file.display()));
        if side.exists() {
            std::fs::remove_file(&side).map_err(|e| format!("cannot remove {}: {e}", side.display()))?;
        }
    }
    std::fs::rename(&staging, &file).map_err(|e| format!("cannot put the backup in place: {e}"))?;
    if let Some(files) = files {
        copy_files(&files_beside(from), files)?;
    }
    Ok(())
}
