//! The ticket search index merges its segments apart from the writes (SQLite only).
//!
//! FTS5 merged its index segments inside the transaction that wrote them (its `automerge`, 4 by
//! default): every fourth commit touching the index took 30 to 50 ms instead of 3 to 5 (a reply
//! or a batch of them rewrites its tickets' entries), which was the replies' p99
//! (docs/benchmarks.md, session 23). With `automerge` at 0, writes only add segments, and the
//! portal merges them in small bounded steps between writes (`services::search::merge_step`, run
//! by the server's index merger). FTS5's `crisismerge` (16 segments on one level) still merges at
//! once should nothing have merged for a long while (a process that never runs the merger).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000033_search_merged_apart"
    }
}

async fn automerge(m: &SchemaManager<'_>, segments: u32) -> Result<(), DbErr> {
    if m.get_database_backend() != DatabaseBackend::Sqlite {
        return Ok(());
    }
    let sql = format!("INSERT INTO tickets_fts(tickets_fts, rank) VALUES ('automerge', {segments})");
    m.get_connection().execute_unprepared(&sql).await.map(|_| ())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        automerge(m, 0).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        automerge(m, 4).await
    }
}
