//! The desk report, from the UI.

use crate::dto::{DeskReportDto, OrganizationDto, ReportQuery};
use crate::error::AppError;
use leptos::prelude::*;

/// The report and, for staff, the organisations it can be narrowed to. In JSON, as the other
/// filters (`list_bookings`, `audit_page`): a URL-encoded body leaves out a filter whose fields are
/// all empty (the report of the last 30 days), and the server then found no `query` at all.
#[server(prefix = "/rpc", input = leptos::server_fn::codec::Json)]
pub async fn desk_report(query: ReportQuery) -> Result<(DeskReportDto, Vec<OrganizationDto>), AppError> {
    use super::context::*;
    use crate::ssr::services::{organizations, reports};
    let state = state()?;
    let actor = actor().await?;
    let report = reports::desk(&state.db, &actor, &query, chrono::Utc::now()).await?;
    let organizations = match actor.staff() {
        Ok(_) => organizations::list(&state.db, &actor).await?,
        Err(_) => vec![],
    };
    Ok((report, organizations))
}
