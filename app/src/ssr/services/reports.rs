//! Reports (issue 23): keeps the daily rollup as tickets change, rebuilds it from the tickets when
//! it is new, and reads the desk report: volume, SLA, backlog, workload and voucher use.

use super::organizations::seen;
use super::people::field_error;
use super::settings::calendar;
use super::tickets::clock_state;
use crate::domain::afterhours::BookingStatus;
use crate::domain::billing::BillingTag;
use crate::domain::calendar::BusinessCalendar;
use crate::domain::reports::{
    age_bands, age_boundaries, counted, forecast_rank, period_label, period_start, periods, report_range, Change,
    Grouping, Range, Tally, AGES, FORECAST_ROWS,
};
use crate::domain::sla::ClockState;
use crate::domain::text::spreadsheet_safe;
use crate::domain::tickets::{is_open, Priority, TicketStatus};
use crate::domain::vouchers::EntryKind;
use crate::dto::{AgeRow, DeskReportDto, PeriodRow, ReportQuery, StatusCount, TallyRow, VoucherPeriod, WorkloadRow};
use crate::error::AppError;
use crate::ssr::auth::{Access, Actor};
use crate::ssr::db::begin;
use crate::ssr::entities::{
    assignee_tally, booking, ledger_entry, setting, staff_day, ticket, ticket_comment, ticket_day, ticket_tally,
    time_entry, user,
};
use chrono::{DateTime, Days, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Asterisk, Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use std::collections::{BTreeMap, HashMap};

/// The rollup's scope for the whole desk; an organisation's rows carry its id instead.
const DESK: &str = "all";
/// The settings row that says the rollups were built (by the first start after they were added;
/// `_2` since the staff days joined the ticket days, so a portal that had only the first builds both).
const BUILT: &str = "reports.rollup_built_2";

type Key = (String, String, String, String, String);

fn key(scope: &str, day: NaiveDate, t: &ticket::Model) -> Key {
    (scope.into(), day.format("%Y-%m-%d").to_string(), t.queue.clone(), t.priority.clone(), t.billing_tag.clone())
}

/// Adds tallies to their rows, creating the rows that are new; many at a time.
async fn add(db: &impl ConnectionTrait, rows: Vec<(Key, Tally)>) -> Result<(), AppError> {
    use ticket_day::Column as C;
    let plus = |c: C| Expr::col((ticket_day::Entity, c)).add(Expr::col((Alias::new("excluded"), c)));
    for chunk in rows.chunks(500) {
        let models = chunk.iter().map(|((scope, day, queue, priority, tag), t)| ticket_day::ActiveModel {
            scope: Set(scope.clone()),
            day: Set(day.clone()),
            queue: Set(queue.clone()),
            priority: Set(priority.clone()),
            billing_tag: Set(tag.clone()),
            raised: Set(t.raised),
            resolved: Set(t.resolved),
            responded: Set(t.responded),
            responded_in_time: Set(t.responded_in_time),
            resolved_in_time: Set(t.resolved_in_time),
        });
        ticket_day::Entity::insert_many(models)
            .on_conflict(
                OnConflict::columns([C::Scope, C::Day, C::Queue, C::Priority, C::BillingTag])
                    .values([
                        (C::Raised, plus(C::Raised)),
                        (C::Resolved, plus(C::Resolved)),
                        (C::Responded, plus(C::Responded)),
                        (C::RespondedInTime, plus(C::RespondedInTime)),
                        (C::ResolvedInTime, plus(C::ResolvedInTime)),
                    ])
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// A staff member's work on one day: public replies written, minutes logged.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Work {
    pub replies: i64,
    pub minutes: i64,
}

/// Adds work to its (day, staff member) rows, creating the rows that are new; many at a time.
async fn add_work(db: &impl ConnectionTrait, rows: Vec<((String, String), Work)>) -> Result<(), AppError> {
    use staff_day::Column as C;
    let plus = |c: C| Expr::col((staff_day::Entity, c)).add(Expr::col((Alias::new("excluded"), c)));
    for chunk in rows.chunks(500) {
        let models = chunk.iter().map(|((day, user_id), w)| staff_day::ActiveModel {
            day: Set(day.clone()),
            user_id: Set(user_id.clone()),
            replies: Set(w.replies),
            minutes_logged: Set(w.minutes),
        });
        staff_day::Entity::insert_many(models)
            .on_conflict(
                OnConflict::columns([C::Day, C::UserId])
                    .values([(C::Replies, plus(C::Replies)), (C::MinutesLogged, plus(C::MinutesLogged))])
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Counts a staff member's `work` on `day` (the support time zone's) in the caller's transaction:
/// a public reply written, or minutes logged against that day.
pub(crate) async fn count_work(
    db: &impl ConnectionTrait,
    user_id: &str,
    day: NaiveDate,
    work: Work,
) -> Result<(), AppError> {
    count_works(db, vec![((day, user_id.to_string()), work)]).await
}

/// Counts the work of many (day, staff member) pairs at once (a batch of replies), each pair once.
pub(crate) async fn count_works(
    db: &impl ConnectionTrait,
    works: Vec<((NaiveDate, String), Work)>,
) -> Result<(), AppError> {
    let rows = works.into_iter().map(|((day, user_id), work)| ((day.format("%Y-%m-%d").to_string(), user_id), work));
    add_work(db, rows.collect()).await
}

/// Counts `change` in the caller's transaction: `before` is the ticket as it stood (its clocks
/// judge whether the change came in time), `after` as it is now (its queue, priority and tag are
/// where the change is counted), on the support time zone's date of `now`. The caller passes the
/// calendar it read (before its write gate, where it can: docs/architecture.md, "Writes").
pub(crate) async fn count(
    db: &impl ConnectionTrait,
    cal: &BusinessCalendar,
    change: Change,
    before: &ticket::Model,
    after: &ticket::Model,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    count_each(db, cal, &[(change, before, after, now)]).await
}

/// Counts many changes at once (a batch of tickets raised together, of replies posted together),
/// each on the day of its own time: the rows they share are summed first and written once.
pub(crate) async fn count_each(
    db: &impl ConnectionTrait,
    cal: &BusinessCalendar,
    changes: &[(Change, &ticket::Model, &ticket::Model, DateTime<Utc>)],
) -> Result<(), AppError> {
    let mut sums: HashMap<Key, Tally> = HashMap::new();
    for &(change, before, after, now) in changes {
        let day = cal.date_of(now);
        let clocks = match change {
            Change::Raised => None,
            _ => {
                let priority = Priority::parse(&before.priority).unwrap_or(Priority::P3);
                let status = TicketStatus::parse(&before.status).unwrap_or(TicketStatus::Open);
                clock_state(before).clocks(cal, priority, status, now)
            }
        };
        if let Some(tally) = counted(change, clocks.as_ref()) {
            for scope in [DESK, after.organization_id.as_str()] {
                *sums.entry(key(scope, day, after)).or_default() += tally;
            }
        }
    }
    if !sums.is_empty() {
        add(db, sums.into_iter().collect()).await?;
    }
    Ok(())
}

/// Builds the rollup from the tickets on the first start after it was added (an upgraded portal
/// keeps its history), once however many processes start together: the claim and the build share
/// one transaction. A new portal claims it with no tickets to read.
pub async fn build_once<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    let txn = begin(db).await?;
    let claim = setting::ActiveModel { name: Set(BUILT.into()), value: Set("true".into()), updated_at: Set(now) };
    let claimed = setting::Entity::insert(claim)
        .on_conflict(OnConflict::column(setting::Column::Name).do_nothing().to_owned())
        .exec_without_returning(&txn)
        .await?;
    let read = if claimed == 1 { rebuild(&txn).await? } else { 0 };
    txn.commit().await?;
    Ok(read)
}

/// Counts every ticket again from what it records (raised, first answered, resolved), in pages,
/// adding to the rollup as it goes; answers how many tickets it read. A ticket's pauses before its
/// first response are not recorded apart from the later ones, so the rebuild judges the response
/// as if there were none and the resolution with all of them.
pub async fn rebuild(db: &impl ConnectionTrait) -> Result<u64, AppError> {
    let cal = calendar(db).await?;
    rebuild_work(db, &cal).await?;
    ticket_day::Entity::delete_many().exec(db).await?;
    let mut read = 0u64;
    let mut after = String::new();
    loop {
        // A page after the last id read (not an offset: the millionth ticket costs what the first does).
        let tickets = ticket::Entity::find()
            .filter(ticket::Column::Id.gt(after.as_str()))
            .order_by_asc(ticket::Column::Id)
            .limit(2_000)
            .all(db)
            .await?;
        let Some(last) = tickets.last() else { break };
        after = last.id.clone();
        let mut sums: HashMap<Key, Tally> = HashMap::new();
        for t in &tickets {
            for (day, tally) in recorded(&cal, t) {
                for scope in [DESK, t.organization_id.as_str()] {
                    *sums.entry(key(scope, day, t)).or_default() += tally;
                }
            }
        }
        read += tickets.len() as u64;
        add(db, sums.into_iter().collect()).await?;
    }
    Ok(read)
}

/// The staff days again from the replies and the time entries: replies in pages after the last id
/// read, minutes summed by the database per (day, author).
async fn rebuild_work(db: &impl ConnectionTrait, cal: &BusinessCalendar) -> Result<(), AppError> {
    use crate::domain::people::Role;
    staff_day::Entity::delete_many().exec(db).await?;
    let staff: std::collections::HashSet<String> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::Role.ne(Role::Customer.as_str()))
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut after = String::new();
    loop {
        let page: Vec<(String, String, DateTime<Utc>)> = ticket_comment::Entity::find()
            .select_only()
            .columns([ticket_comment::Column::Id, ticket_comment::Column::AuthorId, ticket_comment::Column::CreatedAt])
            .filter(ticket_comment::Column::Id.gt(after.as_str()))
            .filter(ticket_comment::Column::Internal.eq(false))
            .order_by_asc(ticket_comment::Column::Id)
            .limit(5_000)
            .into_tuple()
            .all(db)
            .await?;
        let Some((last, _, _)) = page.last() else { break };
        after = last.clone();
        let mut sums: HashMap<(String, String), Work> = HashMap::new();
        for (_, author, at) in page.into_iter().filter(|(_, author, _)| staff.contains(author)) {
            sums.entry((cal.date_of(at).format("%Y-%m-%d").to_string(), author)).or_default().replies += 1;
        }
        add_work(db, sums.into_iter().collect()).await?;
    }
    let logged: Vec<(NaiveDate, String, i64)> = time_entry::Entity::find()
        .select_only()
        .column(time_entry::Column::WorkedOn)
        .column(time_entry::Column::AuthorId)
        .column_as(Expr::col(time_entry::Column::Minutes).sum().cast_as(Alias::new("BIGINT")), "n")
        .group_by(time_entry::Column::WorkedOn)
        .group_by(time_entry::Column::AuthorId)
        .into_tuple()
        .all(db)
        .await?;
    let rows = logged
        .into_iter()
        .map(|(day, author, minutes)| ((day.format("%Y-%m-%d").to_string(), author), Work { replies: 0, minutes }))
        .collect();
    add_work(db, rows).await
}

/// What one ticket's recorded times count, by day.
fn recorded(cal: &BusinessCalendar, t: &ticket::Model) -> Vec<(NaiveDate, Tally)> {
    let priority = Priority::parse(&t.priority).unwrap_or(Priority::P3);
    let fresh = ClockState::new(t.created_at);
    let mut out = vec![(cal.date_of(t.created_at), Tally { raised: 1, ..Tally::default() })];
    if let Some(at) = t.first_response_at {
        let clocks = fresh.clocks(cal, priority, TicketStatus::Open, at);
        out.extend(counted(Change::FirstResponse, clocks.as_ref()).map(|tally| (cal.date_of(at), tally)));
    }
    if let Some(at) = t.resolved_at {
        let state = ClockState { first_response_at: t.first_response_at, paused_minutes: t.paused_minutes, ..fresh };
        let clocks = state.clocks(cal, priority, TicketStatus::Open, at);
        out.extend(counted(Change::Resolved, clocks.as_ref()).map(|tally| (cal.date_of(at), tally)));
    }
    out
}

/// Who the report is about: the whole desk, or one organisation.
struct Scope {
    organization: Option<(String, String)>,
    staff: bool,
    account_manager: bool,
}

impl Scope {
    fn rollup_scope(&self) -> &str {
        self.organization.as_ref().map(|(id, _)| id.as_str()).unwrap_or(DESK)
    }

    fn organization_id(&self) -> Option<&str> {
        self.organization.as_ref().map(|(id, _)| id.as_str())
    }
}

async fn scope_of(db: &impl ConnectionTrait, actor: &Actor, asked: Option<&str>) -> Result<Scope, AppError> {
    let access = actor.access()?;
    let asked = asked.map(str::trim).filter(|s| !s.is_empty());
    let organization = match (&access, asked) {
        (Access::Customer(c), _) if !c.superuser => {
            return Err(AppError::forbidden("Reports are for CyTrack staff and your organisation's superusers."));
        }
        (Access::Customer(c), asked) => Some(seen(db, &access, asked.unwrap_or(&c.organization_id)).await?),
        (Access::Staff(_), Some(id)) => Some(seen(db, &access, id).await?),
        (Access::Staff(_), None) => None,
    };
    Ok(Scope {
        organization: organization.map(|o| (o.id, o.name)),
        staff: matches!(access, Access::Staff(_)),
        account_manager: actor.account_manager().is_ok(),
    })
}

fn parse_query(q: &ReportQuery, today: NaiveDate) -> Result<(Range, Grouping), AppError> {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let range = report_range(&text(&q.from), &text(&q.to), today).map_err(|(field, m)| field_error(field, m))?;
    let grouping = match text(&q.grouping).trim() {
        "" => Grouping::Day,
        g => Grouping::parse(g).map_err(|m| field_error("grouping", m))?,
    };
    Ok((range, grouping))
}

fn open_statuses() -> Vec<&'static str> {
    TicketStatus::ALL.iter().filter(|s| is_open(**s)).map(|s| s.as_str()).collect()
}

/// The desk report over a range: staff read the whole desk or one organisation; a client's
/// superuser reads their own organisation (any other is 404); other client staff get 403.
pub async fn desk(
    db: &impl ConnectionTrait,
    actor: &Actor,
    query: &ReportQuery,
    now: DateTime<Utc>,
) -> Result<DeskReportDto, AppError> {
    let scope = scope_of(db, actor, query.organization_id.as_deref()).await?;
    let cal = calendar(db).await?;
    let (range, grouping) = parse_query(query, cal.date_of(now))?;
    let (start, end) = (cal.day_starts(range.from), cal.day_starts(range.to + Days::new(1)));
    let starts = periods(range, grouping);
    let period_of = |day: NaiveDate| period_start(day, grouping);

    let rows = ticket_day::Entity::find()
        .filter(ticket_day::Column::Scope.eq(scope.rollup_scope()))
        .filter(ticket_day::Column::Day.gte(range.from.format("%Y-%m-%d").to_string()))
        .filter(ticket_day::Column::Day.lte(range.to.format("%Y-%m-%d").to_string()))
        .all(db)
        .await?;
    let mut totals = Tally::default();
    let mut by_period: BTreeMap<NaiveDate, (Tally, [i64; 4])> =
        starts.iter().map(|s| (*s, Default::default())).collect();
    let mut by_queue: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_priority: BTreeMap<String, Tally> =
        Priority::ALL.iter().map(|p| (p.as_str().into(), Tally::default())).collect();
    for r in rows {
        let tally = Tally {
            raised: r.raised,
            resolved: r.resolved,
            responded: r.responded,
            responded_in_time: r.responded_in_time,
            resolved_in_time: r.resolved_in_time,
        };
        totals += tally;
        if let Ok(day) = NaiveDate::parse_from_str(&r.day, "%Y-%m-%d") {
            let (sum, tags) = by_period.entry(period_of(day)).or_default();
            *sum += tally;
            if let Some(i) = BillingTag::ALL.iter().position(|t| t.as_str() == r.billing_tag) {
                tags[i] += tally.raised;
            }
        }
        *by_queue.entry(r.queue).or_default() += tally;
        *by_priority.entry(r.priority).or_default() += tally;
    }
    let tag =
        |tags: &[i64; 4], t: BillingTag| BillingTag::ALL.iter().position(|x| *x == t).map(|i| tags[i]).unwrap_or(0);
    let volume = by_period
        .into_iter()
        .map(|(period, (sum, tags))| PeriodRow {
            period,
            label: period_label(period, grouping),
            raised: sum.raised,
            resolved: sum.resolved,
            deployment: tag(&tags, BillingTag::Deployment),
            warranty: tag(&tags, BillingTag::Warranty),
            irs: tag(&tags, BillingTag::Irs),
            billable: tag(&tags, BillingTag::Billable),
        })
        .collect();
    let by_priority = by_priority
        .into_iter()
        .map(|(name, t)| {
            let label = Priority::parse(&name).map(|p| p.label()).unwrap_or("Other");
            TallyRow::new(&name, label, t)
        })
        .collect();
    let by_queue = match scope.staff {
        true => by_queue.into_iter().map(|(name, t)| TallyRow::new(&name, &name, t)).collect(),
        false => vec![],
    };

    Ok(DeskReportDto {
        from: range.from,
        to: range.to,
        grouping,
        organization_id: scope.organization_id().map(String::from),
        organization_name: scope.organization.as_ref().map(|(_, name)| name.clone()),
        totals: TallyRow::new("total", "All tickets", totals),
        volume,
        by_queue,
        by_priority,
        backlog: backlog(db, scope.organization_id(), now).await?,
        workload: match (scope.staff, scope.organization_id()) {
            (true, None) => workload(db, range).await?,
            _ => vec![],
        },
        vouchers: voucher_use(db, &cal, scope.organization_id(), start, end, &starts, grouping).await?,
        forecast: forecast(db, &scope, now).await?,
        after_hours: after_hours(db, scope.organization_id(), start, end).await?,
    })
}

/// Open tickets by age now: counts raised since each band's start (a short index range each) and
/// the total open, differenced (a ticket raised or closed between two counts moves one band by one).
/// Each count is `COUNT(*)` over `tickets_status_created` alone (the desk) or one organisation's
/// tickets, never reading the ticket rows.
async fn backlog(db: &impl ConnectionTrait, org: Option<&str>, now: DateTime<Utc>) -> Result<Vec<AgeRow>, AppError> {
    let open_since = |since: Option<DateTime<Utc>>| {
        let mut q = ticket::Entity::find()
            .select_only()
            .column_as(Expr::col(Asterisk).count(), "n")
            .filter(ticket::Column::Status.is_in(open_statuses()));
        if let Some(id) = org {
            q = q.filter(ticket::Column::OrganizationId.eq(id));
        }
        if let Some(at) = since {
            q = q.filter(ticket::Column::CreatedAt.gte(at));
        }
        q.into_tuple::<i64>().one(db)
    };
    let mut since = Vec::new();
    for boundary in age_boundaries(now) {
        since.push(open_since(Some(boundary)).await?.unwrap_or(0));
    }
    // The desk's total from the queue tallies (kept by triggers), rather than counting them all.
    let total = match org {
        Some(_) => open_since(None).await?.unwrap_or(0),
        None => ticket_tally::Entity::find()
            .filter(ticket_tally::Column::Status.is_in(open_statuses()))
            .all(db)
            .await?
            .iter()
            .map(|t| t.tickets)
            .sum(),
    };
    Ok(AGES
        .iter()
        .zip(age_bands(&since, total))
        .map(|((label, _), tickets)| AgeRow { label: (*label).into(), tickets })
        .collect())
}

/// Per active staff member: open tickets assigned now (the assignee tallies the triggers keep), and
/// public replies and minutes logged on the range's days (the staff days' rollup).
async fn workload(db: &impl ConnectionTrait, range: Range) -> Result<Vec<WorkloadRow>, AppError> {
    use crate::domain::people::{Role, UserStatus};
    let staff = user::Entity::find()
        .filter(user::Column::Role.ne(Role::Customer.as_str()))
        .filter(user::Column::Status.eq(UserStatus::Active.as_str()))
        .order_by_asc(user::Column::Name)
        .all(db)
        .await?;
    let ids: Vec<String> = staff.iter().map(|u| u.id.clone()).collect();
    let mut assigned: HashMap<String, i64> = HashMap::new();
    let tallies = assignee_tally::Entity::find()
        .filter(assignee_tally::Column::AssigneeId.is_in(ids))
        .filter(assignee_tally::Column::Status.is_in(open_statuses()))
        .all(db)
        .await?;
    for t in tallies {
        *assigned.entry(t.assignee_id).or_default() += t.tickets;
    }
    let mut work: HashMap<String, Work> = HashMap::new();
    let days = staff_day::Entity::find()
        .filter(staff_day::Column::Day.gte(range.from.format("%Y-%m-%d").to_string()))
        .filter(staff_day::Column::Day.lte(range.to.format("%Y-%m-%d").to_string()))
        .all(db)
        .await?;
    for d in days {
        let w = work.entry(d.user_id).or_default();
        w.replies += d.replies;
        w.minutes += d.minutes_logged;
    }
    Ok(staff
        .into_iter()
        .map(|u| {
            let w = work.get(&u.id).copied().unwrap_or_default();
            WorkloadRow {
                open_assigned: assigned.get(&u.id).copied().unwrap_or(0),
                replies: w.replies,
                minutes_logged: w.minutes,
                user_id: u.id,
                name: u.name,
            }
        })
        .collect())
}

/// Voucher minutes redeemed and refunded per period (by the support time zone's date).
async fn voucher_use(
    db: &impl ConnectionTrait,
    cal: &BusinessCalendar,
    org: Option<&str>,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    starts: &[NaiveDate],
    grouping: Grouping,
) -> Result<Vec<VoucherPeriod>, AppError> {
    let mut q = ledger_entry::Entity::find()
        .select_only()
        .column(ledger_entry::Column::CreatedAt)
        .column(ledger_entry::Column::Kind)
        .column(ledger_entry::Column::Minutes)
        .filter(ledger_entry::Column::CreatedAt.gte(start))
        .filter(ledger_entry::Column::CreatedAt.lt(end))
        .filter(ledger_entry::Column::Kind.is_in([EntryKind::Redeem.as_str(), EntryKind::Refund.as_str()]));
    if let Some(id) = org {
        q = q.filter(ledger_entry::Column::OrganizationId.eq(id));
    }
    let mut sums: BTreeMap<NaiveDate, (i64, i64)> = starts.iter().map(|s| (*s, (0, 0))).collect();
    for (at, kind, minutes) in q.into_tuple::<(DateTime<Utc>, String, i32)>().all(db).await? {
        let (redeemed, refunded) = sums.entry(period_start(cal.date_of(at), grouping)).or_default();
        match kind == EntryKind::Redeem.as_str() {
            true => *redeemed += i64::from(minutes),
            false => *refunded += i64::from(minutes),
        }
    }
    Ok(sums
        .into_iter()
        .map(|(period, (redeemed_minutes, refunded_minutes))| VoucherPeriod {
            period,
            label: period_label(period, grouping),
            redeemed_minutes,
            refunded_minutes,
        })
        .collect())
}

/// Balances and when they run out (account managers): the one organisation reported on, or across
/// the desk the clients that spent minutes in the last 90 days, soonest trouble first, at most
/// `FORECAST_ROWS` (only their balances are read: the cost follows the clients spending, not every
/// client there is).
async fn forecast(
    db: &impl ConnectionTrait,
    scope: &Scope,
    now: DateTime<Utc>,
) -> Result<Vec<crate::dto::BalanceRow>, AppError> {
    use super::vouchers::{balance_rows, recent_spenders};
    if !scope.account_manager {
        return Ok(vec![]);
    }
    if let Some(id) = scope.organization_id() {
        return balance_rows(db, now, Some(&[id.to_string()])).await;
    }
    let spenders = recent_spenders(db, now).await?;
    if spenders.is_empty() {
        return Ok(vec![]);
    }
    let mut rows = balance_rows(db, now, Some(&spenders)).await?;
    rows.sort_by(|a, b| {
        forecast_rank(a.available_minutes, a.runs_out_on)
            .cmp(&forecast_rank(b.available_minutes, b.runs_out_on))
            .then_with(|| a.organization_name.cmp(&b.organization_name))
    });
    rows.truncate(FORECAST_ROWS);
    Ok(rows)
}

/// After-hours bookings starting in the range, by status (every status, zero included).
async fn after_hours(
    db: &impl ConnectionTrait,
    org: Option<&str>,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<StatusCount>, AppError> {
    let mut q = booking::Entity::find()
        .select_only()
        .column(booking::Column::Status)
        .column_as(booking::Column::Id.count(), "n")
        .filter(booking::Column::StartsAt.gte(start))
        .filter(booking::Column::StartsAt.lt(end))
        .group_by(booking::Column::Status);
    if let Some(id) = org {
        q = q.filter(booking::Column::OrganizationId.eq(id));
    }
    let counts: HashMap<String, i64> = q.into_tuple::<(String, i64)>().all(db).await?.into_iter().collect();
    Ok(BookingStatus::ALL
        .iter()
        .map(|s| StatusCount {
            status: s.as_str().into(),
            label: s.label().into(),
            count: counts.get(s.as_str()).copied().unwrap_or(0),
        })
        .collect())
}

/// The report as one long table: `report, item, period, measure, value`, every section of it.
pub fn csv(r: &DeskReportDto) -> Result<String, AppError> {
    let mut rows: Vec<(&str, String, String, &str, i64)> = Vec::new();
    let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    for p in &r.volume {
        for (measure, value) in [
            ("raised", p.raised),
            ("resolved", p.resolved),
            ("raised_deployment", p.deployment),
            ("raised_warranty", p.warranty),
            ("raised_irs", p.irs),
            ("raised_billable", p.billable),
        ] {
            rows.push(("volume", String::new(), day(p.period), measure, value));
        }
    }
    for (report, list) in
        [("sla_by_queue", &r.by_queue), ("sla_by_priority", &r.by_priority), ("totals", &vec![r.totals.clone()])]
    {
        for t in list {
            let x = &t.tally;
            for (measure, value) in [
                ("raised", Some(x.raised)),
                ("resolved", Some(x.resolved)),
                ("responded", Some(x.responded)),
                ("responded_in_time", Some(x.responded_in_time)),
                ("resolved_in_time", Some(x.resolved_in_time)),
                ("response_percent", t.response_percent),
                ("resolution_percent", t.resolution_percent),
            ] {
                if let Some(value) = value {
                    rows.push((report, t.name.clone(), String::new(), measure, value));
                }
            }
        }
    }
    rows.extend(r.backlog.iter().map(|a| ("backlog", a.label.clone(), String::new(), "open_tickets", a.tickets)));
    for w in &r.workload {
        rows.push(("workload", w.name.clone(), String::new(), "open_assigned", w.open_assigned));
        rows.push(("workload", w.name.clone(), String::new(), "replies", w.replies));
        rows.push(("workload", w.name.clone(), String::new(), "minutes_logged", w.minutes_logged));
    }
    for v in &r.vouchers {
        rows.push(("vouchers", String::new(), day(v.period), "redeemed_minutes", v.redeemed_minutes));
        rows.push(("vouchers", String::new(), day(v.period), "refunded_minutes", v.refunded_minutes));
    }
    for f in &r.forecast {
        rows.push(("forecast", f.organization_name.clone(), String::new(), "available_minutes", f.available_minutes));
        rows.push((
            "forecast",
            f.organization_name.clone(),
            String::new(),
            "redeemed_last_90_days",
            f.redeemed_last_90_days,
        ));
    }
    rows.extend(r.after_hours.iter().map(|s| ("after_hours", s.status.clone(), String::new(), "bookings", s.count)));
    let rows = rows.into_iter().map(|(report, item, period, measure, value)| {
        [report.to_string(), spreadsheet_safe(&item), period, measure.to_string(), value.to_string()]
    });
    super::csv_document(&["report", "item", "period", "measure", "value"], rows)
}
