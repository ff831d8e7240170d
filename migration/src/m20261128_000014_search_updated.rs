//! The ticket search index learns when each ticket was last updated (SQLite only), so a text
//! search sorted by last update reads only the matches of the hours its page falls in.
//!
//! Beside migration 12's facets, each ticket's facets now hold the month, the day and the hour of
//! its last update, in UTC: `u` followed by the hex of `2026-11`, of `2026-11-28` and of
//! `2026-11-28T17`. A list sorted by last update counts a search's matches month by month, newest
//! first, until it reaches its page, then day by day and hour by hour within the months and days
//! the page falls in, and sorts only those matches (`services::search::Indexed::page_updated`).
//!
//! The update trigger now also indexes a ticket again when its last update moves to another hour:
//! at most once an hour for a ticket being worked on.
//!
//! PostgreSQL needs none of this: its planner combines the GIN index with `tickets_updated_number`.

use super::m20261128_000012_search_facets as facets;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000014_search_updated"
    }
}

/// The buckets of a last update, as `strftime` formats (`services::search::BUCKETS` agrees).
const BUCKETS: [&str; 3] = ["%Y-%m", "%Y-%m-%d", "%Y-%m-%dT%H"];

/// Migration 12's facets of the row named `row`, and its last update's buckets.
fn facets_with_updated(row: &str) -> String {
    let buckets = BUCKETS.map(|format| format!("'u' || hex(COALESCE(strftime('{format}', {row}.updated_at), ''))"));
    format!("{} || ' ' || {}", facets::facets(row), buckets.join(" || ' ' || "))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DatabaseBackend::Sqlite {
            return Ok(());
        }
        let hour = BUCKETS[BUCKETS.len() - 1];
        let changed = format!(
            "{} OR strftime('{hour}', old.updated_at) IS NOT strftime('{hour}', new.updated_at)",
            facets::changed()
        );
        facets::run_sqlite(m, &facets::rebuild(&facets_with_updated, &changed)).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DatabaseBackend::Sqlite {
            return Ok(());
        }
        facets::run_sqlite(m, &facets::up_sqlite()).await
    }
}
