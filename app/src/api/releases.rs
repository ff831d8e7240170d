//! Releases, upgrades and the Insider blog from the UI; every rule is in the services.

use crate::dto::{
    FeedTokenDto, Page, PostDto, PostSummaryDto, QuestionDto, ReleaseDetail, ReleaseDto, ReleasesOverview, TicketDto,
};
use crate::error::AppError;
use leptos::prelude::*;

/// What the releases page shows the caller: every release; for staff the next numbers; for a
/// client what they run and what is newer; for account managers which clients run what.
#[server(prefix = "/rpc")]
pub async fn load_releases() -> Result<ReleasesOverview, AppError> {
    use super::context::*;
    use crate::ssr::auth::Access;
    use crate::ssr::services::releases;
    let state = state()?;
    let actor = actor().await?;
    let now = chrono::Utc::now();
    let access = actor.access()?;
    let releases = releases::list(&state.db, &actor).await?;
    let (next, installed) = match &access {
        Access::Staff(_) => (Some(releases::next(&state.db, &actor, now).await?), None),
        Access::Customer(c) => (None, Some(releases::installed(&state.db, &actor, &c.organization_id).await?)),
    };
    let in_use = match actor.account_manager() {
        Ok(_) => Some(releases::in_use(&state.db, &actor).await?),
        Err(_) => None,
    };
    Ok(ReleasesOverview { releases, next, installed, in_use })
}

#[server(prefix = "/rpc")]
pub async fn create_release(number: String, planned_on: String, notes: String) -> Result<ReleaseDto, AppError> {
    use super::context::*;
    let state = state()?;
    let result = match actor().await {
        Ok(actor) => {
            let req = crate::dto::CreateReleaseRequest { number, planned_on: Some(planned_on), notes };
            crate::ssr::services::releases::create(&state.db, &actor, req, chrono::Utc::now()).await
        }
        Err(e) => Err(e),
    };
    let to = result.as_ref().ok().map(|r| format!("/releases/{}", r.id));
    finish_form(result, to)
}

#[server(prefix = "/rpc")]
pub async fn load_release(id: String) -> Result<ReleaseDetail, AppError> {
    use super::context::*;
    let state = state()?;
    crate::ssr::services::releases::get(&state.db, &actor().await?, &id).await
}

#[server(prefix = "/rpc")]
pub async fn update_release(id: String, planned_on: String, notes: String) -> Result<ReleaseDto, AppError> {
    use super::context::*;
    let state = state()?;
    let result = match actor().await {
        Ok(actor) => {
            let req = crate::dto::UpdateReleaseRequest { planned_on: Some(planned_on), notes };
            crate::ssr::services::releases::update(&state.db, &actor, &id, req, chrono::Utc::now()).await
        }
        Err(e) => Err(e),
    };
    finish_form(result, Some(format!("/releases/{id}")))
}

#[server(prefix = "/rpc")]
pub async fn ship_release(id: String) -> Result<ReleaseDto, AppError> {
    use super::context::*;
    let state = state()?;
    let result = match actor().await {
        Ok(actor) => crate::ssr::services::releases::ship(&state.db, &actor, &id, chrono::Utc::now()).await,
        Err(e) => Err(e),
    };
    finish_form(result, Some(format!("/releases/{id}")))
}

#[server(prefix = "/rpc")]
pub async fn slate_ticket(release_id: String, ticket: String) -> Result<crate::dto::SlatedDto, AppError> {
    use super::context::*;
    let state = state()?;
    let result = match actor().await {
        Ok(actor) => {
            let req = crate::dto::SlateRequest { ticket };
            crate::ssr::services::releases::slate(&state.db, &actor, &release_id, req, chrono::Utc::now()).await
        }
        Err(e) => Err(e),
    };
    finish_form(result, Some(format!("/releases/{release_id}")))
}

#[server(prefix = "/rpc")]
pub async fn unslate_ticket(release_id: String, ticket_id: String) -> Result<(), AppError> {
    use super::context::*;
    let state = state()?;
    let result = match actor().await {
        Ok(actor) => {
            crate::ssr::services::releases::unslate(&state.db, &actor, &release_id, &ticket_id, chrono::Utc::now())
                .await
        }
        Err(e) => Err(e),
    };
    finish_form(result, Some(format!("/releases/{release_id}")))
}

/// A client asks for an upgrade; the new ticket opens.
#[server(prefix = "/rpc")]
pub async fn ask_upgrade(release_id: String, note: String) -> Result<TicketDto, AppError> {
    use super::context::*;
    let state = state()?;
    let result = match actor().await {
        Ok(actor) => {
            let req = crate::dto::UpgradeRequest { note };
            crate::ssr::services::releases::request_upgrade(&state.db, &actor, &release_id, req, chrono::Utc::now())
                .await
        }
        Err(e) => Err(e),
    };
    let to = result.as_ref().ok().map(|t| format!("/tickets/{}", t.id));
    finish_form(result, to)
}

