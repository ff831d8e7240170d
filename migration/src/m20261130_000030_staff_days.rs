//! The agent workload's rollup (issue 23): per day in the support time zone and staff member, the
//! public replies they wrote and the minutes they logged. The services that write a reply or log
//! time add to it in the same transaction (`services::reports::count_work`), so a year's workload
//! reads a few thousand rows rather than every reply of a million tickets.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000030_staff_days"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(StaffDays::Table)
                .col(string_len(StaffDays::Day, 10))
                .col(string_len(StaffDays::UserId, 36))
                .col(big_integer(StaffDays::Replies).default(0))
                .col(big_integer(StaffDays::MinutesLogged).default(0))
                .primary_key(Index::create().col(StaffDays::Day).col(StaffDays::UserId))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(StaffDays::Table).to_owned()).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum StaffDays {
    Table,
    Day,
    UserId,
    Replies,
    MinutesLogged,
}
