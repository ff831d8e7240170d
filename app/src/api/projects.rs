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
