//! MACS bought with voucher time (issue 21): the catalogue of standard moves, adds and changes,
//! each priced in voucher minutes with an optional lead time; clients' orders (from the catalogue,
//! or a quote asked for outside it), each with its `macs` ticket; and the ledger's link from a
//! reservation to the order it holds minutes for (as `booking_id` links after-hours work).

use crate::{id, id_ref, id_ref_null, index_on};
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000027_macs"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(MacsItems::Table)
                .col(id(MacsItems::Id))
                .col(string_len(MacsItems::Name, 120))
                .col(text(MacsItems::Description))
                .col(integer(MacsItems::Minutes))
                .col(integer_null(MacsItems::LeadDays))
                .col(boolean(MacsItems::Active).default(true))
                .col(timestamp_with_time_zone(MacsItems::CreatedAt))
                .col(timestamp_with_time_zone(MacsItems::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(MacsOrders::Table)
                .col(id(MacsOrders::Id))
                .col(id_ref(MacsOrders::OrganizationId))
                .col(id_ref(MacsOrders::TicketId))
                .col(id_ref(MacsOrders::RequesterId))
                .col(id_ref_null(MacsOrders::ItemId))
                .col(string_len(MacsOrders::Title, 200))
                .col(text(MacsOrders::Details))
                .col(string_len(MacsOrders::Status, 20))
                .col(integer_null(MacsOrders::QuoteMinutes))
                .col(string_len_null(MacsOrders::QuoteNote, 500))
                .col(integer_null(MacsOrders::ChargedMinutes))
                .col(date_null(MacsOrders::DueOn))
                .col(string_len_null(MacsOrders::DecisionNote, 500))
                .col(timestamp_with_time_zone(MacsOrders::CreatedAt))
                .col(timestamp_with_time_zone(MacsOrders::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(index_on(
            MacsOrders::Table,
            "macs_orders_organization_created",
            &[MacsOrders::OrganizationId, MacsOrders::CreatedAt],
        ))
        .await?;
        m.create_index(index_on(MacsOrders::Table, "macs_orders_status", &[MacsOrders::Status])).await?;
        m.alter_table(
            Table::alter().table(LedgerEntries::Table).add_column(id_ref_null(LedgerEntries::OrderId)).to_owned(),
        )
        .await?;
        m.create_index(index_on(LedgerEntries::Table, "ledger_entries_order", &[LedgerEntries::OrderId])).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ledger_entries_order").table(LedgerEntries::Table).to_owned()).await?;
        m.alter_table(Table::alter().table(LedgerEntries::Table).drop_column(LedgerEntries::OrderId).to_owned())
            .await?;
        m.drop_table(Table::drop().table(MacsOrders::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(MacsItems::Table).to_owned()).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum MacsItems {
    Table,
    Id,
    Name,
    Description,
    Minutes,
    LeadDays,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum MacsOrders {
    Table,
    Id,
    OrganizationId,
    TicketId,
    RequesterId,
    ItemId,
    Title,
    Details,
    Status,
    QuoteMinutes,
    QuoteNote,
    ChargedMinutes,
    DueOn,
    DecisionNote,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum LedgerEntries {
    Table,
    OrderId,
}
