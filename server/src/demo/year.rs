//! A year of a working desk for the demo (issue 23): ten more clients at every stage (deploying,
//! in warranty, on IRS, lapsed), about two thousand tickets over the year with conversations,
//! status changes and time, vouchers bought and spent, and after-hours bookings in every state,
//! so the reports, queues and balances a newcomer opens show something real.
//!
//! The past is written as it would have been recorded, not through the services' "now": a year of
//! tickets raised through them would mail and notify about every one of them today. What the rules
//! decide is still theirs: each ticket is placed (billing tag, queue) by `tickets::place` as of the
//! day it was raised, vouchers are issued and redeemed through the voucher service on the days they
//! were, and the reports' rollup is rebuilt from the tickets at the end. Seeded from a fixed seed:
//! every newcomer sees the same desk.

use super::actor_of;
use app::domain::billing::GoLiveBasis;
use app::domain::people::Role;
use app::domain::tickets::{Priority, Product, TicketKind, TicketStatus};
use app::dto::{BookingRequest, IssueVoucherRequest, RedeemRequest, UserDto};
use app::error::AppError;
use app::ssr::entities::{deployment, irs_contract, ticket, ticket_comment, time_entry};
use app::ssr::services::bookings::{self, Step};
use app::ssr::services::redemptions::RedemptionQueue;
use app::ssr::services::settings::support_date;
use app::ssr::services::tickets::{billing_text, history_line, next_numbers, place, NewTicket};
use app::ssr::services::{new_id, people, reports, vouchers};
use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, Utc, Weekday};
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};

/// Where a client stands today.
#[derive(Clone, Copy, PartialEq)]
enum Stage {
    /// Deploying since this many days ago; not live yet.
    Deploying(u64),
    /// Live this many days ago, in its warranty period.
    Warranty(u64),
    /// Live this many days ago, with an IRS contract from three weeks after.
    Irs(u64),
    /// Live this many days ago; its year of IRS has ended.
    Lapsed(u64),
}

const CLIENTS: &[(&str, &str, &str, Stage, u32)] = &[
    ("Cascade Health", "cascade.test", "Riley Cascade", Stage::Deploying(70), 2),
    ("Dune Logistics", "dune.test", "Jordan Dune", Stage::Deploying(35), 2),
    ("Elm Street Energy", "elmstreet.test", "Taylor Elm", Stage::Warranty(30), 3),
    ("Fjord Insurance", "fjord.test", "Morgan Fjord", Stage::Warranty(50), 3),
    ("Granite Bank", "granite.test", "Avery Granite", Stage::Irs(330), 6),
    ("Harbour City Council", "harbourcity.test", "Quinn Harbour", Stage::Irs(210), 4),
    ("Ironbark Retail", "ironbark.test", "Rowan Ironbark", Stage::Irs(120), 4),
    ("Juniper Airlines", "juniper.test", "Sasha Juniper", Stage::Irs(270), 5),
    ("Kestrel Utilities", "kestrel.test", "Devon Kestrel", Stage::Lapsed(460), 4),
    ("Lumen Telco", "lumen.test", "Emery Lumen", Stage::Lapsed(430), 3),
];

const SUBJECTS: &[(&str, Product, TicketKind)] = &[
    ("Callers hear silence after the greeting", Product::RecordedAnnouncements, TicketKind::Fault),
    ("Overflow to the backup queue does not happen", Product::Queues, TicketKind::Fault),
    ("Agents logged out of CyDesk web every hour", Product::CydeskWeb, TicketKind::Fault),
    ("Daily abandoned-calls report is empty", Product::Reports, TicketKind::Fault),
    ("Wallboard freezes at peak times", Product::Dashboards, TicketKind::Fault),
    ("Chats drop when transferred to a supervisor", Product::Cychat, TicketKind::Fault),
    ("Hold music plays at double volume", Product::RecordedAnnouncements, TicketKind::Fault),
    ("Queue statistics disagree with the wallboard", Product::Dashboards, TicketKind::Fault),
    ("How do we schedule a holiday message?", Product::RecordedAnnouncements, TicketKind::Question),
    ("Can supervisors see agents' chat history?", Product::Cychat, TicketKind::Question),
    ("Which report shows service level by hour?", Product::Reports, TicketKind::Question),
    ("Change the opening hours of the sales queue", Product::Queues, TicketKind::ChangeRequest),
    ("Add a field to the agent summary report", Product::Reports, TicketKind::ChangeRequest),
    ("Route Spanish callers to the new team", Product::Queues, TicketKind::ChangeRequest),
    ("Add three CyDesk web seats", Product::CydeskWeb, TicketKind::Macs),
    ("Move the returns team to a queue of its own", Product::Queues, TicketKind::Macs),
    ("Upgrade the wallboards to the current release", Product::Dashboards, TicketKind::Upgrade),
];

