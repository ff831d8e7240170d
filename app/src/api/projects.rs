//! Deployment projects from the UI.

use crate::dto::ProjectDto;
use crate::error::AppError;
use leptos::prelude::*;

/// An organisation's deployment projects (`None`: the caller's own organisation), with the
/// catalogue's module names for staff, who open projects.
#[server(prefix = "/rpc")]
pub async fn organization_projects(
    organization_id: Option<String>,
) -> Result<Option<(String, Vec<ProjectDto>, Vec<String>)>, AppError> {
    use super::context::*;
    let state = state()?;
    let actor = actor().await?;
    let Some(id) = organization_id.or_else(|| actor.organization_id.clone()) else { return Ok(None) };
    let projects = crate::ssr::services::projects::list(&state.db, &actor, &id).await?;
    Ok(Some((id, projects, staff_module_names(&state.db, &actor).await?)))
}

/// The catalogue's module names, for staff (who choose what a project deploys); none for clients.
#[cfg(feature = "ssr")]
async fn staff_module_names(
    db: &sea_orm::DatabaseConnection,
    actor: &crate::ssr::auth::Actor,
) -> Result<Vec<String>, AppError> {
    match actor.access()? {
        crate::ssr::auth::Access::Staff(_) => {
            Ok(crate::ssr::services::settings::modules(db).await?.into_iter().map(|m| m.module).collect())
        }
        crate::ssr::auth::Access::Customer(_) => Ok(vec![]),
    }
}

/// A project's page: the project, and for staff the catalogue's module names.
#[server(prefix = "/rpc")]
pub async fn project_page(id: String) -> Result<(ProjectDto, Vec<String>), AppError> {
    use super::context::*;
    let state = state()?;
    let actor = actor().await?;
    let project = crate::ssr::services::projects::get(&state.db, &actor, &id).await?;
    Ok((project, staff_module_names(&state.db, &actor).await?))
}

#[server(prefix = "/rpc")]
pub async fn deployment_project(id: String) -> Result<ProjectDto, AppError> {
    use super::context::*;
    let state = state()?;
    crate::ssr::services::projects::get(&state.db, &actor().await?, &id).await
}

