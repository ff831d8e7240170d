//! The ticket search index learns what lists filter by (SQLite only), so a text search narrowed by
//! filters is answered by the index alone.
//!
//! Beside each ticket's subject and description, `tickets_fts` now holds its facets: one token per
//! filterable field, the field's letter followed by the hex of its value (`o` organisation, `r`
//! requester, `q` queue, `s` status, `k` kind, `p` priority, `b` billing tag, `a` assignee, with
//! no assignee as the bare `a`). A search in one organisation, or in one queue's open tickets,
//! becomes one FTS5 query (`... AND facets : "o…" AND facets : ("s…" OR "s…")`) that FTS5 walks in
//! its own doclists, instead of the list checking its tickets one by one against the index (a
//! fresh FTS5 cursor each, 200 µs on 1,000,000 tickets) or looking up each match in the tickets
//! table. `services::search::Facet` writes the same tokens for a query; the letters here and there
//! must agree (the API tests compare every filter with and without a search).
//!
//! The table becomes contentless with deletes (`content=''`, `contentless_delete=1`): facets are no
//! column of `tickets`, and nothing reads text back from the index. Triggers keep it: a ticket is
//! indexed on insert, removed on delete, and indexed again when any indexed field changes.
//!
//! PostgreSQL needs none of this: its planner combines the GIN index on `search_document` with the
//! tickets' own indexes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{DatabaseBackend, TransactionTrait};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000012_search_facets"
    }
}

/// (letter, column): the facets, in the order they are written.
const FACETS: &[(char, &str)] = &[
    ('o', "organization_id"),
    ('r', "requester_id"),
    ('q', "queue"),
    ('s', "status"),
    ('k', "kind"),
    ('p', "priority"),
    ('b', "billing_tag"),
    ('a', "assignee_id"),
];

/// The facets of the row named `row` (`new`, `old` or `tickets`), as one SQL text expression.
pub(crate) fn facets(row: &str) -> String {
    FACETS
        .iter()
        .map(|(letter, column)| format!("'{letter}' || hex(COALESCE({row}.{column}, ''))"))
        .collect::<Vec<_>>()
        .join(" || ' ' || ")
}

/// Whether an update changed anything the index holds.
pub(crate) fn changed() -> String {
    ["number", "subject", "description"]
        .iter()
        .chain(FACETS.iter().map(|(_, column)| column))
        .map(|column| format!("old.{column} IS NOT new.{column}"))
        .collect::<Vec<_>>()
        .join(" OR ")
}

const DROP_OLD: &[&str] = &[
    "DROP TRIGGER tickets_fts_update",
    "DROP TRIGGER tickets_fts_delete",
    "DROP TRIGGER tickets_fts_insert",
    "DROP TABLE tickets_fts",
];

/// Replaces the index and its triggers with one holding each ticket's words and `facets` (an SQL
/// text expression of the row named as given), indexed again when `changed` (an SQL condition
/// on `old` and `new`) holds; fills it from the tickets there. Migration 14 calls it too. The
/// table made here has FTS5's default page size: a later migration that calls this must set the
/// 1,000 bytes of migration 33 again.
pub(crate) fn rebuild(facets: &dyn Fn(&str) -> String, changed: &str) -> Vec<String> {
    let index = |row: &str| {
        format!(
            "INSERT INTO tickets_fts(rowid, subject, description, facets) \
             VALUES ({row}.number, {row}.subject, {row}.description, {})",
            facets(row)
        )
    };
    let mut statements: Vec<String> = DROP_OLD.iter().map(|s| String::from(*s)).collect();
    statements.push(
        "CREATE VIRTUAL TABLE tickets_fts USING fts5(subject, description, facets, content='', \
         contentless_delete=1, tokenize='unicode61 remove_diacritics 0')"
            .into(),
    );
    statements.push(format!(
        "INSERT INTO tickets_fts(rowid, subject, description, facets) \
         SELECT number, subject, description, {} FROM tickets",
        facets("tickets")
    ));
    statements.push(format!("CREATE TRIGGER tickets_fts_insert AFTER INSERT ON tickets BEGIN {}; END", index("new")));
    statements.push(
        "CREATE TRIGGER tickets_fts_delete AFTER DELETE ON tickets BEGIN \
         DELETE FROM tickets_fts WHERE rowid = old.number; END"
            .into(),
    );
    statements.push(format!(
        "CREATE TRIGGER tickets_fts_update AFTER UPDATE ON tickets WHEN {changed} BEGIN \
         DELETE FROM tickets_fts WHERE rowid = old.number; {}; END",
        index("new")
    ));
    statements
}

/// This migration's index: words and the facets above.
pub(crate) fn up_sqlite() -> Vec<String> {
    rebuild(&facets, &changed())
}

/// Runs `statements` in one transaction, so on one connection: a pool connection that did not
/// drop the old triggers could still hold them in its cached schema and refuse to create them
/// again.
pub(crate) async fn run_sqlite<S: AsRef<str>>(m: &SchemaManager<'_>, statements: &[S]) -> Result<(), DbErr> {
    let txn = m.get_connection().begin().await?;
    for sql in statements {
        txn.execute_unprepared(sql.as_ref()).await?;
    }
    txn.commit().await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DatabaseBackend::Sqlite {
            return Ok(());
        }
        run_sqlite(m, &up_sqlite()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DatabaseBackend::Sqlite {
            return Ok(());
        }
        // Back to migration 8's index: external content, words only.
        let back: Vec<&str> =
            DROP_OLD.iter().chain(super::m20261127_000008_ticket_search::SQLITE_UP).copied().collect();
        run_sqlite(m, &back).await
    }
}
