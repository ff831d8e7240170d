//! The audit log: every security- or money-relevant action, written in the same transaction as
//! the action itself, with who, when, what and before/after. It is append only, and the
//! databases themselves hold it so: a trigger refuses any UPDATE or DELETE of an entry, whatever
//! code path (or person with a SQL prompt through the portal's connection) tries.

use crate::{id, id_ref_null, index_on};
use sea_orm_migration::sea_orm::DatabaseBackend;
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000023_audit_log"
    }
}

const SQLITE_UP: &[&str] = &[
    "CREATE TRIGGER audit_entries_never_change BEFORE UPDATE ON audit_entries \
     BEGIN SELECT RAISE(ABORT, 'the audit log is append only'); END",
    "CREATE TRIGGER audit_entries_never_go BEFORE DELETE ON audit_entries \
     BEGIN SELECT RAISE(ABORT, 'the audit log is append only'); END",
];

const POSTGRES_UP: &[&str] = &[
    "CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
     RAISE EXCEPTION 'the audit log is append only'; END $$",
    "CREATE TRIGGER audit_entries_never_change BEFORE UPDATE OR DELETE ON audit_entries \
     FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()",
    // TRUNCATE passes row triggers by; a statement trigger stops it too.
    "CREATE TRIGGER audit_entries_never_truncated BEFORE TRUNCATE ON audit_entries \
     FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only()",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(AuditEntries::Table)
                .col(id(AuditEntries::Id))
                .col(timestamp_with_time_zone(AuditEntries::At))
                .col(id_ref_null(AuditEntries::ActorId))
                .col(string_len(AuditEntries::ActorName, 320))
                .col(string_len(AuditEntries::Kind, 40))
                .col(id_ref_null(AuditEntries::OrganizationId))
                .col(string_len(AuditEntries::TargetType, 40))
                .col(string_len_null(AuditEntries::TargetId, 64))
                .col(text(AuditEntries::Summary))
                .col(text_null(AuditEntries::Before))
                .col(text_null(AuditEntries::After))
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("audit_entries_at", &[AuditEntries::At][..]),
            ("audit_entries_organization", &[AuditEntries::OrganizationId, AuditEntries::At][..]),
            ("audit_entries_actor", &[AuditEntries::ActorId, AuditEntries::At][..]),
            ("audit_entries_kind", &[AuditEntries::Kind, AuditEntries::At][..]),
        ] {
            m.create_index(index_on(AuditEntries::Table, name, cols)).await?;
        }
        crate::run_for_engine(m, SQLITE_UP, POSTGRES_UP).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(AuditEntries::Table).to_owned()).await?;
        if m.get_database_backend() == DatabaseBackend::Postgres {
            m.get_connection().execute_unprepared("DROP FUNCTION audit_entries_append_only()").await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum AuditEntries {
    Table,
    Id,
    At,
    ActorId,
    ActorName,
    Kind,
    OrganizationId,
    TargetType,
    TargetId,
    Summary,
    Before,
    After,
}