#[server(prefix = "/rpc")]
pub async fn open_project(
    organization_id: String,
    name: String,
    modules: Option<Vec<String>>,
) -> Result<ProjectDto, AppError> {
    use super::context::*;
    use crate::dto::CreateProjectRequest;
    let state = state()?;
    let result = match actor().await {
        Ok(actor) => {
            let req = CreateProjectRequest { name, modules: modules.unwrap_or_default() };
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

/// An account manager accepts a submitted form (`stakeholders` or `pre_install`), or returns it
/// when `reason` is given.
#[server(prefix = "/rpc")]
pub async fn decide_form(id: String, form: String, reason: Option<String>) -> Result<ProjectDto, AppError> {
    use super::context::*;
    use crate::dto::ReasonRequest;
    use crate::ssr::services::projects::{decide, Reviewed};
    let state = state()?;
    let returned = reason.map(|reason| ReasonRequest { reason });
    let result = match (actor().await, Reviewed::parse(&form)) {
        (Ok(actor), Ok(which)) => decide(&state.db, &actor, &id, which, returned, chrono::Utc::now()).await,
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    finish_form(result, Some(format!("/deployment-projects/{id}")))
}

/// The Pre-install form as the page posts it: each ticked requirement as "module index.requirement
/// index" of the form the page showed, and the site's details.
#[server(prefix = "/rpc")]
#[allow(clippy::too_many_arguments)]
pub async fn submit_pre_install_form(
    id: String,
    acknowledged: Option<Vec<String>>,
    address: String,
    contact_name: String,
    contact_phone: String,
    remote_access: Option<String>,
    notes: Option<String>,
) -> Result<ProjectDto, AppError> {
    use super::context::*;
    use crate::dto::{Acknowledgement, PreInstallRequest, SiteDetails};
    use crate::ssr::services::projects;
    let state = state()?;
    let result = async {
        let actor = actor().await?;
        let shown = projects::get(&state.db, &actor, &id).await?.pre_install.modules;
        let acknowledged = acknowledged
            .unwrap_or_default()
            .iter()
            .filter_map(|pair| {
                let (m, r) = pair.split_once('.')?;
                let module = shown.get(m.parse::<usize>().ok()?)?;
                let requirement = module.requirements.get(r.parse::<usize>().ok()?)?;
                Some(Acknowledgement { module: module.module.clone(), requirement: requirement.text.clone() })
            })
            .collect();
        let site = SiteDetails {
            address,
            contact_name,
            contact_phone,
            remote_access: remote_access.unwrap_or_default(),
            notes: notes.unwrap_or_default(),
        };
        let req = PreInstallRequest { acknowledged, site };
        projects::submit_pre_install(&state.db, &actor, &id, req, chrono::Utc::now()).await
    }
    .await;
    finish_form(result, Some(format!("/deployment-projects/{id}")))
}

/// The installation as the page posts it: agreed and installed per item, in the vocabulary's
/// order (`agreed[i]`, `installed[i]`); an item with both left empty is not part of it.
#[server(prefix = "/rpc")]
pub async fn record_installation(
    id: String,
    agreed: Vec<String>,
    installed: Vec<String>,
) -> Result<ProjectDto, AppError> {
    use super::context::*;
    use crate::domain::deployment::InclusionItem;
    use crate::dto::{InclusionInput, InstallationRequest};
    let state = state()?;
    let number = |s: &str| s.trim().parse::<i64>().unwrap_or(-1);
    let items = InclusionItem::ALL
        .iter()
        .zip(agreed.iter().zip(installed.iter()))
        .filter(|(_, (a, i))| !a.trim().is_empty() || !i.trim().is_empty())
        .map(|(item, (a, i))| InclusionInput {
            item: item.as_str().into(),
            agreed: if a.trim().is_empty() { 0 } else { number(a) },
            installed: if i.trim().is_empty() { 0 } else { number(i) },
        })
        .collect();
    let result = match actor().await {
        Ok(actor) => {
            let req = InstallationRequest { items };
            crate::ssr::services::projects::put_installation(&state.db, &actor, &id, req, chrono::Utc::now()).await
        }
        Err(e) => Err(e),
    };
    finish_form(result, Some(format!("/deployment-projects/{id}")))
}

/// An account manager changes the Go-Live conditions from the page: adds one (`add`), or marks
/// the one at `fulfil` fulfilled.
#[server(prefix = "/rpc")]
pub async fn change_go_live_conditions(
    id: String,
    add: Option<String>,
    fulfil: Option<usize>,
) -> Result<ProjectDto, AppError> {
    use super::context::*;
    use crate::domain::deployment::GoLiveCondition;
    use crate::dto::GoLiveConditionsRequest;
    use crate::ssr::services::projects;
    let state = state()?;
    let result = async {
        let actor = actor().await?;
        let mut conditions = projects::get(&state.db, &actor, &id).await?.go_live.conditions;
        if let Some(text) = add {
            conditions.push(GoLiveCondition { text, fulfilled: false });
        }
        if let Some(c) = fulfil.and_then(|i| conditions.get_mut(i)) {
            c.fulfilled = true;
        }
        let req = GoLiveConditionsRequest { conditions };
        projects::put_go_live_conditions(&state.db, &actor, &id, req, chrono::Utc::now()).await
    }
    .await;
    finish_form(result, Some(format!("/deployment-projects/{id}")))
}

/// The client's superuser signs a form (`go_live` or `completion`) with their full name.
#[server(prefix = "/rpc")]
pub async fn sign_form(id: String, form: String, full_name: String) -> Result<ProjectDto, AppError> {
    use super::context::*;
    use crate::dto::SignRequest;
    use crate::ssr::services::projects;
    let state = state()?;
    let req = SignRequest { full_name };
    let now = chrono::Utc::now();
    let result = match (actor().await, form.as_str()) {
        (Err(e), _) => Err(e),
        (Ok(actor), "go_live") => projects::sign_go_live(&state.db, &actor, &id, req, now).await,
        (Ok(actor), "completion") => projects::sign_completion(&state.db, &actor, &id, req, now).await,
        // A form name the page never sends signs nothing rather than some other form.
        (Ok(_), _) => Err(AppError::bad_request("Name the form to sign: go_live or completion.")),
    };
    finish_form(result, Some(format!("/deployment-projects/{id}")))
}

#[server(prefix = "/rpc")]
pub async fn assess_go_live(id: String, go_live_on: String, reason: String) -> Result<ProjectDto, AppError> {
    use super::context::*;
    use crate::dto::AssessGoLiveRequest;
    let state = state()?;
    let result = match actor().await {
        Ok(actor) => {
            let req = AssessGoLiveRequest { go_live_on, reason };
            crate::ssr::services::projects::assess_go_live(&state.db, &actor, &id, req, chrono::Utc::now()).await
        }
        Err(e) => Err(e),
    };
    finish_form(result, Some(format!("/deployment-projects/{id}")))
}

/// The client's superuser lists an outstanding issue: a ticket number of theirs (`ticket`), or a
/// new ticket (`subject`, `description`); `remove` takes one off the form.
#[server(prefix = "/rpc")]
pub async fn change_outstanding(
    id: String,
    ticket: Option<String>,
    subject: Option<String>,
    description: Option<String>,
    remove: Option<String>,
) -> Result<ProjectDto, AppError> {
    use super::context::*;
    use crate::dto::OutstandingRequest;
    use crate::ssr::services::{projects, tickets};
    let state = state()?;
    let now = chrono::Utc::now();
    let result = async {
        let actor = actor().await?;
        if let Some(ticket_id) = remove {
            return projects::remove_outstanding(&state.db, &actor, &id, &ticket_id, now).await;
        }
        let ticket_id = match ticket.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            Some(number) => {
                let org = projects::get(&state.db, &actor, &id).await?.organization_id;
                let found = tickets::ids_for_numbers(&state.db, &org, "ticket", number).await?;
                Some(found.into_iter().next().ok_or_else(|| AppError::not_found("ticket"))?)
            }
            None => None,
        };
        let req = OutstandingRequest { ticket_id, subject, description };
        projects::add_outstanding(&state.db, &actor, &id, req, now).await
    }
    .await;
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

/// An account manager changes the modules a project deploys.
#[server(prefix = "/rpc")]
pub async fn set_project_modules(id: String, modules: Option<Vec<String>>) -> Result<ProjectDto, AppError> {
    use super::context::*;
    use crate::dto::ModulesRequest;
    let state = state()?;
    let result = match actor().await {
        Ok(actor) => {
            let req = ModulesRequest { modules: modules.unwrap_or_default() };
            crate::ssr::services::projects::set_modules(&state.db, &actor, &id, req, chrono::Utc::now()).await
        }
        Err(e) => Err(e),
    };
    finish_form(result, Some(format!("/deployment-projects/{id}")))
}

/// The module catalogue as admins edit it: a module's name on a line, then its requirements, one
/// per line starting with "-".
#[server(prefix = "/rpc")]
pub async fn module_catalogue_text() -> Result<String, AppError> {
    use super::context::*;
    let state = state()?;
    actor().await?.admin()?;
    let modules = crate::ssr::services::settings::modules(&state.db).await?;
    Ok(modules
        .iter()
        .map(|m| {
            let lines: Vec<String> = m.requirements.iter().map(|r| format!("- {r}")).collect();
            format!("{}\n{}", m.module, lines.join("\n"))
        })
        .collect::<Vec<_>>()
        .join("\n\n"))
}

#[server(prefix = "/rpc")]
pub async fn save_module_catalogue(text: String) -> Result<(), AppError> {
    use super::context::*;
    use crate::domain::deployment::ModuleRequirements;
    use crate::dto::ModuleCatalogueDto;
    let state = state()?;
    let mut modules: Vec<ModuleRequirements> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        match (line.strip_prefix('-'), modules.last_mut()) {
            (Some(requirement), Some(module)) => module.requirements.push(requirement.trim().to_string()),
            (Some(requirement), None) => modules
                .push(ModuleRequirements { module: String::new(), requirements: vec![requirement.trim().into()] }),
            (None, _) => modules.push(ModuleRequirements { module: line.to_string(), requirements: vec![] }),
        }
    }
    let result = match actor().await {
        Ok(actor) => {
            let dto = ModuleCatalogueDto { modules };
            crate::ssr::services::settings::put_modules(&state.db, &actor, dto, chrono::Utc::now()).await.map(|_| ())
        }
        Err(e) => Err(e),
    };
    finish_form(result, Some("/settings".into()))
}
