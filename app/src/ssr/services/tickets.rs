//! Raising, listing and reading tickets, always within what the caller may see.

use super::looks_like_id;
use super::new_id;
use super::notifications::{self, Around, Notice};
use super::organizations;
use super::people::field_error;
use super::search::{self, Facet, Facets, TextSearch};
use crate::domain::billing::{classify, BillingFacts, BillingTag, Classification};
use crate::domain::calendar::BusinessCalendar;
use crate::domain::notifications::{status_told, Event};
use crate::domain::reports::Change;
use crate::domain::sla::ClockState;
use crate::domain::tickets::{
    check_transition, parse_description, parse_subject, route, ticket_number, Changer, Priority, Product, TicketKind,
    TicketStatus,
};
use crate::dto::{
    page_window, BillingDto, BulkUpdateRequest, CommentDto, CreateTicketRequest, Page, TicketDetail, TicketDto,
    TicketFilter, UpdateTicketRequest,
};
use crate::error::{AppError, FieldCheck};
use crate::ssr::auth::{Access, Actor};
use crate::ssr::batch::{each_alone_if_spoilt, Batched, GroupCommit};
use crate::ssr::db::begin;
use crate::ssr::entities::{
    counter, deployment, irs_contract, organization, ticket, ticket_comment, ticket_history, ticket_tally, user,
};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, Order, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select, Set, TransactionTrait,
};
use std::collections::HashMap;

/// Billing dates are calendar dates in the vendor's support time zone (DOMAIN.md).
pub use super::settings::support_date;

/// Narrows a ticket query to what the caller may see: staff everything, a superuser their
/// organisation, a customer the tickets they raised.
pub(crate) fn scoped(query: Select<ticket::Entity>, access: &Access) -> Select<ticket::Entity> {
    scope(access).apply(query)
}

/// What the caller may see, as facets (so a search's index query is scoped the same way).
fn scope(access: &Access) -> Facets {
    let mut facets = Facets::default();
    if let Access::Customer(c) = access {
        facets.add(Facet::Organization, &[c.organization_id.as_str()]);
        if !c.superuser {
            facets.add(Facet::Requester, &[c.user_id.as_str()]);
        }
    }
    facets
}

/// What the classification needs to know of an organisation, read in two queries.
pub async fn billing_facts(
    db: &impl ConnectionTrait,
    organization_id: &str,
    kind: TicketKind,
    raised_on: NaiveDate,
    listed_outstanding: bool,
) -> Result<BillingFacts, AppError> {
    Ok(Contracts::read(db, [organization_id]).await?.facts(organization_id, kind, raised_on, listed_outstanding))
}

/// The deployments and IRS contracts of some organisations, read in two queries however many.
#[derive(Default)]
struct Contracts {
    deployments: HashMap<String, crate::domain::billing::Deployment>,
    irs_periods: HashMap<String, Vec<crate::domain::billing::IrsPeriod>>,
}

impl Contracts {
    async fn read<'a>(
        db: &impl ConnectionTrait,
        organization_ids: impl IntoIterator<Item = &'a str>,
    ) -> Result<Contracts, AppError> {
        let mut ids: Vec<&str> = organization_ids.into_iter().collect();
        ids.sort_unstable();
        ids.dedup();
        let mut contracts = Contracts::default();
        for d in
            deployment::Entity::find().filter(deployment::Column::OrganizationId.is_in(ids.clone())).all(db).await?
        {
            contracts.deployments.insert(d.organization_id.clone(), super::billing::deployment_of(&d));
        }
        for c in irs_contract::Entity::find().filter(irs_contract::Column::OrganizationId.is_in(ids)).all(db).await? {
            contracts.irs_periods.entry(c.organization_id.clone()).or_default().push(super::billing::to_period(&c));
        }
        Ok(contracts)
    }

    fn facts(
        &self,
        organization_id: &str,
        kind: TicketKind,
        raised_on: NaiveDate,
        listed_outstanding: bool,
    ) -> BillingFacts {
        BillingFacts {
            kind,
            raised_on,
            deployment: self.deployments.get(organization_id).cloned(),
            irs_periods: self.irs_periods.get(organization_id).cloned().unwrap_or_default(),
            listed_outstanding,
        }
    }
}

/// Takes the next `count` human ticket numbers and answers the last of them: one conditional
/// update, serialised by the database.
pub async fn next_numbers(txn: &impl ConnectionTrait, count: i64) -> Result<i64, AppError> {
    let stmt = Query::update()
        .table(counter::Entity)
        .value(counter::Column::Value, Expr::col(counter::Column::Value).add(count))
        .and_where(counter::Column::Name.eq("ticket"))
        .returning_col(counter::Column::Value)
        .to_owned();
    let row = txn.query_one(txn.get_database_backend().build(&stmt)).await?.ok_or_else(AppError::internal)?;
    Ok(row.try_get::<i64>("", "value")?)
}

