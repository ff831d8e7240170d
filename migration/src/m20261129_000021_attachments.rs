//! Files on tickets. `attachments` describes each file as it was attached (to a ticket, and to
//! the reply or note it came with); the bytes are kept once per content (SHA-256) by the file
//! store: a directory by default, or, for several portal processes, `file_chunks` in the shared
//! database (1 MiB rows, so no file is ever held whole in memory).

use crate::{id, id_ref, id_ref_null, index_on};
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000021_attachments"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Attachments::Table)
                .col(id(Attachments::Id))
                .col(id_ref(Attachments::TicketId))
                .col(id_ref_null(Attachments::CommentId))
                .col(id_ref(Attachments::OrganizationId))
                .col(string_len(Attachments::FileName, 200))
                .col(string_len(Attachments::ContentType, 100))
                .col(big_integer(Attachments::Size))
                .col(string_len(Attachments::Sha256, 64))
                .col(boolean(Attachments::Internal))
                .col(id_ref(Attachments::UploadedBy))
                .col(timestamp_with_time_zone(Attachments::CreatedAt))
                .col(timestamp_with_time_zone_null(Attachments::DeletedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(index_on(
            Attachments::Table,
            "attachments_ticket",
            &[Attachments::TicketId, Attachments::CreatedAt],
        ))
        .await?;
        m.create_index(index_on(
            Attachments::Table,
            "attachments_organization_day",
            &[Attachments::OrganizationId, Attachments::CreatedAt],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(FileChunks::Table)
                .col(string_len(FileChunks::Sha256, 64))
                .col(integer(FileChunks::Seq))
                .col(blob(FileChunks::Data))
                .primary_key(Index::create().col(FileChunks::Sha256).col(FileChunks::Seq))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(FileChunks::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Attachments::Table).to_owned()).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Attachments {
    Table,
    Id,
    TicketId,
    CommentId,
    OrganizationId,
    FileName,
    ContentType,
    Size,
    Sha256,
    Internal,
    UploadedBy,
    CreatedAt,
    DeletedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum FileChunks {
    Table,
    Sha256,
    Seq,
    Data,
}
