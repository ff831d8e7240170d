//! The agent workload's rollups (issue 23).
//!
//! `staff_days`: per day in the support time zone and staff member, the public replies they wrote
//! and the minutes they logged. The services that write a reply or log time add to it in the same
//! transaction (`services::reports::count_work`), so a year's workload reads a few thousand rows
//! rather than every reply of a million tickets.
//!
//! `assignee_tallies`: how many tickets each assignee holds in each status, kept by triggers as
//! `ticket_tallies` are (migration 10), so "open tickets assigned now" reads a few rows rather than
//! counting an agent's tickets (a third of a million, at the benchmark's million).

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000030_workload"
    }
}

const BACKFILL: &str = "INSERT INTO assignee_tallies (assignee_id, status, tickets) \
     SELECT assignee_id, status, COUNT(*) FROM tickets WHERE assignee_id IS NOT NULL GROUP BY assignee_id, status";

const SQLITE_UP: &[&str] = &[
    "CREATE TRIGGER tickets_assignee_tally_insert AFTER INSERT ON tickets WHEN new.assignee_id IS NOT NULL BEGIN \
     INSERT INTO assignee_tallies (assignee_id, status, tickets) VALUES (new.assignee_id, new.status, 1) \
     ON CONFLICT (assignee_id, status) DO UPDATE SET tickets = tickets + 1; END",
    "CREATE TRIGGER tickets_assignee_tally_delete AFTER DELETE ON tickets WHEN old.assignee_id IS NOT NULL BEGIN \
     UPDATE assignee_tallies SET tickets = tickets - 1 WHERE assignee_id = old.assignee_id AND status = old.status; END",
    "CREATE TRIGGER tickets_assignee_tally_update AFTER UPDATE OF assignee_id, status ON tickets \
     WHEN old.assignee_id IS NOT new.assignee_id OR old.status IS NOT new.status BEGIN \
     UPDATE assignee_tallies SET tickets = tickets - 1 WHERE assignee_id = old.assignee_id AND status = old.status; \
     INSERT INTO assignee_tallies (assignee_id, status, tickets) SELECT new.assignee_id, new.status, 1 \
     WHERE new.assignee_id IS NOT NULL \
     ON CONFLICT (assignee_id, status) DO UPDATE SET tickets = tickets + 1; END",
];

const SQLITE_DOWN: &[&str] = &[
    "DROP TRIGGER tickets_assignee_tally_update",
    "DROP TRIGGER tickets_assignee_tally_delete",
    "DROP TRIGGER tickets_assignee_tally_insert",
];

const POSTGRES_UP: &[&str] = &[
    "CREATE FUNCTION tickets_assignee_tally() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
     IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.assignee_id IS NOT NULL THEN \
       UPDATE assignee_tallies SET tickets = tickets - 1 \
       WHERE assignee_id = OLD.assignee_id AND status = OLD.status; \
     END IF; \
     IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.assignee_id IS NOT NULL THEN \
       INSERT INTO assignee_tallies (assignee_id, status, tickets) VALUES (NEW.assignee_id, NEW.status, 1) \
       ON CONFLICT (assignee_id, status) DO UPDATE SET tickets = assignee_tallies.tickets + 1; \
     END IF; \
     RETURN NULL; END $$",
    "CREATE TRIGGER tickets_assignee_tally_insert_delete AFTER INSERT OR DELETE ON tickets \
     FOR EACH ROW EXECUTE FUNCTION tickets_assignee_tally()",
    "CREATE TRIGGER tickets_assignee_tally_update AFTER UPDATE OF assignee_id, status ON tickets FOR EACH ROW \
     WHEN (OLD.assignee_id IS DISTINCT FROM NEW.assignee_id OR OLD.status IS DISTINCT FROM NEW.status) \
     EXECUTE FUNCTION tickets_assignee_tally()",
];

const POSTGRES_DOWN: &[&str] = &[
    "DROP TRIGGER tickets_assignee_tally_update ON tickets",
    "DROP TRIGGER tickets_assignee_tally_insert_delete ON tickets",
    "DROP FUNCTION tickets_assignee_tally()",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(StaffDays::Table)
                .col(string_len(StaffDays::Day, 10))
                .col(string_len(StaffDays::UserId, 36))
                .col(big_integer(StaffDays::Replies).default(0))
                .col(big_integer(StaffDays::MinutesLogged).default(0))
                .primary_key(Index::create().col(StaffDays::Day).col(StaffDays::UserId))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AssigneeTallies::Table)
                .col(string_len(AssigneeTallies::AssigneeId, 36))
                .col(string(AssigneeTallies::Status))
                .col(big_integer(AssigneeTallies::Tickets))
                .primary_key(Index::create().col(AssigneeTallies::AssigneeId).col(AssigneeTallies::Status))
                .to_owned(),
        )
        .await?;
        m.get_connection().execute_unprepared(BACKFILL).await?;
        crate::run_for_engine(m, SQLITE_UP, POSTGRES_UP).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        crate::run_for_engine(m, SQLITE_DOWN, POSTGRES_DOWN).await?;
        m.drop_table(Table::drop().table(AssigneeTallies::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(StaffDays::Table).to_owned()).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum StaffDays {
    Table,
    Day,
    UserId,
    Replies,
    MinutesLogged,
}

#[derive(DeriveIden, Clone, Copy)]
enum AssigneeTallies {
    Table,
    AssigneeId,
    Status,
    Tickets,
}
