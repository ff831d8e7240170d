//! E-mail in: the reply tokens that let a mail answer its ticket (one per recipient and ticket,
//! kept as SHA-256, carried in the outbox until the mail is sent), and a record of every message
//! received, with what became of it.

use crate::{id, id_ref, id_ref_null};
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000018_mail_in"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ReplyTokens::Table)
                .col(string_len(ReplyTokens::TokenHash, 64).primary_key())
                .col(id_ref(ReplyTokens::UserId))
                .col(id_ref(ReplyTokens::TicketId))
                .col(timestamp_with_time_zone(ReplyTokens::ExpiresAt))
                .col(timestamp_with_time_zone(ReplyTokens::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter().table(MailOutbox::Table).add_column(string_len_null(MailOutbox::ReplyToken, 64)).to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(InboundMail::Table)
                .col(id(InboundMail::Id))
                .col(string_len_null(InboundMail::MessageId, 300))
                .col(string_len(InboundMail::FromAddress, 320))
                .col(string_len(InboundMail::Subject, 300))
                .col(string_len(InboundMail::Outcome, 20))
                .col(text_null(InboundMail::Reason))
                .col(id_ref_null(InboundMail::TicketId))
                .col(string_len(InboundMail::Source, 20))
                .col(timestamp_with_time_zone(InboundMail::CreatedAt))
                .to_owned(),
        )
        .await?;
        // A message delivered twice (a webhook retried, a mailbox polled again) is taken once.
        m.create_index(
            Index::create()
                .name("inbound_mail_message_id")
                .table(InboundMail::Table)
                .col(InboundMail::MessageId)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(InboundMail::Table).to_owned()).await?;
        m.alter_table(Table::alter().table(MailOutbox::Table).drop_column(MailOutbox::ReplyToken).to_owned()).await?;
        m.drop_table(Table::drop().table(ReplyTokens::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum ReplyTokens {
    Table,
    TokenHash,
    UserId,
    TicketId,
    ExpiresAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum MailOutbox {
    Table,
    ReplyToken,
}

#[derive(DeriveIden)]
enum InboundMail {
    Table,
    Id,
    MessageId,
    FromAddress,
    Subject,
    Outcome,
    Reason,
    TicketId,
    Source,
    CreatedAt,
}
