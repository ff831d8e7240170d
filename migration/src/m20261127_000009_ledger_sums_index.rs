//! A covering index for the ledger's grouped sums (each voucher's standing per kind of entry), so
//! a redemption reads an organisation's balances from the index alone.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261127_000009_ledger_sums_index"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("ledger_entries_organization_sums")
                .table(LedgerEntries::Table)
                .col(LedgerEntries::OrganizationId)
                .col(LedgerEntries::VoucherId)
                .col(LedgerEntries::Kind)
                .col(LedgerEntries::Minutes)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ledger_entries_organization_sums").table(LedgerEntries::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum LedgerEntries {
    Table,
    OrganizationId,
    VoucherId,
    Kind,
    Minutes,
}
