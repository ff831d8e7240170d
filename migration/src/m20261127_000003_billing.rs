//! Billing: the tickets listed as outstanding on a completion form, and time worked on tickets.

use crate::{id, id_ref};
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261127_000003_billing"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(CompletionOutstanding::Table)
                .col(id_ref(CompletionOutstanding::OrganizationId))
                .col(id_ref(CompletionOutstanding::TicketId))
                .col(timestamp_with_time_zone(CompletionOutstanding::CreatedAt))
                .primary_key(
                    Index::create().col(CompletionOutstanding::OrganizationId).col(CompletionOutstanding::TicketId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(CompletionOutstanding::Table, CompletionOutstanding::TicketId)
                        .to(Tickets::Table, Tickets::Id),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(TimeEntries::Table)
                .col(id(TimeEntries::Id))
                .col(id_ref(TimeEntries::TicketId))
                .col(id_ref(TimeEntries::AuthorId))
                .col(integer(TimeEntries::Minutes))
                .col(text(TimeEntries::Note))
                .col(date(TimeEntries::WorkedOn))
                .col(timestamp_with_time_zone(TimeEntries::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(TimeEntries::Table, TimeEntries::TicketId)
                        .to(Tickets::Table, Tickets::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("time_entries_ticket")
                .table(TimeEntries::Table)
                .col(TimeEntries::TicketId)
                .col(TimeEntries::WorkedOn)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("time_entries_worked_on")
                .table(TimeEntries::Table)
                .col(TimeEntries::WorkedOn)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(TimeEntries::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(CompletionOutstanding::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Tickets {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum CompletionOutstanding {
    Table,
    OrganizationId,
    TicketId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum TimeEntries {
    Table,
    Id,
    TicketId,
    AuthorId,
    Minutes,
    Note,
    WorkedOn,
    CreatedAt,
}
