//! The search words (migration 11) are harvested once per batch of raised tickets instead of once
//! per ticket (SQLite only).
//!
//! Migration 11's triggers wrote each ticket's text to a contentless FTS5 table, read its words
//! back through `fts5vocab`, kept them in `search_words` and emptied the table again, for every
//! ticket. Now the triggers only write the text; `services::search::harvest_words` does the rest
//! for a whole batch, in the batch's transaction (and the benchmark's seed once per chunk). A word
//! still waiting is found too: the prefix lookup reads `search_words_new_terms` beside
//! `search_words`.
//!
//! The triggers are replaced in one transaction on one connection: another connection of the
//! pool may still hold the schema from before, and would refuse to create a trigger by a name it
//! believes taken.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{DatabaseBackend, TransactionTrait};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000032_search_words_per_batch"
    }
}

/// Keeps the words waiting in `search_words_new` and empties it, as `services::search::harvest_words`
/// does (a migration keeps its own copy of the SQL: it must not change when the service does).
const HARVEST: &str = "INSERT OR IGNORE INTO search_words(word) SELECT term FROM search_words_new_terms; \
     INSERT INTO search_words_new(search_words_new) VALUES ('delete-all');";

/// Replaces both triggers with ones whose body is `body`.
fn triggers(body: &str) -> String {
    format!(
        "DROP TRIGGER IF EXISTS search_words_insert; \
         DROP TRIGGER IF EXISTS search_words_update; \
         CREATE TRIGGER search_words_insert AFTER INSERT ON tickets BEGIN {body} END; \
         CREATE TRIGGER search_words_update AFTER UPDATE OF subject, description ON tickets BEGIN {body} END;"
    )
}

/// The text only: its words wait for the batch's harvest.
const WRITE_TEXT: &str = "INSERT INTO search_words_new(subject, description) VALUES (new.subject, new.description);";

/// Migration 11's body: the text, its words harvested at once.
const WRITE_AND_HARVEST: &str = "INSERT INTO search_words_new(rowid, subject, description) \
     VALUES (new.number, new.subject, new.description); \
     INSERT OR IGNORE INTO search_words(word) SELECT term FROM search_words_new_terms; \
     INSERT INTO search_words_new(search_words_new) VALUES ('delete-all');";

async fn replace_triggers(m: &SchemaManager<'_>, sql: String) -> Result<(), DbErr> {
    if m.get_database_backend() != DatabaseBackend::Sqlite {
        return Ok(());
    }
    let txn = m.get_connection().begin().await?;
    txn.execute_unprepared(&sql).await?;
    txn.commit().await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        replace_triggers(m, triggers(WRITE_TEXT)).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Words still waiting are kept before the old triggers, which expect the table empty.
        replace_triggers(m, format!("{HARVEST} {}", triggers(WRITE_AND_HARVEST))).await
    }
}
