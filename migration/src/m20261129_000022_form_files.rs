//! Files on deployment forms (a scanned, signed Go-Live form; a site plan with the Pre-install
//! form). An attachment now belongs to a ticket (and the reply it came with) or to a project's
//! form: `ticket_id` may be empty, and `project_id` with `form` name the form. Who removed a
//! file is kept beside when (`deleted_by`). SQLite cannot
//! relax a column's NOT NULL in place, so the table is made again the same way on both
//! databases: its rows copied aside, the table dropped and created anew, the rows copied back.

use crate::{id, id_ref, id_ref_null, index_on};
use sea_orm_migration::sea_orm::{ConnectionTrait, TransactionTrait};
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000022_form_files"
    }
}

const KEPT: &str = "attachments_kept";

const COPIED: &str = "id, ticket_id, comment_id, organization_id, file_name, content_type, size, sha256, internal, \
                      uploaded_by, created_at, deleted_at";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One transaction on one connection: on SQLite a pooled connection still reading the old
        // schema refused to create an index the drop had removed ("already exists").
        let backend = m.get_database_backend();
        let txn = m.get_connection().begin().await?;
        // The rows wait in a plain copy while the table is made again (no rename: SQLite's
        // rename re-checks the whole schema, FTS5 triggers included, and refused here).
        txn.execute_unprepared(&format!("CREATE TABLE {KEPT} AS SELECT {COPIED} FROM attachments")).await?;
        txn.execute(backend.build(&Table::drop().table(Attachments::Table).to_owned())).await?;
        let table = Table::create()
            .table(Attachments::Table)
            .col(id(Attachments::Id))
            .col(id_ref_null(Attachments::TicketId))
            .col(id_ref_null(Attachments::CommentId))
            .col(id_ref_null(Attachments::ProjectId))
            .col(string_len_null(Attachments::Form, 20))
            .col(id_ref(Attachments::OrganizationId))
            .col(string_len(Attachments::FileName, 200))
            .col(string_len(Attachments::ContentType, 100))
            .col(big_integer(Attachments::Size))
            .col(string_len(Attachments::Sha256, 64))
            .col(boolean(Attachments::Internal))
            .col(id_ref(Attachments::UploadedBy))
            .col(timestamp_with_time_zone(Attachments::CreatedAt))
            .col(timestamp_with_time_zone_null(Attachments::DeletedAt))
            .col(id_ref_null(Attachments::DeletedBy))
            .to_owned();
        txn.execute(backend.build(&table)).await?;
        txn.execute_unprepared(&format!("INSERT INTO attachments ({COPIED}) SELECT {COPIED} FROM {KEPT}")).await?;
        txn.execute(backend.build(&Table::drop().table(Alias::new(KEPT)).to_owned())).await?;
        for (name, cols) in [
            ("attachments_ticket", [Attachments::TicketId, Attachments::CreatedAt]),
            ("attachments_organization_day", [Attachments::OrganizationId, Attachments::CreatedAt]),
            ("attachments_project", [Attachments::ProjectId, Attachments::CreatedAt]),
        ] {
            txn.execute(backend.build(&index_on(Attachments::Table, name, &cols))).await?;
        }
        txn.commit().await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection().execute_unprepared("DELETE FROM attachments WHERE ticket_id IS NULL").await?;
        m.drop_index(Index::drop().name("attachments_project").table(Attachments::Table).to_owned()).await?;
        m.alter_table(Table::alter().table(Attachments::Table).drop_column(Attachments::Form).to_owned()).await?;
        m.alter_table(Table::alter().table(Attachments::Table).drop_column(Attachments::DeletedBy).to_owned()).await?;
        m.alter_table(Table::alter().table(Attachments::Table).drop_column(Attachments::ProjectId).to_owned()).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Attachments {
    Table,
    Id,
    TicketId,
    CommentId,
    ProjectId,
    Form,
    OrganizationId,
    FileName,
    ContentType,
    Size,
    Sha256,
    Internal,
    UploadedBy,
    CreatedAt,
    DeletedAt,
    DeletedBy,
}
