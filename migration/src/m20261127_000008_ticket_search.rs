//! Full-text search over tickets' subjects and descriptions, and indexes that let the list views
//! walk tickets in the order they show them instead of sorting whole queues.
//!
//! The search index is the one part of the schema written per database: FTS5 on SQLite (kept in
//! step with the tickets by triggers, keyed by the ticket number), a generated `search_document`
//! column with a GIN index on PostgreSQL. Both index words (letters and digits, lower-cased, accents kept) so the same search
//! finds the same tickets on either.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261127_000008_ticket_search"
    }
}

/// Also what migration 12 restores when it is undone.
pub(crate) const SQLITE_UP: &[&str] = &[
    "CREATE VIRTUAL TABLE tickets_fts USING fts5(subject, description, content='tickets', \
     content_rowid='number', tokenize='unicode61 remove_diacritics 0')",
    "INSERT INTO tickets_fts(tickets_fts) VALUES ('rebuild')",
    "CREATE TRIGGER tickets_fts_insert AFTER INSERT ON tickets BEGIN \
     INSERT INTO tickets_fts(rowid, subject, description) VALUES (new.number, new.subject, new.description); END",
    "CREATE TRIGGER tickets_fts_delete AFTER DELETE ON tickets BEGIN \
     INSERT INTO tickets_fts(tickets_fts, rowid, subject, description) \
     VALUES ('delete', old.number, old.subject, old.description); END",
    "CREATE TRIGGER tickets_fts_update AFTER UPDATE OF number, subject, description ON tickets BEGIN \
     INSERT INTO tickets_fts(tickets_fts, rowid, subject, description) \
     VALUES ('delete', old.number, old.subject, old.description); \
     INSERT INTO tickets_fts(rowid, subject, description) VALUES (new.number, new.subject, new.description); END",
];

const SQLITE_DOWN: &[&str] = &[
    "DROP TRIGGER tickets_fts_update",
    "DROP TRIGGER tickets_fts_delete",
    "DROP TRIGGER tickets_fts_insert",
    "DROP TABLE tickets_fts",
];

const POSTGRES_UP: &[&str] = &[
    "ALTER TABLE tickets ADD COLUMN search_document tsvector \
     GENERATED ALWAYS AS (to_tsvector('simple', subject || ' ' || description)) STORED",
    "CREATE INDEX tickets_search_document ON tickets USING GIN (search_document)",
];

const POSTGRES_DOWN: &[&str] =
    &["DROP INDEX tickets_search_document", "ALTER TABLE tickets DROP COLUMN search_document"];

/// (name, columns): lists walk these in display order. Ticket numbers are issued in creation order,
/// so "newest" and "oldest" sort by number.
const INDEXES: &[(&str, &[Tickets])] = &[
    ("tickets_queue_priority_number", &[Tickets::Queue, Tickets::Priority, Tickets::Number]),
    ("tickets_queue_number", &[Tickets::Queue, Tickets::Number]),
    ("tickets_priority_number", &[Tickets::Priority, Tickets::Number]),
    ("tickets_organization_number", &[Tickets::OrganizationId, Tickets::Number]),
    ("tickets_requester_number", &[Tickets::RequesterId, Tickets::Number]),
    ("tickets_status_number", &[Tickets::Status, Tickets::Number]),
];

/// Indexes the ones above replace (sorting by creation time now sorts by number).
const REPLACED: &[(&str, &[Tickets])] = &[
    ("tickets_organization_created", &[Tickets::OrganizationId, Tickets::CreatedAt]),
    ("tickets_requester_created", &[Tickets::RequesterId, Tickets::CreatedAt]),
    ("tickets_status_created", &[Tickets::Status, Tickets::CreatedAt]),
    ("tickets_created", &[Tickets::CreatedAt]),
    (
        "tickets_queue_status_priority_created",
        &[Tickets::Queue, Tickets::Status, Tickets::Priority, Tickets::CreatedAt],
    ),
];

fn index(name: &str, cols: &[Tickets]) -> IndexCreateStatement {
    super::index_on(Tickets::Table, name, cols)
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        crate::run_for_engine(m, SQLITE_UP, POSTGRES_UP).await?;
        for (name, cols) in INDEXES {
            m.create_index(index(name, cols)).await?;
        }
        for (name, _) in REPLACED {
            m.drop_index(Index::drop().name(*name).table(Tickets::Table).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (name, cols) in REPLACED {
            m.create_index(index(name, cols)).await?;
        }
        for (name, _) in INDEXES {
            m.drop_index(Index::drop().name(*name).table(Tickets::Table).to_owned()).await?;
        }
        crate::run_for_engine(m, SQLITE_DOWN, POSTGRES_DOWN).await?;
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Tickets {
    Table,
    Queue,
    Priority,
    Number,
    OrganizationId,
    RequesterId,
    Status,
    CreatedAt,
}
