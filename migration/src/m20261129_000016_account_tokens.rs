//! Proving an e-mail address and resetting a password: single-use tokens, kept only as hashes,
//! and when each account's address was proven. Accounts that exist already count as proven (they
//! were approved by a person, or created by an admin, before the portal asked).

use crate::{id, id_ref, index_on};
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000016_account_tokens"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Users::Table)
                .add_column(timestamp_with_time_zone_null(Users::EmailVerifiedAt))
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::update().table(Users::Table).value(Users::EmailVerifiedAt, Expr::col(Users::CreatedAt)).to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AccountTokens::Table)
                .col(id(AccountTokens::Id))
                .col(id_ref(AccountTokens::UserId))
                .col(string_len(AccountTokens::Purpose, 20))
                .col(string_len_uniq(AccountTokens::TokenHash, 64))
                .col(timestamp_with_time_zone(AccountTokens::ExpiresAt))
                .col(timestamp_with_time_zone_null(AccountTokens::UsedAt))
                .col(timestamp_with_time_zone(AccountTokens::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(index_on(
            AccountTokens::Table,
            "account_tokens_user_purpose",
            &[AccountTokens::UserId, AccountTokens::Purpose],
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(AccountTokens::Table).to_owned()).await?;
        m.alter_table(Table::alter().table(Users::Table).drop_column(Users::EmailVerifiedAt).to_owned()).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Users {
    Table,
    CreatedAt,
    EmailVerifiedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum AccountTokens {
    Table,
    Id,
    UserId,
    Purpose,
    TokenHash,
    ExpiresAt,
    UsedAt,
    CreatedAt,
}
