//! Deployment projects from the UI.

use crate::dto::ProjectDto;
use crate::error::AppError;
use leptos::prelude::*;

/// An organisation's deployment projects; `None` means the caller's own organisation.
#[server(prefix = "/rpc")]
pub async fn organization_projects(
    organization_id: Option<String>,
) -> Result<Option<(String, Vec<ProjectDto>)>, AppError> {
    use super::context::*;
    let state = state()?;
    let actor = actor().await?;
    let Some(id) = organization_id.or_else(|| actor.organization_id.clone()) else { return Ok(None) };
    let projects = crate::ssr::services::projects::list(&state.db, &actor, &id).await?;
    Ok(Some((id, projects)))
}

#[server(prefix = "/rpc")]
pub async fn deployment_project(id: String) -> Result<ProjectDto, AppError> {
    use super::context::*;
    let state = state()?;
    crate::ssr::services::projects::get(&state.db, &actor().await?, &id).await
}

#[server(prefix = "/rpc")]
pub async fn open_project(organization_id: String, name: String) -> Result<ProjectDto, AppError> {
    use super::context::*;
    use crate::dto::CreateProjectRequest;
    let state = state()?;
    let result = match actor().await {
        Ok(actor) => {
            let req = CreateProjectRequest { name };
            crate::ssr::services::projects::create(&state.db, &actor, &organization_id, req, chrono::Utc::now()).await
        }
        Err(e) => Err(e),
    };
    let to = result.as_ref().ok().map(|p| format!("/deployment-projects/{}", p.id));
    finish_form(result, to)
}

#[server(prefix = "/rpc")]
pub async fn advance_project(id: String, to: String) -> Result<ProjectDto, AppError> {
    use super::context::*;
    use crate::dto::AdvanceRequest;
    let state = state()?;
    let result = match actor().await {
        Ok(actor) => {
            crate::ssr::services::projects::advance(&state.db, &actor, &id, AdvanceRequest { to }, chrono::Utc::now())
                .await
        }
        Err(e) => Err(e),
    };
    finish_form(result, Some(format!("/deployment-projects/{id}")))
}

/// The Stakeholders form as the page posts it: a name, e-mail and phone per responsibility;
/// rows left empty are not sent.
#[server(prefix = "/rpc")]
#[allow(clippy::too_many_arguments)]
pub async fn submit_stakeholders_form(
    id: String,
    project_sponsor_name: String,
    project_sponsor_email: String,
    project_sponsor_phone: Option<String>,
    it_contact_name: String,
    it_contact_email: String,
    it_contact_phone: Option<String>,
    trainer_name: String,
    trainer_email: String,
    trainer_phone: Option<String>,
    billing_name: Option<String>,
    billing_email: Option<String>,
    billing_phone: Option<String>,
    after_hours_name: Option<String>,
    after_hours_email: Option<String>,
    after_hours_phone: Option<String>,
) -> Result<ProjectDto, AppError> {
    use super::context::*;
    use crate::dto::{StakeholderInput, StakeholdersRequest};
    let state = state()?;
    let rows = [
        ("project_sponsor", Some(project_sponsor_name), Some(project_sponsor_email), project_sponsor_phone),
        ("it_contact", Some(it_contact_name), Some(it_contact_email), it_contact_phone),
        ("trainer", Some(trainer_name), Some(trainer_email), trainer_phone),
        ("billing", billing_name, billing_email, billing_phone),
        ("after_hours", after_hours_name, after_hours_email, after_hours_phone),
    ];
    let contacts = rows
        .into_iter()
        .map(|(role, name, email, phone)| (role, name.unwrap_or_default(), email.unwrap_or_default(), phone))
        .filter(|(_, name, email, _)| !name.trim().is_empty() || !email.trim().is_empty())
        .map(|(role, name, email, phone)| StakeholderInput { role: role.into(), name, email, phone })
        .collect();
    let result = match actor().await {
        Ok(actor) => {
            let req = StakeholdersRequest { contacts };
            crate::ssr::services::projects::submit_stakeholders(&state.db, &actor, &id, req, chrono::Utc::now()).await
        }
        Err(e) => Err(e),
    };
    finish_form(result, Some(format!("/deployment-projects/{id}")))
}

/// An account manager accepts the submitted form, or returns it when `reason` is given.
#[server(prefix = "/rpc")]
pub async fn decide_stakeholders_form(id: String, reason: Option<String>) -> Result<ProjectDto, AppError> {
    use super::context::*;
    use crate::dto::ReasonRequest;
    let state = state()?;
    let returned = reason.map(|reason| ReasonRequest { reason });
    let result = match actor().await {
        Ok(actor) => {
            crate::ssr::services::projects::decide_stakeholders(&state.db, &actor, &id, returned, chrono::Utc::now())
                .await
        }
        Err(e) => Err(e),
    };
    finish_form(result, Some(format!("/deployment-projects/{id}")))
}

/// A training session as the page posts it: attendees one per line, the superuser's tick.
#[server(prefix = "/rpc")]
pub async fn record_training_session(
    id: String,
    held_on: String,
    trainer: String,
    attendees: String,
    superuser_trained: Option<String>,
) -> Result<ProjectDto, AppError> {
    use super::context::*;
    use crate::dto::TrainingRequest;
    let state = state()?;
    let req = TrainingRequest {
        held_on,
        trainer,
        attendees: attendees.lines().map(str::to_string).collect(),
        superuser_trained: superuser_trained.is_some(),
    };
    let result = match actor().await {
        Ok(actor) => {
            crate::ssr::services::projects::record_training(&state.db, &actor, &id, req, chrono::Utc::now()).await
        }
        Err(e) => Err(e),
    };
    finish_form(result, Some(format!("/deployment-projects/{id}")))
}

#[server(prefix = "/rpc")]
pub async fn add_uat_item(id: String, title: String) -> Result<ProjectDto, AppError> {
    use super::context::*;
    use crate::dto::UatItemRequest;
    let state = state()?;
    let result = match actor().await {
        Ok(actor) => {
            let req = UatItemRequest { title };
            crate::ssr::services::projects::add_uat_item(&state.db, &actor, &id, req, chrono::Utc::now()).await
        }
        Err(e) => Err(e),
    };
    finish_form(result, Some(format!("/deployment-projects/{id}")))
}

/// The client's result for a test item (`passed`, or `failed` with a note).
#[server(prefix = "/rpc")]
pub async fn record_uat_result(
    project_id: String,
    item_id: String,
    result: String,
    note: Option<String>,
) -> Result<ProjectDto, AppError> {
    use super::context::*;
    use crate::dto::UatResultRequest;
    let state = state()?;
    let outcome = match actor().await {
        Ok(actor) => {
            let req = UatResultRequest { result, note };
            crate::ssr::services::projects::record_uat_result(&state.db, &actor, &item_id, req, chrono::Utc::now())
                .await
        }
        Err(e) => Err(e),
    };
    finish_form(outcome, Some(format!("/deployment-projects/{project_id}")))
}

#[server(prefix = "/rpc")]
pub async fn waive_uat_item(project_id: String, item_id: String, reason: String) -> Result<ProjectDto, AppError> {
    use super::context::*;
    use crate::dto::ReasonRequest;
    let state = state()?;
    let result = match actor().await {
        Ok(actor) => {
            let req = ReasonRequest { reason };
            crate::ssr::services::projects::waive_uat_item(&state.db, &actor, &item_id, req, chrono::Utc::now()).await
        }
        Err(e) => Err(e),
    };
    finish_form(result, Some(format!("/deployment-projects/{project_id}")))
}