pub struct NewTicket {
    pub subject: String,
    pub description: String,
    pub kind: TicketKind,
    pub priority: Priority,
    pub product: Option<Product>,
    /// Whose ticket it is when staff raise it for someone (a reader's question turned into a
    /// ticket); none: the actor's own.
    pub requester_id: Option<String>,
}

fn parse_new_ticket(req: &CreateTicketRequest) -> Result<NewTicket, AppError> {
    let mut check = FieldCheck::default();
    let subject = check.take("subject", parse_subject(&req.subject));
    let description = check.take("description", parse_description(&req.description));
    let kind = check.take(
        "kind",
        TicketKind::parse(&req.kind).and_then(|k| {
            if TicketKind::RAISABLE.contains(&k) {
                Ok(k)
            } else {
                Err("After-hours tickets are created by booking after-hours work.".into())
            }
        }),
    );
    let priority = check.take("priority", Priority::parse(&req.priority));
    let product = match req.product.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => check.take("product", Product::parse(p).map(Some)),
        None => Some(None),
    };
    check.finish()?;
    match (subject, description, kind, priority, product) {
        (Some(subject), Some(description), Some(kind), Some(priority), Some(product)) => {
            Ok(NewTicket { subject, description, kind, priority, product, requester_id: None })
        }
        _ => Err(AppError::internal()),
    }
}

/// Raises a ticket: checked here, then classified, routed, written and shaped for the answer with
/// whatever else is being raised at the same moment (`TicketQueue`), so a burst reads each thing
/// it needs once per batch, not once per ticket.
pub async fn create(
    queue: &TicketQueue,
    actor: &Actor,
    req: CreateTicketRequest,
    now: DateTime<Utc>,
) -> Result<TicketDto, AppError> {
    let db = queue.db();
    let access = actor.access()?;
    let new = parse_new_ticket(&req)?;
    let organization_id = match &access {
        Access::Customer(c) => c.organization_id.clone(),
        Access::Staff(_) => match req.organization_id.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(id) => organizations::existing(db, "organization_id", id.trim()).await?.id,
            None => return Err(field_error("organization_id", "Choose the organisation this ticket is for.".into())),
        },
    };
    queue.write(Raise { actor: actor.clone(), organization_id, new, now }).await
}

/// A ticket checked, waiting to be placed and written by this process's `TicketQueue` (or by
/// `write_ticket`, already placed).
pub struct Raise {
    actor: Actor,
    organization_id: String,
    new: NewTicket,
    now: DateTime<Utc>,
}

/// This process's queue of tickets being raised (`AppState::tickets`): a burst from a phone
/// system or a mail gateway is written a batch per transaction.
pub type TicketQueue = GroupCommit<Raise>;

impl Batched for Raise {
    type Done = TicketDto;
    const NAME: &'static str = "tickets";
    const MOST: usize = 64;

    /// The whole batch in one transaction, each table written once (should one ticket spoil it,
    /// each is written alone: `each_alone_if_spoilt`); then the written tickets are shaped for
    /// their answers together, after the commit (so a failed read cannot write them twice).
    async fn write(db: DatabaseConnection, batch: Vec<Raise>) -> Result<Vec<Result<TicketDto, AppError>>, AppError> {
        let db = &db;
        let written = each_alone_if_spoilt(&batch, |part| async move {
            Ok(write_in_one_transaction(db, part).await?.into_iter().map(Ok).collect())
        })
        .await?;
        let models: Vec<ticket::Model> = written.iter().filter_map(|w| w.as_ref().ok().cloned()).collect();
        let count = models.len();
        let mut shaped = match to_dtos(db, models).await {
            Ok(dtos) => dtos.into_iter().map(Ok).collect::<Vec<_>>(),
            Err(e) => vec![Err(e); count],
        }
        .into_iter();
        Ok(written
            .into_iter()
            .map(|w| w.and_then(|_| shaped.next().unwrap_or_else(|| Err(AppError::internal()))))
            .collect())
    }
}

/// Writes raised tickets in a transaction of their own, which only writes: what it needs to read
/// (placing them included) is read before it begins.
async fn write_in_one_transaction(db: &DatabaseConnection, raises: &[Raise]) -> Result<Vec<ticket::Model>, AppError> {
    let mut read = Read::before(db, raises).await?;
    let placed = place_all(db, &read.calendar, raises).await?;
    let txn = begin(db).await?;
    let written = write_tickets(&txn, &placed, &mut read).await?;
    txn.commit().await?;
    Ok(written)
}

/// Classifies, routes, numbers and stores a ticket in its own transaction (or the caller's).
pub(crate) async fn insert_ticket<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    organization_id: &str,
    new: NewTicket,
    now: DateTime<Utc>,
) -> Result<ticket::Model, AppError> {
    let placed = place(db, organization_id, &new, support_date(db, now).await?).await?;
    let txn = begin(db).await?;
    let model = write_ticket(&txn, actor, organization_id, new, placed, now).await?;
    txn.commit().await?;
    Ok(model)
}

