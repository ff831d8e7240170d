//! Reminders told once: each is recorded by a key naming what it was about (an IRS contract's
//! end, an organisation's vouchers, a deployment's milestone). The key is the primary key, so
//! two portal processes running the same job can never both tell it.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000017_notices_sent"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(NoticesSent::Table)
                .col(string_len(NoticesSent::Key, 200).primary_key())
                .col(timestamp_with_time_zone(NoticesSent::CreatedAt))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(NoticesSent::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum NoticesSent {
    Table,
    Key,
    CreatedAt,
}
