//! Sign-in throttling per source as well as per address (issue 20, finding 2): each attempt
//! records the address it came from, and whether it was refused unchecked (refused attempts are
//! kept to record a lockout once, not counted as failures).

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000026_sign_in_sources"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(LoginFailures::Table)
                .add_column(string_len_null(LoginFailures::Source, 45))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(LoginFailures::Table)
                .add_column(boolean(LoginFailures::Refused).default(false))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("login_failures_source_created")
                .table(LoginFailures::Table)
                .col(LoginFailures::Source)
                .col(LoginFailures::CreatedAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("login_failures_source_created").table(LoginFailures::Table).to_owned())
            .await?;
        m.alter_table(Table::alter().table(LoginFailures::Table).drop_column(LoginFailures::Refused).to_owned())
            .await?;
        m.alter_table(Table::alter().table(LoginFailures::Table).drop_column(LoginFailures::Source).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum LoginFailures {
    Table,
    Source,
    Refused,
    CreatedAt,
}
