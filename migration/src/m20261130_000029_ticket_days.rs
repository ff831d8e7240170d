//! The daily rollup reports read (issue 23): per day in the support time zone, per scope (`all`
//! for the whole desk, or an organisation's id), queue, priority and billing tag, how many tickets
//! were raised, resolved and first answered, and how many within their SLA target. The services
//! that make those changes add to it in the same transaction (`services::reports::count`); a desk
//! of a million tickets a year keeps about 30,000 `all` rows a year, so a year's report reads those
//! instead of the tickets. Also: indexes for the agent workload and voucher use over a date range.

use crate::index_on;
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000029_ticket_days"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(TicketDays::Table)
                .col(string_len(TicketDays::Scope, 36))
                .col(string_len(TicketDays::Day, 10))
                .col(string(TicketDays::Queue))
                .col(string(TicketDays::Priority))
                .col(string(TicketDays::BillingTag))
                .col(big_integer(TicketDays::Raised).default(0))
                .col(big_integer(TicketDays::Resolved).default(0))
                .col(big_integer(TicketDays::Responded).default(0))
                .col(big_integer(TicketDays::RespondedInTime).default(0))
                .col(big_integer(TicketDays::ResolvedInTime).default(0))
                .primary_key(
                    Index::create()
                        .col(TicketDays::Scope)
                        .col(TicketDays::Day)
                        .col(TicketDays::Queue)
                        .col(TicketDays::Priority)
                        .col(TicketDays::BillingTag),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index_on(Comments::Table, "ticket_comments_created", &[Comments::CreatedAt])).await?;
        m.create_index(index_on(Ledger::Table, "ledger_entries_created", &[Ledger::CreatedAt])).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ledger_entries_created").table(Ledger::Table).to_owned()).await?;
        m.drop_index(Index::drop().name("ticket_comments_created").table(Comments::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(TicketDays::Table).to_owned()).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum TicketDays {
    Table,
    Scope,
    Day,
    Queue,
    Priority,
    BillingTag,
    Raised,
    Resolved,
    Responded,
    RespondedInTime,
    ResolvedInTime,
}

#[derive(DeriveIden, Clone, Copy)]
enum Comments {
    #[sea_orm(iden = "ticket_comments")]
    Table,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Ledger {
    #[sea_orm(iden = "ledger_entries")]
    Table,
    CreatedAt,
}
