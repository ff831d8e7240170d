//! Reminders that come with the calendar, not with a request: an IRS contract due for renewal,
//! vouchers running low or expiring, a deployment's completion form issued or its project deemed
//! complete. A job runs `send_due` every hour in each portal process; each reminder is told once,
//! however many processes run it (`notices_sent`, keyed by what it is about).

use super::billing::{deployment_of, to_period};
use super::notifications::{self, Around, Notice};
use super::projects;
use super::tickets::support_date;
use super::vouchers::balance_rows;
use crate::domain::billing::{completion_milestone, irs_status, long_date, CompletionMilestone, IrsStatus};
use crate::domain::notifications::{Event, NotificationKind};
use crate::domain::vouchers::{hours, is_running_low, EXPIRING_SOON_DAYS};
use crate::error::AppError;
use crate::ssr::db::begin;
use crate::ssr::entities::{deployment, irs_contract, notice_sent, voucher};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder, Set, TransactionTrait};
use std::collections::HashMap;

/// One reminder: what it is about (its key), whose organisation, and what it says.
struct Reminder {
    key: String,
    /// A deployment milestone also moves the organisation's project (`projects::milestone_reached`).
    milestone: Option<CompletionMilestone>,
    organization_id: String,
    kind: NotificationKind,
    title: String,
    body: String,
    link: String,
}

/// Tells every reminder due at `now` that was not told before; answers how many were told.
pub async fn send_due<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let today = support_date(db, now).await?;
    let mut due = Vec::new();

    let mut contracts: HashMap<String, Vec<irs_contract::Model>> = HashMap::new();
    for c in irs_contract::Entity::find().all(db).await? {
        contracts.entry(c.organization_id.clone()).or_default().push(c);
    }
    for (org, list) in contracts {
        let periods: Vec<_> = list.iter().map(to_period).collect();
        if let IrsStatus::DueForRenewal { ends_on, days_left } = irs_status(&periods, today) {
            due.push(Reminder {
                key: format!("irs_renewal:{org}:{ends_on}"),
                kind: NotificationKind::IrsRenewalDue,
                title: format!("Issue Resolution Service ends {}: due for renewal", long_date(ends_on)),
                body: format!(
                    "The IRS contract ends on {} ({days_left} days). Faults raised after that are billable \
                     unless the contract is renewed; your account manager can arrange the renewal.",
                    long_date(ends_on)
                ),
                link: format!("/accounts/{org}"),
                organization_id: org,
                milestone: None,
            });
        }
    }

    // A new voucher starts a new reminder: its id is part of the key.
    let mut newest: HashMap<String, String> = HashMap::new();
    for v in voucher::Entity::find().order_by_asc(voucher::Column::CreatedAt).all(db).await? {
        newest.insert(v.organization_id, v.id);
    }
    for row in balance_rows(db, now, None).await? {
        let Some(latest) = newest.get(&row.organization_id) else { continue };
        let org = row.organization_id.clone();
        if is_running_low(row.available_minutes) {
            due.push(Reminder {
                key: format!("vouchers_low:{org}:{latest}"),
                kind: NotificationKind::VoucherBalance,
                title: format!("Service vouchers running low: {} left", hours(row.available_minutes)),
                body: format!(
                    "{} has {} of prepaid service left. Billable work beyond it needs new vouchers.",
                    row.organization_name,
                    hours(row.available_minutes)
                ),
                link: "/vouchers".into(),
                organization_id: org.clone(),
                milestone: None,
            });
        }
        if let (true, Some(expires_on)) = (row.expiring_soon_minutes > 0, row.next_expiry_on) {
            due.push(Reminder {
                key: format!("vouchers_expiring:{org}:{expires_on}"),
                kind: NotificationKind::VoucherBalance,
                title: format!("Service vouchers expire {}", long_date(expires_on)),
                body: format!(
                    "{} of {}'s prepaid service expires within {EXPIRING_SOON_DAYS} days, the first of it on {}. \
                     Expired minutes cannot be spent.",
                    hours(row.expiring_soon_minutes),
                    row.organization_name,
                    long_date(expires_on)
                ),
                link: "/vouchers".into(),
                organization_id: org,
                milestone: None,
            });
        }
    }

    for d in deployment::Entity::find().all(db).await? {
        let Some((milestone, day)) = completion_milestone(&deployment_of(&d), today) else { continue };
        let org = d.organization_id.clone();
        let go_live = d.go_live_on.map(long_date).unwrap_or_default();
        let (key, title, body) = match milestone {
            CompletionMilestone::FormIssued => (
                format!("completion_form:{org}:{day}"),
                "Your Deployment Completion form is issued".to_string(),
                format!(
                    "The system went live on {go_live}. List any outstanding issues on the Deployment Completion \
                     form and return it signed before {}; those issues stay under warranty whenever they are worked.",
                    long_date(day + chrono::Days::new(14))
                ),
            ),
            CompletionMilestone::Deemed => (
                format!("completion_deemed:{org}:{day}"),
                "Your deployment is deemed complete".to_string(),
                format!(
                    "The Deployment Completion form was not returned within 21 days of go-live ({go_live}), so \
                     the deployment project is deemed complete as of {}. Faults are now covered by the Issue \
                     Resolution Service where a contract is in place; other work is billable.",
                    long_date(day)
                ),
            ),
        };
        due.push(Reminder {
            key,
            milestone: Some(milestone),
            kind: NotificationKind::DeploymentMilestone,
            title,
            body,
            link: format!("/accounts/{org}"),
            organization_id: org,
        });
    }

    let mut told = 0;
    for reminder in due {
        if tell_once(db, reminder, now).await? {
            told += 1;
        }
    }
    Ok(told)
}

/// Records the reminder's key and tells it, in one transaction; a key already recorded (by an
/// earlier run, or by another process at the same moment) tells nothing.
async fn tell_once<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    reminder: Reminder,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let txn = begin(db).await?;
    if !first_time(&txn, &reminder.key, now).await? {
        return Ok(false);
    }
    let mut link = reminder.link;
    if let Some(milestone) = reminder.milestone {
        if let Some(project) = projects::milestone_reached(&txn, &reminder.organization_id, milestone, now).await? {
            link = format!("/deployment-projects/{project}");
        }
    }
    let notice = Notice {
        event: Event::Account(reminder.kind),
        title: reminder.title,
        body: reminder.body,
        link: Some(link),
        ticket_id: None,
        organization_id: Some(reminder.organization_id.clone()),
    };
    let around = Around { organization_id: Some(reminder.organization_id), ..Around::default() };
    notifications::notify(&txn, notice, around, now).await?;
    txn.commit().await?;
    Ok(true)
}

/// Records `key` as told, in the caller's transaction; false when it was told before (by an
/// earlier run, or by another process at the same moment, which the primary key arbitrates).
pub(crate) async fn first_time(db: &impl ConnectionTrait, key: &str, now: DateTime<Utc>) -> Result<bool, AppError> {
    let recorded = notice_sent::Entity::insert(notice_sent::ActiveModel { key: Set(key.into()), created_at: Set(now) })
        .on_conflict(OnConflict::column(notice_sent::Column::Key).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(recorded == 1)
}
