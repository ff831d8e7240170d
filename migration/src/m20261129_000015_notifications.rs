//! Notifications: what each person is told in the portal, the e-mail outbox written in the same
//! transaction as the change that caused it, and each person's e-mail preferences.

use crate::{id, id_ref, id_ref_null, index_on};
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000015_notifications"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Notifications::Table)
                .col(id(Notifications::Id))
                .col(id_ref(Notifications::UserId))
                .col(string_len(Notifications::Kind, 40))
                .col(string_len(Notifications::Title, 300))
                .col(text(Notifications::Body))
                .col(string_len_null(Notifications::Link, 300))
                .col(id_ref_null(Notifications::TicketId))
                .col(id_ref_null(Notifications::OrganizationId))
                .col(timestamp_with_time_zone(Notifications::CreatedAt))
                .col(timestamp_with_time_zone_null(Notifications::ReadAt))
                .to_owned(),
        )
        .await?;
        // A person's list, newest first, and their unread count.
        m.create_index(index_on(
            Notifications::Table,
            "notifications_user_read_created",
            &[Notifications::UserId, Notifications::ReadAt, Notifications::CreatedAt],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(MailOutbox::Table)
                .col(id(MailOutbox::Id))
                .col(id_ref_null(MailOutbox::NotificationId))
                .col(id_ref_null(MailOutbox::UserId))
                .col(string_len(MailOutbox::Kind, 40))
                .col(string_len(MailOutbox::ToAddress, 320))
                .col(string_len(MailOutbox::ToName, 200))
                .col(string_len(MailOutbox::Title, 300))
                .col(text(MailOutbox::Body))
                .col(string_len_null(MailOutbox::Link, 300))
                .col(id_ref_null(MailOutbox::TicketId))
                .col(string_len(MailOutbox::Status, 20))
                .col(integer(MailOutbox::Attempts))
                .col(timestamp_with_time_zone(MailOutbox::NextAttemptAt))
                .col(timestamp_with_time_zone_null(MailOutbox::ClaimedUntil))
                .col(string_len_null(MailOutbox::ClaimedBy, 36))
                .col(text_null(MailOutbox::LastError))
                .col(timestamp_with_time_zone(MailOutbox::CreatedAt))
                .col(timestamp_with_time_zone_null(MailOutbox::SentAt))
                .to_owned(),
        )
        .await?;
        // The delivery worker's question: what is due.
        m.create_index(index_on(
            MailOutbox::Table,
            "mail_outbox_status_due",
            &[MailOutbox::Status, MailOutbox::NextAttemptAt],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(NotificationPreferences::Table)
                .col(id_ref(NotificationPreferences::UserId))
                .col(string_len(NotificationPreferences::Kind, 40))
                .col(boolean(NotificationPreferences::Mail))
                .primary_key(Index::create().col(NotificationPreferences::UserId).col(NotificationPreferences::Kind))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(NotificationPreferences::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(MailOutbox::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Notifications::Table).to_owned()).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Notifications {
    Table,
    Id,
    UserId,
    Kind,
    Title,
    Body,
    Link,
    TicketId,
    OrganizationId,
    CreatedAt,
    ReadAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum MailOutbox {
    Table,
    Id,
    NotificationId,
    UserId,
    Kind,
    ToAddress,
    ToName,
    Title,
    Body,
    Link,
    TicketId,
    Status,
    Attempts,
    NextAttemptAt,
    ClaimedUntil,
    ClaimedBy,
    LastError,
    CreatedAt,
    SentAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum NotificationPreferences {
    Table,
    UserId,
    Kind,
    Mail,
}
