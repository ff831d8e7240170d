//! A person's own settings and devices: the time zone their pages show times in, and, per
//! session, the device (its browser's user agent) and when it was last used, so the profile can
//! list the devices signed in and end one.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000024_profiles"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Users::Table).add_column(string_len_null(Users::TimeZone, 64)).to_owned())
            .await?;
        m.alter_table(
            Table::alter().table(Sessions::Table).add_column(string_len_null(Sessions::UserAgent, 300)).to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Sessions::Table)
                .add_column(timestamp_with_time_zone_null(Sessions::LastSeenAt))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Sessions::Table).drop_column(Sessions::LastSeenAt).to_owned()).await?;
        m.alter_table(Table::alter().table(Sessions::Table).drop_column(Sessions::UserAgent).to_owned()).await?;
        m.alter_table(Table::alter().table(Users::Table).drop_column(Users::TimeZone).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    TimeZone,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    UserAgent,
    LastSeenAt,
}