const ANSWERS: &[&str] = &[
    "Thanks for the detail. We can see it in the logs and are looking at it now.",
    "We have reproduced this on our test system and are working on a fix.",
    "Could you send the time of one affected call and the number it came from?",
    "Here are the steps; we have also sent them as a PDF to your team.",
];
const FOLLOW_UPS: &[&str] = &[
    "It happened again at 10:15 on the main line.",
    "Thanks, that works. Two agents still see it, though.",
    "Attached the numbers; it seems to be only the sales queue.",
];
const CLOSINGS: &[&str] = &[
    "Fixed: the queue's overflow rule had lost its target after the last change. Restored and tested.",
    "Done as asked; it takes effect from tomorrow morning.",
    "Answered above; closing this one. Reopen it if anything is unclear.",
];

/// The little world the year is written into.
struct Desk<'a> {
    db: &'a DatabaseConnection,
    rng: fastrand::Rng,
    agents: &'a [UserDto],
    now: DateTime<Utc>,
}

/// Seeds the year; `manager` issues the vouchers, `agents` work the tickets; the new clients'
/// people sign in with the demo password (`password_hash` is its hash, computed once).
pub(super) async fn seed(
    db: &DatabaseConnection,
    agents: &[UserDto],
    manager: &UserDto,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let today = app::ssr::services::settings::support_date(db, now).await?;
    let mut desk = Desk { db, rng: fastrand::Rng::with_seed(2026), agents, now };
    let queue = RedemptionQueue::new(db.clone());
    let mut superusers = Vec::new();
    for &(name, domain, person, stage, weekly) in CLIENTS {
        let org = app::ssr::services::organizations::create(
            db,
            &actor_of(manager),
            app::dto::CreateOrganizationRequest { name: name.into(), email_domains: vec![domain.into()] },
            now - Duration::days(500),
        )
        .await?;
        let first = person.split(' ').next().unwrap_or(person).to_lowercase();
        let email = format!("{first}@{domain}");
        let superuser =
            people::seed_user_hashed(db, person, &email, password_hash, Role::Customer, Some(&org.id), true, now)
                .await?;
        let start = contract(db, &org.id, stage, today, now).await?;
        let paid_from = match stage {
            Stage::Irs(_) | Stage::Lapsed(_) => vouchers_bought(db, manager, &org.id, start, now).await?,
            _ => None,
        };
        desk.tickets(&org.id, &superuser, start.max(today - Days::new(365)), weekly, paid_from, &queue).await?;
        superusers.push(superuser);
    }
    desk.bookings(&superusers, manager).await?;
    reports::rebuild(db).await?;
    Ok(())
}