/// Account managers record what a client runs (from the releases page's table).
#[server(prefix = "/rpc")]
pub async fn set_installed_release(
    organization_id: String,
    release: String,
) -> Result<crate::dto::InstalledReleaseDto, AppError> {
    use super::context::*;
    let state = state()?;
    let result = match actor().await {
        Ok(actor) => {
            let req = crate::dto::InstalledReleaseRequest { release: Some(release) };
            crate::ssr::services::releases::set_installed(&state.db, &actor, &organization_id, req, chrono::Utc::now())
                .await
        }
        Err(e) => Err(e),
    };
    finish_form(result, Some("/releases".into()))
}

/// Posts on one page of the Insider.
pub const POSTS_PER_PAGE: u64 = 20;

#[server(prefix = "/rpc")]
pub async fn insider_posts(tag: Option<String>, page: Option<u64>) -> Result<Page<PostSummaryDto>, AppError> {
    use super::context::*;
    let state = state()?;
    let filter = crate::dto::PostFilter { tag, page, per_page: Some(POSTS_PER_PAGE) };
    crate::ssr::services::insider::list(&state.db, &actor().await?, filter, chrono::Utc::now()).await
}

#[server(prefix = "/rpc")]
pub async fn insider_post(id: String) -> Result<PostDto, AppError> {
    use super::context::*;
    let state = state()?;
    crate::ssr::services::insider::get(&state.db, &actor().await?, &id, chrono::Utc::now()).await
}

/// Writes a new post (`id` empty) or edits one (staff); then the post opens.
#[server(prefix = "/rpc")]
pub async fn save_post(
    id: String,
    title: String,
    body: String,
    tags: String,
    releases: String,
    published: Option<String>,
) -> Result<PostDto, AppError> {
    use super::context::*;
    use crate::ssr::services::insider;
    let state = state()?;
    let req = crate::dto::PostRequest {
        title,
        body,
        tags: vec![tags],
        releases: vec![releases],
        published: published.is_some(),
    };
    let now = chrono::Utc::now();
    let result = match actor().await {
        Ok(actor) if id.trim().is_empty() => insider::create(&state.db, &actor, req, now).await,
        Ok(actor) => insider::update(&state.db, &actor, &id, req, now).await,
        Err(e) => Err(e),
    };
    let to = result.as_ref().ok().map(|p| format!("/insider/{}", p.post.id));
    finish_form(result, to)
}

#[server(prefix = "/rpc")]
pub async fn ask_question(post_id: String, body: String) -> Result<QuestionDto, AppError> {
    use super::context::*;
    let state = state()?;
    let result = match actor().await {
        Ok(actor) => {
            let req = crate::dto::QuestionRequest { body };
            crate::ssr::services::insider::ask(&state.db, &actor, &post_id, req, chrono::Utc::now()).await
        }
        Err(e) => Err(e),
    };
    finish_form(result, Some(format!("/insider/{post_id}")))
}

#[server(prefix = "/rpc")]
pub async fn answer_question(post_id: String, question_id: String, answer: String) -> Result<QuestionDto, AppError> {
    use super::context::*;
    let state = state()?;
    let result = match actor().await {
        Ok(actor) => {
            let req = crate::dto::AnswerRequest { answer };
            crate::ssr::services::insider::answer(&state.db, &actor, &question_id, req, chrono::Utc::now()).await
        }
        Err(e) => Err(e),
    };
    finish_form(result, Some(format!("/insider/{post_id}")))
}

/// Staff turn a question into a ticket; the ticket opens.
#[server(prefix = "/rpc")]
pub async fn question_ticket(question_id: String) -> Result<TicketDto, AppError> {
    use super::context::*;
    let state = state()?;
    let result = match actor().await {
        Ok(actor) => {
            crate::ssr::services::insider::to_ticket(&state.db, &actor, &question_id, chrono::Utc::now()).await
        }
        Err(e) => Err(e),
    };
    let to = result.as_ref().ok().map(|t| format!("/tickets/{}", t.id));
    finish_form(result, to)
}

/// A new private feed address (the old one stops working).
#[server(prefix = "/rpc")]
pub async fn new_feed_address() -> Result<FeedTokenDto, AppError> {
    use super::context::*;
    let state = state()?;
    crate::ssr::services::insider::new_feed_token(&state.db, &actor().await?, &state.public_url, chrono::Utc::now())
        .await
}
