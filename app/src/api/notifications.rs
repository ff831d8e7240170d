//! Notifications from the UI: the bell's count, the list, marking read, e-mail preferences, and
//! the mail outbox for admins.

use crate::dto::{InboundMailDto, NotificationDto, OutboxMessageDto, Page, PreferencesDto};
use crate::error::AppError;
use leptos::prelude::*;

/// The bell's number: unread notifications, 0 for someone not signed in.
#[server(prefix = "/rpc", input = leptos::server_fn::codec::Json)]
pub async fn unread_notifications() -> Result<u64, AppError> {
    use super::context::*;
    let state = state()?;
    match optional_actor().await? {
        Some(actor) => Ok(crate::ssr::services::notifications::unread_count(&state.db, &actor).await?.count),
        None => Ok(0),
    }
}

/// The caller's latest notifications and their e-mail preferences.
#[server(prefix = "/rpc")]
pub async fn notifications_page(page: Option<u64>) -> Result<(Page<NotificationDto>, PreferencesDto), AppError> {
    use super::context::*;
    use crate::dto::NotificationFilter;
    use crate::ssr::services::notifications;
    let state = state()?;
    let actor = actor().await?;
    let filter = NotificationFilter { unread: None, page, per_page: Some(50) };
    Ok((notifications::list(&state.db, &actor, filter).await?, notifications::preferences(&state.db, &actor).await?))
}

/// Marks a notification read and goes where it points.
#[server(prefix = "/rpc")]
pub async fn open_notification(id: String, link: Option<String>) -> Result<(), AppError> {
    use super::context::*;
    let state = state()?;
    let result = match actor().await {
        Ok(actor) => crate::ssr::services::notifications::mark_read(&state.db, &actor, &id, chrono::Utc::now()).await,
        Err(e) => Err(e),
    };
    // Only a path of this portal: a form field must not send anyone elsewhere.
    let to = link.filter(|l| l.starts_with('/') && !l.starts_with("//")).unwrap_or_else(|| "/notifications".into());
    finish_form(result, Some(to))
}

#[server(prefix = "/rpc")]
pub async fn mark_all_notifications_read() -> Result<u64, AppError> {
    use super::context::*;
    let state = state()?;
    let result = match actor().await {
        Ok(actor) => crate::ssr::services::notifications::mark_all_read(&state.db, &actor, chrono::Utc::now()).await,
        Err(e) => Err(e),
    };
    finish_form(result, Some("/notifications".into()))
}

/// E-mail on (`mail` = "on") or off for one kind of notification.
#[server(prefix = "/rpc")]
pub async fn set_mail_preference(kind: String, mail: String) -> Result<PreferencesDto, AppError> {
    use super::context::*;
    use crate::dto::PreferencesRequest;
    let state = state()?;
    let result = match actor().await {
        Ok(actor) => {
            let req = PreferencesRequest { mail: [(kind, mail == "on")].into_iter().collect() };
            crate::ssr::services::notifications::set_preferences(&state.db, &actor, req).await
        }
        Err(e) => Err(e),
    };
    finish_form(result, Some("/notifications".into()))
}

/// The mail outbox, newest first (admins); `status` narrows it to pending, sent or failed.
#[server(prefix = "/rpc")]
pub async fn outbox_messages(status: Option<String>) -> Result<Page<OutboxMessageDto>, AppError> {
    use super::context::*;
    use crate::dto::OutboxFilter;
    let state = state()?;
    let actor = actor().await?;
    let filter = OutboxFilter { status, page: Some(1), per_page: Some(100) };
    crate::ssr::services::outbox::list(&state.db, &actor, filter).await
}

/// The mail received, newest first (admins), with what became of each message.
#[server(prefix = "/rpc")]
pub async fn inbound_messages() -> Result<Page<InboundMailDto>, AppError> {
    use super::context::*;
    let state = state()?;
    let actor = actor().await?;
    crate::ssr::services::mail_in::list(&state.db, &actor, Some(1), Some(100)).await
}