/// Where a new ticket goes: its billing tag and reason, and its queue (read before its
/// transaction, from the organisation's record and the routing rules).
pub struct Placed {
    pub billing: Classification,
    pub queue: String,
}

/// Places a ticket raised on `raised_on` (the support time zone's date: `support_date`).
pub async fn place(
    db: &impl ConnectionTrait,
    organization_id: &str,
    new: &NewTicket,
    raised_on: NaiveDate,
) -> Result<Placed, AppError> {
    let contracts = Contracts::read(db, [organization_id]).await?;
    let rules = super::queues::rules(db).await?;
    Ok(placement(&contracts, &rules, organization_id, new, raised_on))
}

/// Places tickets being raised together, each on its own day in `calendar`: the contracts of
/// their organisations and the routing rules read once for them all.
async fn place_all<'a>(
    db: &impl ConnectionTrait,
    calendar: &BusinessCalendar,
    raises: &'a [Raise],
) -> Result<Vec<(&'a Raise, Placed)>, AppError> {
    let contracts = Contracts::read(db, raises.iter().map(|r| r.organization_id.as_str())).await?;
    let rules = super::queues::rules(db).await?;
    Ok(raises
        .iter()
        .map(|r| (r, placement(&contracts, &rules, &r.organization_id, &r.new, calendar.date_of(r.now))))
        .collect())
}

/// A new ticket's billing by the rules (`domain::billing::classify`), and its queue by the routing
/// rules (`domain::tickets::route`), the Service Desk when none matches.
fn placement(
    contracts: &Contracts,
    rules: &[crate::domain::tickets::QueueRule],
    organization_id: &str,
    new: &NewTicket,
    raised_on: NaiveDate,
) -> Placed {
    let billing = classify(&contracts.facts(organization_id, new.kind, raised_on, false));
    let queue = route(rules, new.kind, new.product, billing.tag).unwrap_or("Service Desk").to_string();
    Placed { billing, queue }
}

/// Writes a placed ticket, its first history line and its acknowledgement inside the caller's
/// transaction.
pub(crate) async fn write_ticket(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    organization_id: &str,
    new: NewTicket,
    placed: Placed,
    now: DateTime<Utc>,
) -> Result<ticket::Model, AppError> {
    let raise = Raise { actor: actor.clone(), organization_id: organization_id.to_string(), new, now };
    let mut read = Read::before(txn, std::slice::from_ref(&raise)).await?;
    Ok(write_tickets(txn, &[(&raise, placed)], &mut read).await?.remove(0))
}

/// What writing raised tickets reads: the support calendar (the reports' days and the billing
/// dates) and who is told.
struct Read {
    calendar: BusinessCalendar,
    audience: notifications::Audience,
}

impl Read {
    async fn before(db: &impl ConnectionTrait, raises: &[Raise]) -> Result<Read, AppError> {
        let told: Vec<_> = raises.iter().filter(|r| r.told()).map(|r| (Event::TicketRaised, r.around())).collect();
        let audience = notifications::Audience::read(db, told).await?;
        Ok(Read { calendar: super::settings::calendar(db).await?, audience })
    }
}

impl Raise {
    /// An after-hours ticket is told of through its booking.
    fn told(&self) -> bool {
        self.new.kind != TicketKind::AfterHours
    }

    /// The people around the ticket it raises.
    fn around(&self) -> Around {
        Around {
            actor_id: Some(self.actor.user_id.clone()),
            requester_id: Some(self.requester_id()),
            assignee_id: None,
            organization_id: Some(self.organization_id.clone()),
        }
    }

    fn requester_id(&self) -> String {
        self.new.requester_id.clone().unwrap_or_else(|| self.actor.user_id.clone())
    }
}

