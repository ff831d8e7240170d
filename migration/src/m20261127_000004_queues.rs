//! Queues with their routing rules, and the timestamps ticket workflows and SLA clocks need.

use crate::id;
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261127_000004_queues"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Queues::Table)
                .col(id(Queues::Id))
                .col(string_len_uniq(Queues::Name, 100))
                .col(integer(Queues::Position))
                .col(string_len(Queues::MatchKinds, 200))
                .col(string_len(Queues::MatchProducts, 300))
                .col(string_len(Queues::MatchTags, 100))
                .to_owned(),
        )
        .await?;
        // The seeded queues, first match wins (DOMAIN.md; issue: Service Desk, Deployments, MACS and
        // Changes, After Hours).
        let seeds = [
            ("00000000-0000-4000-8000-000000000001", "After Hours", 1, "after_hours", "", ""),
            ("00000000-0000-4000-8000-000000000002", "Deployments", 2, "", "", "deployment"),
            ("00000000-0000-4000-8000-000000000003", "MACS and Changes", 3, "change_request,macs,upgrade", "", ""),
            ("00000000-0000-4000-8000-000000000004", "Service Desk", 4, "", "", ""),
        ];
        for (qid, name, position, kinds, products, tags) in seeds {
            m.exec_stmt(
                Query::insert()
                    .into_table(Queues::Table)
                    .columns([
                        Queues::Id,
                        Queues::Name,
                        Queues::Position,
                        Queues::MatchKinds,
                        Queues::MatchProducts,
                        Queues::MatchTags,
                    ])
                    .values_panic([
                        qid.into(),
                        name.into(),
                        position.into(),
                        kinds.into(),
                        products.into(),
                        tags.into(),
                    ])
                    .to_owned(),
            )
            .await?;
        }

        // SQLite adds one column per ALTER TABLE.
        for def in [
            timestamp_with_time_zone_null(Tickets::FirstResponseAt),
            timestamp_with_time_zone_null(Tickets::ResolvedAt),
            timestamp_with_time_zone_null(Tickets::ClosedAt),
            timestamp_with_time_zone_null(Tickets::PausedSince),
            big_integer(Tickets::PausedMinutes).default(0).take(),
        ] {
            m.alter_table(Table::alter().table(Tickets::Table).add_column(def).to_owned()).await?;
        }
        m.create_index(
            Index::create()
                .name("tickets_status_priority_created")
                .table(Tickets::Table)
                .col(Tickets::Status)
                .col(Tickets::Priority)
                .col(Tickets::CreatedAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("tickets_status_priority_created").table(Tickets::Table).to_owned()).await?;
        for col in [
            Tickets::FirstResponseAt,
            Tickets::ResolvedAt,
            Tickets::ClosedAt,
            Tickets::PausedSince,
            Tickets::PausedMinutes,
        ] {
            m.alter_table(Table::alter().table(Tickets::Table).drop_column(col).to_owned()).await?;
        }
        m.drop_table(Table::drop().table(Queues::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Queues {
    Table,
    Id,
    Name,
    Position,
    MatchKinds,
    MatchProducts,
    MatchTags,
}

#[derive(DeriveIden, Clone, Copy)]
enum Tickets {
    Table,
    Status,
    Priority,
    CreatedAt,
    FirstResponseAt,
    ResolvedAt,
    ClosedAt,
    PausedSince,
    PausedMinutes,
}
