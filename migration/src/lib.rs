//! The schema, one migration per step, built with the schema builder so SQLite and PostgreSQL run
//! the same files. Never edit a migration that has landed: add the next one.

pub use sea_orm_migration::prelude::*;

mod m20261127_000001_people;
mod m20261127_000002_tickets;
mod m20261127_000003_billing;
mod m20261127_000004_queues;
mod m20261127_000005_vouchers;
mod m20261127_000006_after_hours;
mod m20261127_000007_queue_view_index;
mod m20261127_000008_ticket_search;
mod m20261127_000009_ledger_sums_index;
mod m20261127_000010_ticket_tallies;
mod m20261128_000011_search_words;
mod m20261128_000012_search_facets;
mod m20261128_000013_updated_index;
mod m20261128_000014_search_updated;
mod m20261129_000015_notifications;
mod m20261129_000016_account_tokens;
mod m20261129_000017_notices_sent;
mod m20261129_000018_mail_in;
mod m20261129_000019_deployment_projects;
mod m20261129_000020_deployment_forms;
mod m20261129_000021_attachments;
mod m20261129_000022_form_files;
mod m20261129_000023_audit_log;
mod m20261129_000024_profiles;
mod m20261129_000025_releases;
mod m20261129_000026_sign_in_sources;
mod m20261130_000027_macs;
mod m20261130_000028_ticket_viewers;
mod m20261130_000029_ticket_days;
mod m20261130_000030_workload;
mod m20261130_000031_backlog_index;
mod m20261130_000032_search_words_per_batch;
mod m20261201_000033_search_small_pages;
mod m20261203_000034_staff_index;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_people::Migration),
            Box::new(m20261127_000002_tickets::Migration),
            Box::new(m20261127_000003_billing::Migration),
            Box::new(m20261127_000004_queues::Migration),
            Box::new(m20261127_000005_vouchers::Migration),
            Box::new(m20261127_000006_after_hours::Migration),
            Box::new(m20261127_000007_queue_view_index::Migration),
            Box::new(m20261127_000008_ticket_search::Migration),
            Box::new(m20261127_000009_ledger_sums_index::Migration),
            Box::new(m20261127_000010_ticket_tallies::Migration),
            Box::new(m20261128_000011_search_words::Migration),
            Box::new(m20261128_000012_search_facets::Migration),
            Box::new(m20261128_000013_updated_index::Migration),
            Box::new(m20261128_000014_search_updated::Migration),
            Box::new(m20261129_000015_notifications::Migration),
            Box::new(m20261129_000016_account_tokens::Migration),
            Box::new(m20261129_000017_notices_sent::Migration),
            Box::new(m20261129_000018_mail_in::Migration),
            Box::new(m20261129_000019_deployment_projects::Migration),
            Box::new(m20261129_000020_deployment_forms::Migration),
            Box::new(m20261129_000021_attachments::Migration),
            Box::new(m20261129_000022_form_files::Migration),
            Box::new(m20261129_000023_audit_log::Migration),
            Box::new(m20261129_000024_profiles::Migration),
            Box::new(m20261129_000025_releases::Migration),
            Box::new(m20261129_000026_sign_in_sources::Migration),
            Box::new(m20261130_000027_macs::Migration),
            Box::new(m20261130_000028_ticket_viewers::Migration),
            Box::new(m20261130_000029_ticket_days::Migration),
            Box::new(m20261130_000030_workload::Migration),
            Box::new(m20261130_000031_backlog_index::Migration),
            Box::new(m20261130_000032_search_words_per_batch::Migration),
            Box::new(m20261201_000033_search_small_pages::Migration),
            Box::new(m20261203_000034_staff_index::Migration),
        ]
    }
}

/// An id column: a UUID kept as text, so both databases store and compare it the same way.
pub(crate) fn id<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).string_len(36).not_null().primary_key().take()
}

pub(crate) fn id_ref<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).string_len(36).not_null().take()
}

pub(crate) fn id_ref_null<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).string_len(36).null().take()
}

/// Runs the engine's own statements, in order: `sqlite` on SQLite, `postgres` on PostgreSQL
/// (triggers and functions, which each engine writes in its own dialect).
pub(crate) async fn run_for_engine(m: &SchemaManager<'_>, sqlite: &[&str], postgres: &[&str]) -> Result<(), DbErr> {
    let statements = match m.get_database_backend() {
        sea_orm_migration::sea_orm::DatabaseBackend::Sqlite => sqlite,
        _ => postgres,
    };
    for sql in statements {
        m.get_connection().execute_unprepared(sql).await?;
    }
    Ok(())
}

/// A plain index named `name` on `table`'s `cols`, in that order.
pub(crate) fn index_on<T: Iden + Copy + 'static>(table: T, name: &str, cols: &[T]) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table);
    for col in cols {
        index.col(*col);
    }
    index.to_owned()
}
