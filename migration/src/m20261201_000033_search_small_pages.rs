//! The ticket search index writes pages of 1,000 bytes instead of FTS5's 4,050 (SQLite only).
//!
//! FTS5 merges its segments inside the writes that add them (`automerge`): after every 64 leaf
//! pages written, the write merges 64 pages for each level of the index. At 1,000,000 tickets
//! the index has five or six levels, so that write merges 320 to 384 pages, 1.3 to 1.5 MB at
//! 4,050 bytes a page: 40 to 200 ms inside a reply's transaction, which was the replies' p99
//! (docs/benchmarks.md, session 24). Pages of 1,000 bytes make that work a quarter as large, done
//! four times as often: the same 400 transactions of eight replies on a copy of the benchmark's
//! index went from a p99 of 130 to 204 ms to 50 to 62 ms, while counting and paging through the
//! index took as long as before. 500 bytes was no better and 2,000 halfway.
//!
//! FTS5 writes new segments at the new size; segments already written keep theirs until a merge
//! rewrites them.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000033_search_small_pages"
    }
}

async fn page_size(m: &SchemaManager<'_>, bytes: u32) -> Result<(), DbErr> {
    if m.get_database_backend() != DatabaseBackend::Sqlite {
        return Ok(());
    }
    let sql = format!("INSERT INTO tickets_fts(tickets_fts, rank) VALUES ('pgsz', {bytes})");
    m.get_connection().execute_unprepared(&sql).await.map(|_| ())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        page_size(m, 1000).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        page_size(m, 4050).await
    }
}
