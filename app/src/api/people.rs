//! Managing people from the UI: who is in the portal (staff see everyone, a client's superuser
//! their organisation's people), accounts disabled and re-enabled, staff roles, superusers, new
//! staff accounts; and the audit log. Every rule is in the services.

use crate::dto::{AuditEntryDto, AuditFilter, OrganizationDto, Page, UserDto, UserFilter};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Where a plain form post returns after success.
#[cfg(feature = "ssr")]
const PEOPLE: &str = "/people";

/// A page of people, with the organisations to name them by (staff only).
#[server(prefix = "/rpc", input = Json)]
pub async fn people_page(filter: UserFilter) -> Result<(Page<UserDto>, Vec<OrganizationDto>), AppError> {
    use super::context::*;
    use crate::ssr::services::{organizations, people};
    let state = state()?;
    let actor = actor().await?;
    let listed = people::list(&state.db, &actor, filter).await?;
    let orgs = match actor.staff() {
        Ok(_) => organizations::list(&state.db, &actor).await?,
        Err(_) => vec![],
    };
    Ok((listed, orgs))
}

#[server(prefix = "/rpc")]
pub async fn disable_person(user_id: String) -> Result<UserDto, AppError> {
    use super::context::*;
    let state = state()?;
    let result = match actor().await {
        Ok(actor) => crate::ssr::services::people::disable(&state.db, &actor, &user_id, chrono::Utc::now()).await,
        Err(e) => Err(e),
    };
    finish_form(result, Some(PEOPLE.into()))
}

#[server(prefix = "/rpc")]
pub async fn enable_person(user_id: String) -> Result<UserDto, AppError> {
    use super::context::*;
    let state = state()?;
    let result = match actor().await {
        Ok(actor) => crate::ssr::services::people::enable(&state.db, &actor, &user_id, chrono::Utc::now()).await,
        Err(e) => Err(e),
    };
    finish_form(result, Some(PEOPLE.into()))
}

#[server(prefix = "/rpc")]
pub async fn change_role(user_id: String, role: String) -> Result<UserDto, AppError> {
    use super::context::*;
    let state = state()?;
    let result = match actor().await {
        Ok(actor) => {
            crate::ssr::services::people::set_role(&state.db, &actor, &user_id, &role, chrono::Utc::now()).await
        }
        Err(e) => Err(e),
    };
    finish_form(result, Some(PEOPLE.into()))
}

/// `superuser` is "true" to make one, anything else to take it away.
#[server(prefix = "/rpc")]
pub async fn change_superuser(user_id: String, superuser: String) -> Result<UserDto, AppError> {
    use super::context::*;
    let state = state()?;
    let result = match actor().await {
        Ok(actor) => {
            let make = superuser == "true";
            crate::ssr::services::people::set_superuser(&state.db, &actor, &user_id, make, chrono::Utc::now()).await
        }
        Err(e) => Err(e),
    };
    finish_form(result, Some(PEOPLE.into()))
}

#[server(prefix = "/rpc")]
pub async fn add_staff(name: String, email: String, role: String, password: String) -> Result<UserDto, AppError> {
    use super::context::*;
    use crate::dto::CreateStaffRequest;
    let state = state()?;
    let result = match actor().await {
        Ok(actor) => {
            let req = CreateStaffRequest { name, email, role, password };
            crate::ssr::services::people::create_staff(&state.db, &actor, req, chrono::Utc::now()).await
        }
        Err(e) => Err(e),
    };
    finish_form(result, Some(PEOPLE.into()))
}

/// Invites someone into an organisation; they are mailed a link to choose their password.
#[server(prefix = "/rpc")]
pub async fn invite_person(organization_id: String, name: String, email: String) -> Result<UserDto, AppError> {
    use super::context::*;
    use crate::dto::InviteRequest;
    let state = state()?;
    let result = match actor().await {
        Ok(actor) => {
            let req = InviteRequest { name, email };
            crate::ssr::services::accounts::invite(&state.db, &actor, &organization_id, req, chrono::Utc::now()).await
        }
        Err(e) => Err(e),
    };
    finish_form(result, Some(format!("{PEOPLE}?invited=1")))
}

/// Renames an organisation and sets its e-mail domains (typed comma-separated).
#[server(prefix = "/rpc")]
pub async fn edit_organization(
    organization_id: String,
    name: String,
    email_domains: String,
) -> Result<OrganizationDto, AppError> {
    use super::context::*;
    use crate::dto::CreateOrganizationRequest;
    let state = state()?;
    let result = match actor().await {
        Ok(actor) => {
            let email_domains = email_domains.split([',', ' ', '\n']).map(str::to_string).collect();
            let req = CreateOrganizationRequest { name, email_domains };
            crate::ssr::services::organizations::update(&state.db, &actor, &organization_id, req, chrono::Utc::now())
                .await
        }
        Err(e) => Err(e),
    };
    finish_form(result, Some(format!("/accounts/{organization_id}")))
}

/// A search of the audit log, with the organisations to choose from: the search's own refusal
/// (a bad date, an account manager who named no organisation) comes with them, so the page can
/// show the search form beside it.
#[server(prefix = "/rpc", input = Json)]
pub async fn audit_page(
    filter: AuditFilter,
) -> Result<(Result<Page<AuditEntryDto>, AppError>, Vec<OrganizationDto>), AppError> {
    use super::context::*;
    use crate::ssr::services::{audit, organizations};
    let state = state()?;
    let actor = actor().await?;
    let orgs = organizations::list(&state.db, &actor).await?;
    Ok((audit::list(&state.db, &actor, filter).await, orgs))
}
