//! An index for the reports' backlog: open tickets counted by age (`services::reports::backlog`,
//! "opened in the last day, week, month..."), one count per band, by status and creation time.
//! It brings back the index of that name which migration 8 dropped when lists came to be sorted by
//! number; the backlog (migration 29) was written counting on it, and the index on (status,
//! priority, created_at) cannot serve those counts as ranges: priority stands between. At 1,000,000 tickets on PostgreSQL the count for 90 days read the whole table
//! (515 ms; 237 ms once vacuumed, as an index-only scan of that index); with this index it is a
//! range per status (41 ms, docs/benchmarks.md).

use sea_orm_migration::prelude::*;

pub struct Migration;

const NAME: &str = "tickets_status_created";

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000031_backlog_index"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(super::index_on(Tickets::Table, NAME, &[Tickets::Status, Tickets::CreatedAt])).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name(NAME).table(Tickets::Table).to_owned()).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Tickets {
    Table,
    Status,
    CreatedAt,
}
