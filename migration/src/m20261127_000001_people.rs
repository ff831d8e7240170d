//! Organisations, their e-mail domains, deployments and IRS contracts; users, sessions and failed
//! sign-ins.

use crate::{id, id_ref, id_ref_null};
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261127_000001_people"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Organizations::Table)
                .col(id(Organizations::Id))
                .col(string_len(Organizations::Name, 200))
                .col(timestamp_with_time_zone(Organizations::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("organizations_name").table(Organizations::Table).col(Organizations::Name).to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(OrganizationDomains::Table)
                .col(string_len(OrganizationDomains::Domain, 253).primary_key())
                .col(id_ref(OrganizationDomains::OrganizationId))
                .foreign_key(
                    ForeignKey::create()
                        .from(OrganizationDomains::Table, OrganizationDomains::OrganizationId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Deployments::Table)
                .col(id(Deployments::OrganizationId))
                .col(date_null(Deployments::GoLiveOn))
                .col(string_len(Deployments::GoLiveBasis, 20))
                .col(boolean(Deployments::GoLiveHeld))
                .col(date_null(Deployments::CompletionSignedOn))
                .col(boolean(Deployments::DeemedNoticeSent).default(false))
                .col(timestamp_with_time_zone(Deployments::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Deployments::Table, Deployments::OrganizationId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(IrsContracts::Table)
                .col(id(IrsContracts::Id))
                .col(id_ref(IrsContracts::OrganizationId))
                .col(date(IrsContracts::StartsOn))
                .col(date(IrsContracts::EndsOn))
                .col(timestamp_with_time_zone(IrsContracts::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(IrsContracts::Table, IrsContracts::OrganizationId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("irs_contracts_organization")
                .table(IrsContracts::Table)
                .col(IrsContracts::OrganizationId)
                .col(IrsContracts::StartsOn)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Users::Table)
                .col(id(Users::Id))
                .col(string_len(Users::Name, 100))
                .col(string_len_uniq(Users::Email, 254))
                .col(string_len_null(Users::Phone, 40))
                .col(string_len_null(Users::Company, 200))
                .col(string_len(Users::PasswordHash, 200))
                .col(string_len(Users::Role, 20))
                .col(string_len(Users::Status, 20))
                .col(id_ref_null(Users::OrganizationId))
                .col(boolean(Users::Superuser))
                .col(string_len_null(Users::DecisionNote, 500))
                .col(timestamp_with_time_zone(Users::CreatedAt))
                .col(timestamp_with_time_zone(Users::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Users::Table, Users::OrganizationId)
                        .to(Organizations::Table, Organizations::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("users_status_created")
                .table(Users::Table)
                .col(Users::Status)
                .col(Users::CreatedAt)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("users_organization").table(Users::Table).col(Users::OrganizationId).to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Sessions::Table)
                .col(id(Sessions::Id))
                .col(id_ref(Sessions::UserId))
                .col(timestamp_with_time_zone(Sessions::CreatedAt))
                .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                .col(timestamp_with_time_zone_null(Sessions::RevokedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Sessions::Table, Sessions::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("sessions_user").table(Sessions::Table).col(Sessions::UserId).to_owned())
            .await?;

        m.create_table(
            Table::create()
                .table(LoginFailures::Table)
                .col(pk_auto(LoginFailures::Id))
                .col(string_len(LoginFailures::Email, 254))
                .col(timestamp_with_time_zone(LoginFailures::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("login_failures_email_created")
                .table(LoginFailures::Table)
                .col(LoginFailures::Email)
                .col(LoginFailures::CreatedAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            LoginFailures::Table.into_iden(),
            Sessions::Table.into_iden(),
            Users::Table.into_iden(),
            IrsContracts::Table.into_iden(),
            Deployments::Table.into_iden(),
            OrganizationDomains::Table.into_iden(),
            Organizations::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
pub(crate) enum Organizations {
    Table,
    Id,
    Name,
    CreatedAt,
}

#[derive(DeriveIden)]
enum OrganizationDomains {
    Table,
    Domain,
    OrganizationId,
}

#[derive(DeriveIden)]
enum Deployments {
    Table,
    OrganizationId,
    GoLiveOn,
    GoLiveBasis,
    GoLiveHeld,
    CompletionSignedOn,
    DeemedNoticeSent,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum IrsContracts {
    Table,
    Id,
    OrganizationId,
    StartsOn,
    EndsOn,
    CreatedAt,
}

#[derive(DeriveIden)]
pub(crate) enum Users {
    Table,
    Id,
    Name,
    Email,
    Phone,
    Company,
    PasswordHash,
    Role,
    Status,
    OrganizationId,
    Superuser,
    DecisionNote,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    UserId,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum LoginFailures {
    Table,
    Id,
    Email,
    CreatedAt,
}