/// Writes placed tickets, numbered in order, with their first history lines and their
/// acknowledgements, inside the caller's transaction: each table in one statement for them all.
/// Each comes with its placing (`place`, `place_all`), so none can be written without one.
async fn write_tickets(
    txn: &impl ConnectionTrait,
    raises: &[(&Raise, Placed)],
    read: &mut Read,
) -> Result<Vec<ticket::Model>, AppError> {
    let Some(now) = raises.last().map(|(r, _)| r.now) else { return Ok(vec![]) };
    let last = next_numbers(txn, raises.len() as i64).await?;
    let models: Vec<ticket::Model> = raises
        .iter()
        .zip(last - raises.len() as i64 + 1..)
        .map(|((r, placed), number)| ticket::Model {
            id: new_id(),
            number,
            organization_id: r.organization_id.clone(),
            requester_id: r.requester_id(),
            subject: r.new.subject.clone(),
            description: r.new.description.clone(),
            kind: r.new.kind.as_str().into(),
            priority: r.new.priority.as_str().into(),
            status: TicketStatus::New.as_str().into(),
            queue: placed.queue.clone(),
            product: r.new.product.map(|p| p.as_str().to_string()),
            assignee_id: None,
            billing_tag: placed.billing.tag.as_str().into(),
            billing_reason: placed.billing.reason.clone(),
            billing_manual: false,
            created_at: r.now,
            updated_at: r.now,
            first_response_at: None,
            resolved_at: None,
            closed_at: None,
            paused_since: None,
            paused_minutes: 0,
        })
        .collect();
    ticket::Entity::insert_many(models.iter().map(|m| m.clone().into_active_model().reset_all()))
        .exec_without_returning(txn)
        .await?;
    super::search::harvest_words(txn).await?;
    let raised: Vec<_> = models.iter().zip(raises).map(|(m, (r, _))| (Change::Raised, m, m, r.now)).collect();
    super::reports::count_each(txn, &read.calendar, &raised).await?;
    let lines = models.iter().zip(raises).map(|(m, (r, placed))| {
        let billing = billing_text(placed.billing.tag, &placed.billing.reason);
        history_line(&m.id, Some(&r.actor.user_id), "created", None, Some(billing), r.now)
    });
    ticket_history::Entity::insert_many(lines).exec_without_returning(txn).await?;
    let notices: Vec<(Notice, Around)> = models
        .iter()
        .zip(raises)
        .filter(|(_, (r, _))| r.told())
        .map(|(m, (r, _))| {
            let number = ticket_number(m.number);
            let notice = ticket_notice(
                m,
                Event::TicketRaised,
                format!("{number} received: {}", m.subject),
                format!(
                    "Your ticket {number} is with CyTrack Support; quote its number when you call.\n\n{}",
                    m.billing_reason
                ),
            );
            (notice, r.around())
        })
        .collect();
    notifications::tell(txn, &mut read.audience, notices, now).await?;
    Ok(models)
}

/// A notice about a ticket, pointing at it.
pub(crate) fn ticket_notice(t: &ticket::Model, event: Event, title: String, body: String) -> Notice {
    Notice {
        event,
        title,
        body,
        link: Some(format!("/tickets/{}", t.id)),
        ticket_id: Some(t.id.clone()),
        organization_id: Some(t.organization_id.clone()),
    }
}

/// The people around a ticket.
pub(crate) fn around(actor: &Actor, t: &ticket::Model) -> Around {
    Around {
        actor_id: Some(actor.user_id.clone()),
        requester_id: Some(t.requester_id.clone()),
        assignee_id: t.assignee_id.clone(),
        organization_id: Some(t.organization_id.clone()),
    }
}

/// How a billing tag and its reason read in the history.
pub fn billing_text(tag: BillingTag, reason: &str) -> String {
    format!("{} · {reason}", tag.as_str())
}

/// Shapes tickets for the wire, naming organisations and requesters in two queries per page.
pub async fn to_dtos(db: &impl ConnectionTrait, models: Vec<ticket::Model>) -> Result<Vec<TicketDto>, AppError> {
    let calendar = super::settings::calendar(db).await?;
    shape(db, &calendar, models).await
}

/// `to_dtos` with the calendar already read.
async fn shape(
    db: &impl ConnectionTrait,
    calendar: &BusinessCalendar,
    models: Vec<ticket::Model>,
) -> Result<Vec<TicketDto>, AppError> {
    let org_ids: Vec<String> = models.iter().map(|t| t.organization_id.clone()).collect();
    let user_ids: Vec<String> =
        models.iter().flat_map(|t| std::iter::once(t.requester_id.clone()).chain(t.assignee_id.clone())).collect();
    let now = Utc::now();
    let orgs = organization_names(db, org_ids).await?;
    let names = user_names(db, user_ids).await?;
    Ok(models
        .into_iter()
        .map(|t| {
            let status = TicketStatus::parse(&t.status).unwrap_or(TicketStatus::Open);
            let priority = Priority::parse(&t.priority).unwrap_or(Priority::P3);
            let sla = clock_state(&t).clocks(calendar, priority, status, now);
            TicketDto {
                number: ticket_number(t.number),
                assignee_name: t.assignee_id.as_ref().and_then(|a| names.get(a).cloned()),
                first_response_at: t.first_response_at,
                resolved_at: t.resolved_at,
                sla,
                organization_name: orgs.get(&t.organization_id).cloned().unwrap_or_default(),
                requester_name: names.get(&t.requester_id).cloned().unwrap_or_default(),
                kind: TicketKind::parse(&t.kind).unwrap_or(TicketKind::Question),
                priority,
                status,
                product: t.product.as_deref().and_then(|p| Product::parse(p).ok()),
                billing: BillingDto {
                    tag: BillingTag::parse(&t.billing_tag).unwrap_or(BillingTag::Billable),
                    reason: t.billing_reason,
                },
                id: t.id,
                organization_id: t.organization_id,
                requester_id: t.requester_id,
                subject: t.subject,
                description: t.description,
                queue: t.queue,
                assignee_id: t.assignee_id,
                created_at: t.created_at,
                updated_at: t.updated_at,
            }
        })
        .collect())
}