/// The client's deployment and IRS contract as its stage says; the day its tickets start.
async fn contract(
    db: &DatabaseConnection,
    organization_id: &str,
    stage: Stage,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<NaiveDate, AppError> {
    let ago = |days: u64| today - Days::new(days);
    let (go_live, irs) = match stage {
        Stage::Deploying(since) => return live_since(db, organization_id, None, false, now).await.map(|_| ago(since)),
        Stage::Warranty(live) => (ago(live), false),
        Stage::Irs(live) | Stage::Lapsed(live) => (ago(live), true),
    };
    live_since(db, organization_id, Some(go_live), irs, now).await?;
    Ok(go_live - Days::new(60))
}

/// An organisation's deployment record (live on `go_live_on`, signed off; none: still deploying)
/// and, with `irs`, a year's IRS contract from three weeks after go-live.
pub(super) async fn live_since(
    db: &DatabaseConnection,
    organization_id: &str,
    go_live_on: Option<NaiveDate>,
    irs: bool,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    deployment::ActiveModel {
        organization_id: Set(organization_id.into()),
        go_live_on: Set(go_live_on),
        go_live_basis: Set(GoLiveBasis::Signed.as_str().into()),
        go_live_held: Set(false),
        completion_signed_on: Set(None),
        deemed_notice_sent: Set(false),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    if let (Some(go_live), true) = (go_live_on, irs) {
        let starts = go_live + Days::new(21);
        irs_contract::ActiveModel {
            id: Set(new_id()),
            organization_id: Set(organization_id.into()),
            starts_on: Set(starts),
            ends_on: Set(starts + Days::new(364)),
            created_at: Set(now),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Two blocks of vouchers: one at go-live, one half a year on (when that has come); when the
/// first was bought.
async fn vouchers_bought(
    db: &DatabaseConnection,
    manager: &UserDto,
    organization_id: &str,
    start: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, AppError> {
    let mut first = None;
    for (after, minutes) in [(60, 1800), (240, 1200)] {
        let at = at_nine(start + Days::new(after));
        if at < now {
            let req = IssueVoucherRequest { minutes, expires_on: vouchers::in_days(at, 365).to_string() };
            vouchers::issue(db, &actor_of(manager), organization_id, req, at).await?;
            first = first.or(Some(at));
        }
    }
    Ok(first)
}

/// Nine in the morning, Sydney, on `day`.
fn at_nine(day: NaiveDate) -> DateTime<Utc> {
    app::domain::calendar::BusinessCalendar::sydney_default().day_starts(day) + Duration::hours(9)
}

impl Desk<'_> {
    fn pick<'t, T>(&mut self, items: &'t [T]) -> &'t T {
        &items[self.rng.usize(..items.len())]
    }

    /// A moment `min..max` minutes after `from`.
    fn after(&mut self, from: DateTime<Utc>, min: i64, max: i64) -> DateTime<Utc> {
        from + Duration::minutes(self.rng.i64(min..max))
    }

    /// About `weekly` tickets a week from `from` to today, each worked as a desk works them; billable
    /// work done after `paid_from` (the first vouchers) is mostly paid with voucher time.
    async fn tickets(
        &mut self,
        organization_id: &str,
        requester: &UserDto,
        from: NaiveDate,
        weekly: u32,
        paid_from: Option<DateTime<Utc>>,
        queue: &RedemptionQueue,
    ) -> Result<(), AppError> {
        let today = app::ssr::services::settings::support_date(self.db, self.now).await?;
        // One transaction for the client's year (a commit per ticket made seeding ten times slower);
        // its voucher spending after, through the voucher service, once the tickets are there.
        let txn = app::ssr::db::begin(self.db).await?;
        let mut to_redeem = Vec::new();
        let mut day = from;
        while day < today {
            let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
            let raised_today =
                if weekend { u32::from(self.rng.u8(..10) == 0) } else { self.rng.u32(0..=weekly * 2 / 5 + 1) };
            for _ in 0..raised_today {
                let raised = at_nine(day) + Duration::minutes(self.rng.i64(-60..540));
                if raised < self.now {
                    to_redeem.extend(self.ticket(&txn, organization_id, requester, raised).await?);
                }
            }
            day = day + Days::new(1);
        }
        app::ssr::services::search::harvest_words(&txn).await?;
        txn.commit().await?;
        // The superuser pays billable work with voucher time, the day it was done.
        for (ticket_id, minutes, at) in
            to_redeem.into_iter().filter(|(_, _, at)| paid_from.is_some_and(|from| *at > from))
        {
            let req = RedeemRequest { minutes, idempotency_key: Some(format!("demo-{ticket_id}")) };
            match vouchers::redeem(self.db, queue, &actor_of(requester), &ticket_id, req, at).await {
                Ok(_) => {}
                Err(e) if e.code == "insufficient_balance" => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// One ticket from raising to closing, as far as it has come by now; the voucher time to spend
    /// on it, if any (ticket, minutes, when).
    async fn ticket(
        &mut self,
        txn: &app::ssr::db::Write,
        organization_id: &str,
        requester: &UserDto,
        raised: DateTime<Utc>,
    ) -> Result<Option<(String, i64, DateTime<Utc>)>, AppError> {
        let &(subject, product, kind) = self.pick(SUBJECTS);
        let priority = *self.pick(&[
            Priority::P1,
            Priority::P2,
            Priority::P2,
            Priority::P3,
            Priority::P3,
            Priority::P3,
            Priority::P4,
        ]);
        let agent = self.pick(self.agents).clone();
        let new = NewTicket {
            subject: subject.into(),
            description: format!("{subject}. Noticed by our team this morning; details below.\n\nSite: head office."),
            kind,
            priority,
            product: Some(product),
            requester_id: Some(requester.id.clone()),
        };
        let placed = place(txn, organization_id, &new, support_date(txn, raised).await?).await?;
        // Most first answers come within the hour; some after a day or two.
        let responded = match self.rng.u8(..10) {
            0 => self.after(raised, 1_500, 3_000),
            1 | 2 => self.after(raised, 60, 300),
            _ => self.after(raised, 5, 55),
        };
        let resolved = match self.rng.u8(..10) {
            0 => self.after(responded, 4_000, 15_000),
            1..=3 => self.after(responded, 600, 3_000),
            _ => self.after(responded, 30, 480),
        };
        let now = self.now;
        let responded = Some(responded).filter(|at| *at < now);
        let resolved = resolved.lt(&now).then_some(resolved).filter(|_| responded.is_some());
        let closed = resolved.map(|at| at + Duration::days(7)).filter(|at| *at < now);
        let status = match (responded, resolved, closed) {
            (_, _, Some(_)) => TicketStatus::Closed,
            (_, Some(_), None) => TicketStatus::Resolved,
            (Some(_), None, None) => {
                *self.pick(&[TicketStatus::Open, TicketStatus::AwaitingCustomer, TicketStatus::OnHold])
            }
            (None, _, _) => TicketStatus::New,
        };
        let last = [Some(raised), responded, resolved, closed].into_iter().flatten().max().unwrap_or(raised);
        let t = ticket::ActiveModel {
            id: Set(new_id()),
            number: Set(next_numbers(txn, 1).await?),
            organization_id: Set(organization_id.into()),
            requester_id: Set(requester.id.clone()),
            subject: Set(new.subject),
            description: Set(new.description),
            kind: Set(kind.as_str().into()),
            priority: Set(priority.as_str().into()),
            status: Set(status.as_str().into()),
            queue: Set(placed.queue),
            product: Set(Some(product.as_str().into())),
            assignee_id: Set(Some(agent.id.clone())),
            billing_tag: Set(placed.billing.tag.as_str().into()),
            billing_reason: Set(placed.billing.reason.clone()),
            billing_manual: Set(false),
            created_at: Set(raised),
            updated_at: Set(last),
            first_response_at: Set(responded),
            resolved_at: Set(resolved),
            closed_at: Set(closed),
            paused_since: Set((status == TicketStatus::AwaitingCustomer).then_some(last)),
            paused_minutes: Set(0),
        }
        .insert(txn)
        .await?;
        let created = Some(billing_text(placed.billing.tag, &placed.billing.reason));
        history_line(&t.id, Some(&requester.id), "created", None, created, raised).insert(txn).await?;
        let mut said = vec![];
        if let Some(at) = responded {
            said.push((agent.id.clone(), self.pick(ANSWERS).to_string(), false, at));
            if self.rng.u8(..10) < 4 {
                said.push((requester.id.clone(), self.pick(FOLLOW_UPS).to_string(), false, self.after(at, 30, 240)));
            }
            if self.rng.u8(..10) < 2 {
                let note = "Checked the trunk logs: nothing unusual on our side.".to_string();
                said.push((agent.id.clone(), note, true, self.after(at, 5, 60)));
            }
        }
        if let Some(at) = resolved {
            said.push((agent.id.clone(), self.pick(CLOSINGS).to_string(), false, at));
        }
        said.retain(|(_, _, _, at)| *at < now);
        said.sort_by_key(|(_, _, _, at)| *at);
        for (author, body, internal, at) in said {
            let field = if internal { "note" } else { "reply" };
            let side = if author == requester.id { "customer" } else { "CyTrack" };
            history_line(&t.id, Some(&author), field, None, Some(side.into()), at).insert(txn).await?;
            ticket_comment::ActiveModel {
                id: Set(new_id()),
                ticket_id: Set(t.id.clone()),
                author_id: Set(author),
                body: Set(body),
                internal: Set(internal),
                created_at: Set(at),
            }
            .insert(txn)
            .await?;
        }
        let steps = [
            (TicketStatus::New, TicketStatus::Open, responded),
            (TicketStatus::Open, TicketStatus::Resolved, resolved),
        ];
        for (from, to, at) in steps.into_iter().chain([(TicketStatus::Resolved, TicketStatus::Closed, closed)]) {
            if let Some(at) = at {
                let (old, new) = (Some(from.as_str().into()), Some(to.as_str().into()));
                history_line(&t.id, Some(&agent.id), "status", old, new, at).insert(txn).await?;
            }
        }
        let worked = resolved.or(responded).filter(|_| self.rng.u8(..10) < 6);
        let minutes = i32::from(self.rng.u8(1..=8)) * 15;
        if let Some(at) = worked {
            let on = app::domain::calendar::BusinessCalendar::sydney_default().date_of(at);
            time_entry::ActiveModel {
                id: Set(new_id()),
                ticket_id: Set(t.id.clone()),
                author_id: Set(agent.id.clone()),
                minutes: Set(minutes),
                note: Set("Diagnosis and fix".into()),
                worked_on: Set(on),
                created_at: Set(at),
            }
            .insert(txn)
            .await?;
            history_line(&t.id, Some(&agent.id), "time", None, Some(format!("{minutes} min")), at).insert(txn).await?;
        }
        let pays = t.billing_tag == "billable" && self.rng.u8(..10) < 8;
        Ok(worked.filter(|_| pays).map(|at| (t.id.clone(), i64::from(minutes), at)))
    }

    /// After-hours bookings in every state, around today; each client topped up its vouchers the
    /// day before asking, so approving can reserve the time.
    async fn bookings(&mut self, clients: &[UserDto], manager: &UserDto) -> Result<(), AppError> {
        use app::domain::afterhours::BookingStatus as S;
        let (manager_dto, manager) = (manager, actor_of(manager));
        let engineer = self.agents[0].clone();
        // (client, asked days ago, starts this many days after asking, where it has got to)
        let plan = [
            (4, 2, 12, S::Requested),
            (5, 6, 9, S::Approved),
            (6, 10, 15, S::Scheduled),
            (7, 30, 14, S::Completed),
            (8, 9, 10, S::Declined),
            (9, 8, 16, S::Cancelled),
        ];
        for (client, asked_ago, starts_in, reached) in plan {
            let asked = self.now - Duration::days(asked_ago);
            let day = app::domain::calendar::BusinessCalendar::sydney_default().date_of(asked);
            let starts = at_nine(day + Days::new(starts_in)) + Duration::hours(12);
            let org = clients[client].organization_id.clone().unwrap_or_default();
            let top_up = IssueVoucherRequest { minutes: 600, expires_on: vouchers::in_days(asked, 365).to_string() };
            vouchers::issue(self.db, &actor_of(manager_dto), &org, top_up, asked - Duration::days(1)).await?;
            let req = BookingRequest {
                starts_at: starts.to_rfc3339(),
                ends_at: (starts + Duration::hours(3)).to_rfc3339(),
                description: "Cut over the IVR to the new menu outside business hours.".into(),
                contact_name: clients[client].name.clone(),
                contact_phone: "+61 2 9000 0000".into(),
                ticket_id: None,
            };
            let requester = actor_of(&clients[client]);
            let id = bookings::create(self.db, &requester, req, asked).await?.id;
            let later = asked + Duration::days(1);
            let steps: Vec<(&_, Step, DateTime<Utc>)> = match reached {
                S::Requested => vec![],
                S::Approved => vec![(&requester, Step::Approve, later)],
                S::Scheduled => {
                    vec![(&requester, Step::Approve, later), (&manager, Step::Schedule(engineer.id.clone()), later)]
                }
                S::Completed => vec![
                    (&requester, Step::Approve, later),
                    (&manager, Step::Schedule(engineer.id.clone()), later),
                    (&manager, Step::Complete(150), starts + Duration::hours(4)),
                ],
                S::Declined => vec![(
                    &manager,
                    Step::Decline("That weekend is a change freeze; choose the one after.".into()),
                    later,
                )],
                S::Cancelled => vec![(&requester, Step::Approve, later), (&requester, Step::Cancel, later)],
            };
            for (who, step, at) in steps {
                bookings::advance(self.db, who, &id, step, at).await?;
            }
        }
        Ok(())
    }
}
