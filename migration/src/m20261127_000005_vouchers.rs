//! Service vouchers: the vouchers, their append-only ledger, redemptions (with idempotency keys),
//! and the per-organisation version row that serialises ledger writers.

use crate::{id, id_ref, id_ref_null};
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261127_000005_vouchers"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Organizations::Table)
                .add_column(big_integer(Organizations::LedgerVersion).default(0))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Vouchers::Table)
                .col(id(Vouchers::Id))
                .col(id_ref(Vouchers::OrganizationId))
                .col(string_len_uniq(Vouchers::Code, 20))
                .col(integer(Vouchers::Minutes))
                .col(date(Vouchers::IssuedOn))
                .col(date(Vouchers::ExpiresOn))
                .col(id_ref(Vouchers::IssuedBy))
                .col(timestamp_with_time_zone(Vouchers::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Vouchers::Table, Vouchers::OrganizationId)
                        .to(Organizations::Table, Organizations::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("vouchers_organization_expiry")
                .table(Vouchers::Table)
                .col(Vouchers::OrganizationId)
                .col(Vouchers::ExpiresOn)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Redemptions::Table)
                .col(id(Redemptions::Id))
                .col(id_ref(Redemptions::OrganizationId))
                .col(id_ref(Redemptions::TicketId))
                .col(integer(Redemptions::Minutes))
                .col(string_len_null(Redemptions::IdempotencyKey, 100))
                .col(id_ref(Redemptions::ActorId))
                .col(timestamp_with_time_zone(Redemptions::CreatedAt))
                .col(timestamp_with_time_zone_null(Redemptions::RefundedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("redemptions_idempotency")
                .table(Redemptions::Table)
                .col(Redemptions::OrganizationId)
                .col(Redemptions::IdempotencyKey)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(LedgerEntries::Table)
                .col(id(LedgerEntries::Id))
                .col(big_integer(LedgerEntries::Seq))
                .col(id_ref(LedgerEntries::OrganizationId))
                .col(id_ref(LedgerEntries::VoucherId))
                .col(string_len(LedgerEntries::Kind, 10))
                .col(integer(LedgerEntries::Minutes))
                .col(id_ref_null(LedgerEntries::TicketId))
                .col(id_ref_null(LedgerEntries::BookingId))
                .col(id_ref_null(LedgerEntries::RedemptionId))
                .col(id_ref_null(LedgerEntries::ActorId))
                .col(string_len(LedgerEntries::Note, 500))
                .col(timestamp_with_time_zone(LedgerEntries::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(LedgerEntries::Table, LedgerEntries::VoucherId)
                        .to(Vouchers::Table, Vouchers::Id),
                )
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("ledger_entries_organization_seq", vec![LedgerEntries::OrganizationId, LedgerEntries::Seq]),
            ("ledger_entries_voucher", vec![LedgerEntries::VoucherId]),
            ("ledger_entries_redemption", vec![LedgerEntries::RedemptionId]),
        ] {
            let mut index = Index::create();
            index.name(name).table(LedgerEntries::Table);
            for col in cols {
                index.col(col);
            }
            m.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(LedgerEntries::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Redemptions::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Vouchers::Table).to_owned()).await?;
        m.alter_table(Table::alter().table(Organizations::Table).drop_column(Organizations::LedgerVersion).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
    LedgerVersion,
}

#[derive(DeriveIden)]
enum Vouchers {
    Table,
    Id,
    OrganizationId,
    Code,
    Minutes,
    IssuedOn,
    ExpiresOn,
    IssuedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Redemptions {
    Table,
    Id,
    OrganizationId,
    TicketId,
    Minutes,
    IdempotencyKey,
    ActorId,
    CreatedAt,
    RefundedAt,
}

#[derive(DeriveIden)]
enum LedgerEntries {
    Table,
    Id,
    Seq,
    OrganizationId,
    VoucherId,
    Kind,
    Minutes,
    TicketId,
    BookingId,
    RedemptionId,
    ActorId,
    Note,
    CreatedAt,
}