pub(crate) fn clock_state(t: &ticket::Model) -> ClockState {
    ClockState {
        created_at: t.created_at,
        first_response_at: t.first_response_at,
        resolved_at: t.resolved_at,
        closed_at: t.closed_at,
        paused_since: t.paused_since,
        paused_minutes: t.paused_minutes,
    }
}

/// Puts `state`'s clocks on a ticket held in memory (`set_clock` does it for a row's update).
pub(crate) fn put_clock(t: &mut ticket::Model, state: ClockState) {
    t.first_response_at = state.first_response_at;
    t.resolved_at = state.resolved_at;
    t.closed_at = state.closed_at;
    t.paused_since = state.paused_since;
    t.paused_minutes = state.paused_minutes;
}

pub async fn user_names(db: &impl ConnectionTrait, ids: Vec<String>) -> Result<HashMap<String, String>, AppError> {
    Ok(user::Entity::find()
        .select_only()
        .columns([user::Column::Id, user::Column::Name])
        .filter(user::Column::Id.is_in(distinct(ids)))
        .into_tuple::<(String, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// Organisations' names by id.
pub async fn organization_names(
    db: &impl ConnectionTrait,
    ids: Vec<String>,
) -> Result<HashMap<String, String>, AppError> {
    Ok(organization::Entity::find()
        .select_only()
        .columns([organization::Column::Id, organization::Column::Name])
        .filter(organization::Column::Id.is_in(distinct(ids)))
        .into_tuple::<(String, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// Tickets' human numbers (`CT-000123`) by id.
pub async fn ticket_numbers(db: &impl ConnectionTrait, ids: Vec<String>) -> Result<HashMap<String, String>, AppError> {
    Ok(ticket::Entity::find()
        .select_only()
        .columns([ticket::Column::Id, ticket::Column::Number])
        .filter(ticket::Column::Id.is_in(distinct(ids)))
        .into_tuple::<(String, i64)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, n)| (id, ticket_number(n)))
        .collect())
}

/// The ids once each (a page names the same organisation and people many times).
fn distinct(mut ids: Vec<String>) -> Vec<String> {
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The orders a ticket list can be sorted in.
#[derive(Clone)]
enum ListOrder {
    /// By ticket number: newest (descending) or oldest first.
    Number(Order),
    Updated,
    /// Most urgent first, then oldest.
    Priority,
}

/// The tickets the tallies hold for these statuses, priority and queue (each `None` for all).
async fn tallied(
    db: &impl ConnectionTrait,
    statuses: Option<&[&str]>,
    priority: Option<&str>,
    queue: Option<&str>,
) -> Result<u64, AppError> {
    let mut query = ticket_tally::Entity::find()
        .select_only()
        .column_as(Expr::cust("CAST(COALESCE(SUM(tickets), 0) AS BIGINT)"), "tickets");
    if let Some(statuses) = statuses {
        query = query.filter(ticket_tally::Column::Status.is_in(statuses.iter().copied()));
    }
    if let Some(priority) = priority {
        query = query.filter(ticket_tally::Column::Priority.eq(priority));
    }
    if let Some(queue) = queue {
        query = query.filter(ticket_tally::Column::Queue.eq(queue));
    }
    Ok(query.into_tuple::<i64>().one(db).await?.unwrap_or(0).max(0) as u64)
}

pub async fn list(db: &impl ConnectionTrait, actor: &Actor, filter: TicketFilter) -> Result<Page<TicketDto>, AppError> {
    let access = actor.access()?;
    let backend = db.get_database_backend();
    let mut facets = scope(&access);
    let mut check = FieldCheck::default();
    let given = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    let mut statuses = None;
    if let Some(v) = given(&filter.status) {
        let wanted: Result<Vec<&str>, String> = if v == "open" {
            Ok(super::queues::open_statuses())
        } else {
            v.split(',').map(|s| TicketStatus::parse(s.trim()).map(|s| s.as_str())).collect()
        };
        statuses = check.take("status", wanted);
        if let Some(statuses) = &statuses {
            facets.add(Facet::Status, statuses);
        }
    }
    // Narrowed by something the tallies do not hold (kind, billing tag, organisation, assignee).
    let mut beyond_tallies = false;
    if let Some(v) = given(&filter.kind) {
        beyond_tallies = true;
        if let Some(k) = check.take("kind", TicketKind::parse(&v)) {
            facets.add(Facet::Kind, &[k.as_str()]);
        }
    }
    let mut priority = None;
    if let Some(v) = given(&filter.priority) {
        priority = check.take("priority", Priority::parse(&v)).map(|p| p.as_str());
        if let Some(p) = priority {
            facets.add(Facet::Priority, &[p]);
        }
    }
    if let Some(v) = given(&filter.billing) {
        beyond_tallies = true;
        if let Some(t) = check.take("billing", BillingTag::parse(&v)) {
            facets.add(Facet::Billing, &[t.as_str()]);
        }
    }
    check.finish()?;
    let queue = given(&filter.queue);
    if let Some(v) = &queue {
        facets.add(Facet::Queue, &[v]);
    }
    if let Some(v) = given(&filter.organization_id) {
        beyond_tallies = true;
        facets.add(Facet::Organization, &[v]);
    }
    if let Some(v) = given(&filter.assignee_id) {
        beyond_tallies = true;
        facets.add(
            Facet::Assignee,
            &[match v.as_str() {
                "none" => "",
                "me" => actor.user_id.as_str(),
                v => v,
            }],
        );
    }
    let sort = match given(&filter.sort).as_deref() {
        None | Some("newest") => ListOrder::Number(Order::Desc),
        Some("oldest") => ListOrder::Number(Order::Asc),
        Some("updated") => ListOrder::Updated,
        Some("priority") => ListOrder::Priority,
        Some(_) => return Err(field_error("sort", "Sort by priority, oldest, newest or updated.".into())),
    };
    let search = match given(&filter.q) {
        Some(q) if q.chars().count() > 200 => {
            return Err(field_error("q", "Search for at most 200 characters.".into()));
        }
        Some(q) => Some(TextSearch::prepare(db, &q).await?),
        None => None,
    };
    // A text search is the work one person can make heavy: a few at a time per account.
    let _turn = match &search {
        Some(_) => Some(search::turn(&actor.user_id)?),
        None => None,
    };
    let filtered = facets.apply(ticket::Entity::find());
    let query = match sort.clone() {
        // Numbers are issued in creation order, and the indexes end in the number.
        ListOrder::Number(order) => filtered.clone().order_by(ticket::Column::Number, order),
        ListOrder::Updated => {
            filtered.clone().order_by_desc(ticket::Column::UpdatedAt).order_by_desc(ticket::Column::Number)
        }
        // p1 < p2 < ... as text, so ascending priority is most urgent first.
        ListOrder::Priority => {
            filtered.clone().order_by_asc(ticket::Column::Priority).order_by_asc(ticket::Column::Number)
        }
    };
    let (offset, per_page) = page_window(filter.page, filter.per_page)?;
    let indexed = search.as_ref().and_then(|search| search.indexed(backend, &facets));
    let ((total, total_exact), models) = match (&search, indexed) {
        // The index, which holds the filters too, counts the matches and pages them in number order.
        (_, Some(index)) => {
            let total = index.count(db).await?;
            let numbers = match sort {
                ListOrder::Number(order) => index.page(db, order, offset, per_page).await?,
                // Priority has four values: the index pages each in turn, most urgent first.
                ListOrder::Priority => {
                    let priorities: Vec<&str> = match priority {
                        Some(p) => vec![p],
                        None => Priority::ALL.iter().map(|p| p.as_str()).collect(),
                    };
                    index.page_grouped(db, Facet::Priority, &priorities, offset, per_page).await?
                }
                ListOrder::Updated => index.page_updated(db, query.clone(), total.0, offset, per_page).await?,
            };
            (total, query.filter(ticket::Column::Number.is_in(numbers)).all(db).await?)
        }
        (Some(search), None) => {
            let condition = search.condition(backend);
            let numbers = filtered.filter(condition.clone()).select_only().column(ticket::Column::Number).into_query();
            (
                search::count_at_most(db, numbers).await?,
                query.filter(condition).offset(offset).limit(per_page).all(db).await?,
            )
        }
        // Staff listing by nothing but queue, status and priority: the tallies the triggers keep.
        (None, _) if matches!(access, Access::Staff(_)) && !beyond_tallies => {
            let total = tallied(db, statuses.as_deref(), priority, queue.as_deref()).await?;
            ((total, true), query.offset(offset).limit(per_page).all(db).await?)
        }
        (None, _) => ((filtered.count(db).await?, true), query.offset(offset).limit(per_page).all(db).await?),
    };
    Ok(Page { items: to_dtos(db, models).await?, total, total_exact })
}

/// The ticket with this id if the caller may see it; otherwise the same 404 as for no ticket.
pub async fn visible(db: &impl ConnectionTrait, access: &Access, id: &str) -> Result<ticket::Model, AppError> {
    let found = match looks_like_id(id) {
        true => scoped(ticket::Entity::find_by_id(id.to_string()), access).one(db).await?,
        false => None,
    };
    found.ok_or_else(|| AppError::not_found("ticket"))
}

/// A line of a ticket's history (who, when, which field, from, to), to insert alone or in a batch.
pub fn history_line(
    ticket_id: &str,
    actor_id: Option<&str>,
    field: &str,
    old_value: Option<String>,
    new_value: Option<String>,
    now: DateTime<Utc>,
) -> ticket_history::ActiveModel {
    ticket_history::ActiveModel {
        ticket_id: Set(ticket_id.to_string()),
        actor_id: Set(actor_id.map(str::to_string)),
        field: Set(field.into()),
        old_value: Set(old_value),
        new_value: Set(new_value),
        created_at: Set(now),
        ..Default::default()
    }
}

/// A ticket with its conversation; internal notes only for staff. Another organisation's ticket
/// is exactly as absent as one that never existed.
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: &str) -> Result<TicketDetail, AppError> {
    let access = actor.access()?;
    let found = visible(db, &access, id).await?;
    let mut comments = ticket_comment::Entity::find().filter(ticket_comment::Column::TicketId.eq(found.id.as_str()));
    if matches!(access, Access::Customer(_)) {
        comments = comments.filter(ticket_comment::Column::Internal.eq(false));
    }
    let comments = comments.order_by_asc(ticket_comment::Column::CreatedAt).all(db).await?;
    let names = user_names(db, comments.iter().map(|c| c.author_id.clone()).collect()).await?;
    let staff = matches!(access, Access::Staff(_));
    let mut files = super::attachments::of_ticket(db, &found.id, staff).await?;
    let comments = comments
        .into_iter()
        .map(|c| CommentDto {
            author_name: names.get(&c.author_id).cloned().unwrap_or_default(),
            attachments: files.remove(&Some(c.id.clone())).unwrap_or_default(),
            id: c.id,
            author_id: c.author_id,
            body: c.body,
            internal: c.internal,
            created_at: c.created_at,
        })
        .collect();
    let release = super::releases::slated_for(db, &found).await?;
    let ticket = to_dtos(db, vec![found]).await?.remove(0);
    Ok(TicketDetail { ticket, comments, attachments: files.remove(&None).unwrap_or_default(), release })
}

/// Resolves ticket numbers people typed (`CT-000042`, `42`) to ids within one organisation.
pub async fn ids_for_numbers(
    db: &impl ConnectionTrait,
    organization_id: &str,
    field: &str,
    numbers: &str,
) -> Result<Vec<String>, AppError> {
    let mut ids = Vec::new();
    for typed in numbers.split([',', ' ', '\n']).map(str::trim).filter(|s| !s.is_empty()) {
        let digits = typed.trim_start_matches("CT-").trim_start_matches("ct-");
        let found = match digits.parse::<i64>() {
            Ok(number) => {
                ticket::Entity::find()
                    .filter(ticket::Column::OrganizationId.eq(organization_id))
                    .filter(ticket::Column::Number.eq(number))
                    .one(db)
                    .await?
            }
            Err(_) => None,
        };
        match found {
            Some(t) => ids.push(t.id),
            None => return Err(field_error(field, format!("{typed} is not a ticket of this organisation."))),
        }
    }
    Ok(ids)
}

pub(crate) fn changer(access: &Access) -> Changer {
    match access {
        Access::Staff(_) => Changer::Staff,
        Access::Customer(_) => Changer::Customer,
    }
}

pub(crate) fn set_clock(model: &mut ticket::ActiveModel, state: ClockState) {
    model.first_response_at = Set(state.first_response_at);
    model.resolved_at = Set(state.resolved_at);
    model.closed_at = Set(state.closed_at);
    model.paused_since = Set(state.paused_since);
    model.paused_minutes = Set(state.paused_minutes);
}

/// Changes status, priority, assignee or queue. Customers may only resolve or reopen.
pub async fn update<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    ticket_id: &str,
    req: UpdateTicketRequest,
    now: DateTime<Utc>,
) -> Result<TicketDto, AppError> {
    let txn = begin(db).await?;
    let updated = update_in(&txn, actor, ticket_id, &req, None, now).await?;
    txn.commit().await?;
    Ok(to_dtos(db, vec![updated]).await?.remove(0))
}

/// The same change to many tickets, all or nothing (staff).
pub async fn bulk_update<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    req: BulkUpdateRequest,
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    actor.staff()?;
    if req.ticket_ids.is_empty() || req.ticket_ids.len() > 200 {
        return Err(field_error("ticket_ids", "Choose between 1 and 200 tickets.".into()));
    }
    let txn = begin(db).await?;
    for id in &req.ticket_ids {
        update_in(&txn, actor, id, &req.changes, None, now).await.map_err(|mut e| {
            e.message = format!("{} Nothing was changed.", e.message);
            e
        })?;
    }
    txn.commit().await?;
    Ok(req.ticket_ids.len() as u64)
}

/// One ticket's change in the caller's transaction; `why`, when given, is told to the other side
/// with a status change (a release that shipped the fix).
pub(crate) async fn update_in(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ticket_id: &str,
    req: &UpdateTicketRequest,
    why: Option<&str>,
    now: DateTime<Utc>,
) -> Result<ticket::Model, AppError> {
    let access = actor.access()?;
    let who = changer(&access);
    let given = |v: &Option<String>| v.as_ref().map(|s| s.trim().to_string());
    if who == Changer::Customer && (req.priority.is_some() || req.assignee_id.is_some() || req.queue.is_some()) {
        return Err(AppError::forbidden(
            "You can resolve or reopen your ticket; CyTrack sets priority, queue and assignee.",
        ));
    }
    let mut check = FieldCheck::default();
    let status = given(&req.status).and_then(|s| check.take("status", TicketStatus::parse(&s)));
    let priority = given(&req.priority).and_then(|p| check.take("priority", Priority::parse(&p)));
    check.finish()?;
    let found = visible(db, &access, ticket_id).await?;
    let number = ticket_number(found.number);
    let from = TicketStatus::parse(&found.status).unwrap_or(TicketStatus::Open);
    let mut state = clock_state(&found);
    let mut changes: Vec<(&str, Option<String>, Option<String>)> = Vec::new();
    let mut model: ticket::ActiveModel = found.clone().into();
    // Read when the status changes: it places the change on the clock and counts a resolution.
    let mut calendar = None;

    if let Some(to) = status.filter(|to| *to != from) {
        let days_closed = found.closed_at.map(|at| (now - at).num_days());
        check_transition(from, to, who, days_closed)
            .map_err(|m| AppError::rule("invalid_transition", format!("{number}: {m}")))?;
        let cal = super::settings::calendar(db).await?;
        state = state.after_status_change(&cal, from, to, now);
        calendar = Some(cal);
        model.status = Set(to.as_str().into());
        changes.push(("status", Some(from.as_str().into()), Some(to.as_str().into())));
    }
    if let Some(p) = priority.filter(|p| p.as_str() != found.priority) {
        model.priority = Set(p.as_str().into());
        changes.push(("priority", Some(found.priority.clone()), Some(p.as_str().into())));
    }
    if let Some(assignee) = given(&req.assignee_id) {
        let assignee = match assignee.as_str() {
            "" => None,
            id => Some(staff_member(db, id).await?),
        };
        if assignee.as_ref().map(|(id, _)| id) != found.assignee_id.as_ref() {
            let old_name = match &found.assignee_id {
                Some(id) => user_names(db, vec![id.clone()]).await?.remove(id),
                None => None,
            };
            model.assignee_id = Set(assignee.as_ref().map(|(id, _)| id.clone()));
            changes.push(("assignee", old_name, assignee.map(|(_, name)| name)));
        }
    }
    if let Some(queue) = given(&req.queue) {
        let queue = super::queues::existing_name(db, &queue).await?;
        if queue != found.queue {
            model.queue = Set(queue.clone());
            changes.push(("queue", Some(found.queue.clone()), Some(queue)));
        }
    }
    if changes.is_empty() {
        return Ok(found);
    }
    let resolves = found.resolved_at.is_none() && state.resolved_at.is_some();
    set_clock(&mut model, state);
    model.updated_at = Set(now);
    let updated = model.update(db).await?;
    if let (true, Some(cal)) = (resolves, &calendar) {
        super::reports::count(db, cal, Change::Resolved, &found, &updated, now).await?;
    }
    let by_staff = who == Changer::Staff;
    if let Some(to) = status.filter(|to| *to != from && status_told(*to, by_staff)) {
        let notice = ticket_notice(
            &updated,
            Event::StatusChanged { by_staff },
            format!("{number} is {}: {}", to.label().to_lowercase(), updated.subject),
            match why {
                Some(why) => format!("{why} {} changed {number} from {} to {}.", actor.name, from.label(), to.label()),
                None => format!("{} changed {number} from {} to {}.", actor.name, from.label(), to.label()),
            },
        );
        notifications::notify(db, notice, around(actor, &updated), now).await?;
    }
    if updated.assignee_id.is_some() && updated.assignee_id != found.assignee_id {
        let notice = ticket_notice(
            &updated,
            Event::Assigned,
            format!("{number} assigned to you: {}", updated.subject),
            format!("{} assigned {number} to you.", actor.name),
        );
        notifications::notify(db, notice, around(actor, &updated), now).await?;
    }
    for (field, old, new) in changes {
        history_line(&updated.id, Some(&actor.user_id), field, old, new, now).insert(db).await?;
    }
    Ok(updated)
}

/// An active CyTrack staff member, by id: (id, name); a field error otherwise.
pub(crate) async fn staff_member(db: &impl ConnectionTrait, id: &str) -> Result<(String, String), AppError> {
    use crate::domain::people::{Role, UserStatus};
    let found = match looks_like_id(id) {
        true => user::Entity::find_by_id(id.to_string()).one(db).await?,
        false => None,
    };
    match found {
        Some(u) if u.role != Role::Customer.as_str() && u.status == UserStatus::Active.as_str() => Ok((u.id, u.name)),
        _ => Err(field_error("assignee_id", "Assign the ticket to an active CyTrack staff member.".into())),
    }
}

/// CyTrack's active staff, for assignment lists.
pub async fn staff_members(db: &impl ConnectionTrait, actor: &Actor) -> Result<Vec<(String, String)>, AppError> {
    use crate::domain::people::{Role, UserStatus};
    actor.staff()?;
    Ok(user::Entity::find()
        .filter(user::Column::Role.ne(Role::Customer.as_str()))
        .filter(user::Column::Status.eq(UserStatus::Active.as_str()))
        .order_by_asc(user::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect())
}
