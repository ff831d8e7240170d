//! Every word the ticket search index holds, in a table of its own (SQLite only), so a word typed
//! as the start of others ("wallb") is turned into the indexed words it begins ("wallboard",
//! "wallboards") by a lookup in a B-tree instead of by FTS5's prefix query. FTS5 answers a prefix
//! query by merging the document lists of every such word in full before it returns a first row
//! (about 20 ms for a word in a quarter of 1,000,000 tickets); an OR of whole words it walks
//! lazily, so a page of 50 stops after 50 matches.
//!
//! The words are taken by FTS5's own tokenizer, never by a copy of its rules: each ticket's text
//! is also written to a contentless FTS5 table (`search_words_new`), its words are read back
//! through an `fts5vocab` table and kept, and that table is emptied again, all by triggers in the
//! ticket's own transaction. Words are never removed: one no ticket holds any more only adds a
//! term with no documents to a search.
//!
//! PostgreSQL needs none of this: its GIN index answers prefix queries (`word:*`) itself.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000011_search_words"
    }
}

/// Feeds the new text's words to `search_words` (the body of both triggers).
const HARVEST: &str = "INSERT INTO search_words_new(rowid, subject, description) \
     VALUES (new.number, new.subject, new.description); \
     INSERT OR IGNORE INTO search_words(word) SELECT term FROM search_words_new_terms; \
     INSERT INTO search_words_new(search_words_new) VALUES ('delete-all');";

const SQLITE_UP: &[&str] = &[
    "CREATE TABLE search_words (word TEXT NOT NULL PRIMARY KEY) WITHOUT ROWID",
    // The same tokenizer as tickets_fts (migration 8), so the words are the index's own.
    "CREATE VIRTUAL TABLE search_words_new USING fts5(subject, description, content='', \
     tokenize='unicode61 remove_diacritics 0')",
    "CREATE VIRTUAL TABLE search_words_new_terms USING fts5vocab(search_words_new, 'row')",
    // The words of the tickets already there (not a temp table: each statement may run on another
    // of the pool's connections).
    "CREATE VIRTUAL TABLE tickets_fts_terms USING fts5vocab(tickets_fts, 'row')",
    "INSERT INTO search_words(word) SELECT term FROM tickets_fts_terms",
    "DROP TABLE tickets_fts_terms",
];

const SQLITE_DOWN: &[&str] = &[
    "DROP TRIGGER search_words_update",
    "DROP TRIGGER search_words_insert",
    "DROP TABLE search_words_new_terms",
    "DROP TABLE search_words_new",
    "DROP TABLE search_words",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DatabaseBackend::Sqlite {
            return Ok(());
        }
        let db = m.get_connection();
        for sql in SQLITE_UP {
            db.execute_unprepared(sql).await?;
        }
        db.execute_unprepared(&format!(
            "CREATE TRIGGER search_words_insert AFTER INSERT ON tickets BEGIN {HARVEST} END"
        ))
        .await?;
        db.execute_unprepared(&format!(
            "CREATE TRIGGER search_words_update AFTER UPDATE OF subject, description ON tickets BEGIN {HARVEST} END"
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DatabaseBackend::Sqlite {
            return Ok(());
        }
        for sql in SQLITE_DOWN {
            m.get_connection().execute_unprepared(sql).await?;
        }
        Ok(())
    }
}
