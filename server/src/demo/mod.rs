//! Demo data for a first look: staff, two client organisations at different deployment stages,
//! tickets, vouchers, a MACS catalogue with orders in three states, releases with an Insider
//! post, one registration waiting for approval, and a year of ten more clients' tickets (`year`).
//! Seeded once; a second run changes nothing.

mod year;

use app::domain::people::{Role, UserStatus};
use app::dto::{
    CreateOrganizationRequest, CreateReleaseRequest, CreateTicketRequest, InstalledReleaseRequest, IssueVoucherRequest,
    MacsItemRequest, MacsOrderRequest, PostRequest, RedeemRequest, RegisterRequest, SlateRequest, UserDto,
};
use app::error::AppError;
use app::ssr::auth::Actor;
use app::ssr::entities::user;
use app::ssr::services::macs::{self, Step};
use app::ssr::services::redemptions::RedemptionQueue;
use app::ssr::services::{accounts, insider, organizations, people, releases, tickets, vouchers};
use chrono::{Days, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

pub const DEMO_PASSWORD: &str = "demo-password";

fn actor_of(user: &UserDto) -> Actor {
    Actor {
        user_id: user.id.clone(),
        session_id: String::new(),
        name: user.name.clone(),
        role: user.role,
        status: UserStatus::Active,
        organization_id: user.organization_id.clone(),
        superuser: user.superuser,
    }
}

/// Seeds the demo world unless it is there already. Returns whether it seeded.
pub async fn seed(db: &DatabaseConnection) -> Result<bool, AppError> {
    let already = user::Entity::find().filter(user::Column::Email.eq("agent@cytrack.test")).one(db).await?;
    if already.is_some() {
        return Ok(false);
    }
    let now = Utc::now();
    let today = tickets::support_date(db, now).await?;
    // Every demo account has the one password: hashed once.
    let hash = app::ssr::services::passwords::hash(DEMO_PASSWORD.into()).await?;
    let seed = |name: &'static str, email: &'static str, role, org: Option<String>, superuser| {
        let (org, hash) = (org.clone(), hash.clone());
        async move { people::seed_user_hashed(db, name, email, &hash, role, org.as_deref(), superuser, now).await }
    };

    // PORTAL_ADMIN_* may have created the admin already.
    if user::Entity::find().filter(user::Column::Role.eq(Role::Admin.as_str())).one(db).await?.is_none() {
        seed("Ada Admin", "admin@cytrack.test", Role::Admin, None, false).await?;
    }
    let agent = seed("Alex Agent", "agent@cytrack.test", Role::Agent, None, false).await?;
    // A second agent, so a desk of two can be seen working one queue (who is on which ticket).
    let blake = seed("Blake Agent", "blake@cytrack.test", Role::Agent, None, false).await?;
    let manager = seed("Morgan Manager", "manager@cytrack.test", Role::AccountManager, None, false).await?;

    let acme = organizations::create(
        db,
        &actor_of(&manager),
        CreateOrganizationRequest { name: "Acme Contact Centres".into(), email_domains: vec!["acme.test".into()] },
        now,
    )
    .await?;
    let borealis = organizations::create(
        db,
        &actor_of(&manager),
        CreateOrganizationRequest { name: "Borealis Telecom".into(), email_domains: vec![] },
        now,
    )
    .await?;

    // Acme went live 60 days ago and has an IRS contract; Borealis went live 5 days ago.
    for (org, days_live, irs) in [(&acme.id, 60u64, true), (&borealis.id, 5u64, false)] {
        let go_live = today.checked_sub_days(Days::new(days_live)).unwrap_or(today);
        year::live_since(db, org, Some(go_live), irs, now).await?;
    }

    year::seed(db, &[agent.clone(), blake], &manager, &hash, now).await?;

    let sam = seed("Sam Superuser", "sam@acme.test", Role::Customer, Some(acme.id.clone()), true).await?;
    let casey = seed("Casey Customer", "casey@acme.test", Role::Customer, Some(acme.id.clone()), false).await?;
    let blair = seed("Blair Borealis", "blair@borealis.test", Role::Customer, Some(borealis.id.clone()), true).await?;

    let queue = tickets::TicketQueue::new(db.clone());
    let raise = |who: &UserDto, subject: &str, kind: &str, priority: &str, product: &str, description: &str| {
        let actor = actor_of(who);
        let queue = &queue;
        let req = CreateTicketRequest {
            subject: subject.into(),
            description: description.into(),
            kind: kind.into(),
            priority: priority.into(),
            product: Some(product.into()),
            organization_id: None,
        };
        async move { tickets::create(queue, &actor, req, now).await }
    };
    // Acme bought two voucher blocks; one expires soon.
    for (minutes, days) in [(1200, 200), (300, 20)] {
        let req = IssueVoucherRequest { minutes, expires_on: vouchers::in_days(now, days).to_string() };
        vouchers::issue(db, &actor_of(&manager), &acme.id, req, now).await?;
    }
    raise(
        &casey,
        "Queue 3 plays the wrong announcement",
        "fault",
        "p2",
        "recorded_announcements",
        "Callers to the sales queue hear the after-hours message during the day since this morning.",
    )
    .await?;
    let seats = raise(
        &sam,
        "Add two CyDesk web seats for new starters",
        "macs",
        "p3",
        "cydesk_web",
        "Two new agents start on Monday; please add seats for them.",
    )
    .await?;
    let req = RedeemRequest { minutes: 45, idempotency_key: Some("demo-seats".into()) };
    vouchers::redeem(db, &RedemptionQueue::new(db.clone()), &actor_of(&agent), &seats.id, req, now).await?;
    // The MACS catalogue, and Acme's orders: one done, one awaiting Sam's approval, one quote
    // asked for.
    let catalogue = [
        ("Add a queue", "A new call queue with its routing, music on hold and overflow.", 120, Some(3)),
        ("Change a recorded announcement", "Record or replace one announcement or menu prompt.", 30, Some(1)),
        ("Add a CyDesk web seat", "One more agent seat, licensed and configured.", 45, Some(2)),
        ("New report", "A report built to your specification and mailed on a schedule.", 240, Some(10)),
        ("Add a wallboard", "A dashboard wallboard for the call floor.", 180, None),
    ];
    let mut items = Vec::new();
    for (name, description, minutes, lead_days) in catalogue {
        let req = MacsItemRequest {
            name: Some(name.into()),
            description: Some(description.into()),
            minutes: Some(minutes),
            lead_days,
            ..MacsItemRequest::default()
        };
        items.push(macs::save_item(db, &actor_of(&manager), None, req, now).await?);
    }
    let order = |who: &UserDto, item_id: Option<String>, title: Option<&str>, details: &str| {
        let actor = actor_of(who);
        let req = MacsOrderRequest { item_id, title: title.map(str::to_string), details: details.into() };
        async move { macs::order(db, &actor, req, now).await }
    };
    let queue =
        order(&sam, Some(items[0].id.clone()), None, "A queue for the winter campaign, overflowing to Sales.").await?;
    macs::advance(db, &actor_of(&sam), &queue.id, Step::Approve, now).await?;
    macs::advance(db, &actor_of(&agent), &queue.id, Step::Complete(None), now).await?;
    order(&casey, Some(items[1].id.clone()), None, "The holiday greeting on the main line, from 20 December.").await?;
    order(&casey, None, Some("Import an outbound campaign list weekly"), "About 5,000 numbers each Monday.").await?;

    let wallboard = raise(
        &casey,
        "Dashboard wallboard shows yesterday's figures",
        "fault",
        "p3",
        "dashboards",
        "The wallboard in the call floor does not refresh after midnight.",
    )
    .await?;
    raise(
        &blair,
        "Change the IVR menu order",
        "change_request",
        "p3",
        "queues",
        "Swap options 2 and 3 in the main menu.",
    )
    .await?;

    // A release Acme runs, the next one planned with the wallboard's fix, and a post about it.
    let year = i64::from(chrono::Datelike::year(&today)) % 100;
    let release = |number: String, notes: &str| {
        let (req, actor) = (CreateReleaseRequest { number, planned_on: None, notes: notes.into() }, actor_of(&agent));
        async move { releases::create(db, &actor, req, now).await }
    };
    let shipped = release(format!("{year:02}-1.1"), "CyChat transfers keep the chat history.").await?;
    releases::ship(db, &actor_of(&agent), &shipped.id, now).await?;
    let planned = release(format!("{year:02}-2.1"), "Wallboards refresh at midnight.").await?;
    let req = InstalledReleaseRequest { release: Some(shipped.number.clone()) };
    releases::set_installed(db, &actor_of(&manager), &acme.id, req, now).await?;
    releases::slate(db, &actor_of(&agent), &planned.id, SlateRequest { ticket: wallboard.id.clone() }, now).await?;
    let post = PostRequest {
        title: format!("What {} brings", planned.number),
        body: format!(
            "Release **{}** is in testing. It fixes wallboards that kept yesterday's figures after midnight.\n\n\
             Questions? Ask below: our engineers answer here.",
            planned.number
        ),
        tags: vec!["dashboards".into()],
        releases: vec![planned.number.clone()],
        published: true,
    };
    insider::create(db, &actor_of(&agent), post, now).await?;

    let pat = people::register(
        db,
        RegisterRequest {
            name: "Pat Newcomer".into(),
            email: "pat@newclient.test".into(),
            password: DEMO_PASSWORD.into(),
            company: "New Client Pty Ltd".into(),
            phone: Some("+61 2 9000 1234".into()),
        },
        now,
    )
    .await?;
    // Pat confirmed the address, so the registration waits for an account manager.
    let pat = user::Entity::find_by_id(pat.id).one(db).await?.ok_or_else(AppError::internal)?;
    accounts::address_proven(db, pat, now).await?;
    Ok(true)
}
