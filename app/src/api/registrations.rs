//! Approving and rejecting registrations from the UI.

use crate::dto::{OrganizationDto, UserDto};
use crate::error::AppError;
use leptos::prelude::*;

/// Pending registrations, oldest first, with the organisations they can join.
#[server(prefix = "/rpc")]
pub async fn pending_registrations() -> Result<(Vec<UserDto>, Vec<OrganizationDto>), AppError> {
    use super::context::*;
    use crate::dto::UserFilter;
    use crate::ssr::services::{organizations, people};
    let state = state()?;
    let actor = actor().await?;
    actor.account_manager()?;
    let filter =
        UserFilter { status: Some("pending".into()), page: Some(1), per_page: Some(200), ..Default::default() };
    let mut pending = people::list(&state.db, &actor, filter).await?.items;
    pending.reverse();
    Ok((pending, organizations::list(&state.db, &actor).await?))
}

/// Approves into the organisation named `organization` (its name, found case-insensitively
/// among the existing ones), or into a new organisation of that name.
#[server(prefix = "/rpc")]
pub async fn approve_registration(
    user_id: String,
    organization: String,
    superuser: Option<String>,
) -> Result<UserDto, AppError> {
    use super::context::*;
    use crate::ssr::services::{organizations, people};
    let state = state()?;
    let now = chrono::Utc::now();
    let result = async {
        let actor = actor().await?;
        let organization = organizations::named_or_new(&state.db, &actor, &organization, now).await?;
        people::approve(&state.db, &actor, &user_id, &organization.id, superuser.is_some(), now).await
    }
    .await;
    finish_form(result, Some("/staff/registrations".into()))
}

#[server(prefix = "/rpc")]
pub async fn reject_registration(user_id: String, reason: String) -> Result<UserDto, AppError> {
    use super::context::*;
    let state = state()?;
    let result = match actor().await {
        Ok(actor) => {
            crate::ssr::services::people::reject(&state.db, &actor, &user_id, &reason, chrono::Utc::now()).await
        }
        Err(e) => Err(e),
    };
    finish_form(result, Some("/staff/registrations".into()))
}
