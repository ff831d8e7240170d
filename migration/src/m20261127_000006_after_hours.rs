//! Settings (the business calendar among them) and after-hours bookings.

use crate::{id, id_ref, id_ref_null};
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261127_000006_after_hours"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Settings::Table)
                .col(string_len(Settings::Name, 60).primary_key())
                .col(text(Settings::Value))
                .col(timestamp_with_time_zone(Settings::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Bookings::Table)
                .col(id(Bookings::Id))
                .col(id_ref(Bookings::OrganizationId))
                .col(id_ref(Bookings::TicketId))
                .col(id_ref(Bookings::RequesterId))
                .col(timestamp_with_time_zone(Bookings::StartsAt))
                .col(timestamp_with_time_zone(Bookings::EndsAt))
                .col(text(Bookings::Description))
                .col(string_len(Bookings::ContactName, 100))
                .col(string_len(Bookings::ContactPhone, 40))
                .col(string_len(Bookings::Status, 20))
                .col(big_integer(Bookings::QuoteMinutes))
                .col(text(Bookings::Segments))
                .col(id_ref_null(Bookings::EngineerId))
                .col(big_integer_null(Bookings::ActualMinutes))
                .col(string_len_null(Bookings::DecisionNote, 500))
                .col(timestamp_with_time_zone(Bookings::CreatedAt))
                .col(timestamp_with_time_zone(Bookings::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("bookings_organization_starts")
                .table(Bookings::Table)
                .col(Bookings::OrganizationId)
                .col(Bookings::StartsAt)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("bookings_status_starts")
                .table(Bookings::Table)
                .col(Bookings::Status)
                .col(Bookings::StartsAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Bookings::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Settings::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Settings {
    Table,
    Name,
    Value,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Bookings {
    #[sea_orm(iden = "after_hours_bookings")]
    Table,
    Id,
    OrganizationId,
    TicketId,
    RequesterId,
    StartsAt,
    EndsAt,
    Description,
    ContactName,
    ContactPhone,
    Status,
    QuoteMinutes,
    Segments,
    EngineerId,
    ActualMinutes,
    DecisionNote,
    CreatedAt,
    UpdatedAt,
}
