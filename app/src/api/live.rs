//! Who is on a ticket, from the ticket page (staff).

use crate::dto::PresenceDto;
use crate::error::AppError;
use leptos::prelude::*;

/// The page's beat: still here, typing or not; the answer is who else is.
#[server(prefix = "/rpc")]
pub async fn beat_ticket(ticket_id: String, typing: bool) -> Result<PresenceDto, AppError> {
    use super::context::*;
    let state = state()?;
    crate::ssr::services::live::beat(&state.db, &state.live, &actor().await?, &ticket_id, typing, chrono::Utc::now())
        .await
}

/// The page was left.
#[server(prefix = "/rpc")]
pub async fn leave_ticket(ticket_id: String) -> Result<(), AppError> {
    use super::context::*;
    let state = state()?;
    crate::ssr::services::live::leave(&state.db, &state.live, &actor().await?, &ticket_id, chrono::Utc::now()).await
}
