//! After-hours bookings from the UI.

use crate::domain::calendar::BusinessCalendar;
use crate::dto::BookingDto;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// The calendar in force, for the browser's live quote.
#[server(prefix = "/rpc")]
pub async fn load_business_calendar() -> Result<BusinessCalendar, AppError> {
    use super::context::*;
    let state = state()?;
    actor().await?.access()?;
    crate::ssr::services::settings::calendar(&state.db).await
}

/// Local wall-clock times (`2026-12-05T09:00`, as a datetime-local input gives them) in the support
/// time zone, as RFC 3339.
#[cfg(feature = "ssr")]
fn local_to_rfc3339(cal: &BusinessCalendar, local: &str) -> String {
    use chrono::TimeZone;
    chrono::NaiveDateTime::parse_from_str(local.trim(), "%Y-%m-%dT%H:%M")
        .ok()
        .and_then(|n| cal.time_zone.from_local_datetime(&n).earliest())
        .map(|d| d.to_rfc3339())
        .unwrap_or_else(|| local.to_string())
}

#[server(prefix = "/rpc")]
pub async fn book_after_hours(
    starts_at: String,
    ends_at: String,
    description: String,
    contact_name: String,
    contact_phone: String,
) -> Result<BookingDto, AppError> {
    use super::context::*;
    let state = state()?;
    let result = async {
        let actor = actor().await?;
        let cal = crate::ssr::services::settings::calendar(&state.db).await?;
        let req = crate::dto::BookingRequest {
            starts_at: local_to_rfc3339(&cal, &starts_at),
            ends_at: local_to_rfc3339(&cal, &ends_at),
            description,
            contact_name,
            contact_phone,
            ticket_id: None,
        };
        crate::ssr::services::bookings::create(&state.db, &actor, req, chrono::Utc::now()).await
    }
    .await;
    finish_form(result, Some("/after-hours".into()))
}

/// A page of the bookings the caller may see, and the engineers staff can schedule.
#[server(prefix = "/rpc", input = leptos::server_fn::codec::Json)]
pub async fn list_bookings(
    filter: crate::dto::BookingFilter,
) -> Result<(crate::dto::Page<BookingDto>, Vec<(String, String)>), AppError> {
    use super::context::*;
    use crate::ssr::auth::Access;
    let state = state()?;
    let actor = actor().await?;
    let bookings = crate::ssr::services::bookings::list(&state.db, &actor, filter).await?;
    let engineers = match actor.access()? {
        Access::Staff(_) => crate::ssr::services::tickets::staff_members(&state.db, &actor).await?,
        Access::Customer(_) => vec![],
    };
    Ok((bookings, engineers))
}

/// One step of a booking's workflow: approve, decline, schedule, complete or cancel.
#[server(prefix = "/rpc")]
pub async fn booking_step(
    booking_id: String,
    step: String,
    reason: Option<String>,
    engineer_id: Option<String>,
    actual_minutes: Option<String>,
) -> Result<BookingDto, AppError> {
    use super::context::*;
    use crate::ssr::services::bookings::{advance, Step};
    let state = state()?;
    let result = async {
        let actor = actor().await?;
        let step = match step.as_str() {
            "approve" => Step::Approve,
            "decline" => Step::Decline(reason.unwrap_or_default()),
            "schedule" => Step::Schedule(engineer_id.unwrap_or_default()),
            "complete" => {
                Step::Complete(form_minutes("actual_minutes", actual_minutes.as_deref().unwrap_or_default())?)
            }
            "cancel" => Step::Cancel,
            _ => return Err(AppError::bad_request("Unknown step.")),
        };
        advance(&state.db, &actor, &booking_id, step, chrono::Utc::now()).await
    }
    .await;
    finish_form(result, Some("/after-hours".into()))
}

#[server(prefix = "/rpc")]
pub async fn load_business_hours() -> Result<crate::dto::BusinessHoursDto, AppError> {
    use super::context::*;
    let state = state()?;
    actor().await?.admin()?;
    Ok(crate::ssr::services::settings::to_wire(&crate::ssr::services::settings::calendar(&state.db).await?))
}

/// Saves the business hours from the settings form: one open/close pair per day (empty = closed),
/// holidays one date per line.
#[server(prefix = "/rpc", input = Json)]
pub async fn save_business_hours(
    hours: crate::dto::BusinessHoursDto,
) -> Result<crate::dto::BusinessHoursDto, AppError> {
    use super::context::*;
    let state = state()?;
    crate::ssr::services::settings::put_calendar(&state.db, &actor().await?, hours, chrono::Utc::now()).await
}
