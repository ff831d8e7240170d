//! Files from the UI: staff remove one (the upload itself is a multipart post the server
//! receives, rest::attachments).

use crate::error::AppError;
use leptos::prelude::*;

/// Removes a file; a plain form post returns to `back`, the page it came from.
#[server(prefix = "/rpc")]
pub async fn remove_file(attachment_id: String, back: String) -> Result<(), AppError> {
    use super::context::*;
    let state = state()?;
    let result = match actor().await {
        Ok(actor) => {
            crate::ssr::services::attachments::delete(&state.db, &actor, &attachment_id, chrono::Utc::now()).await
        }
        Err(e) => Err(e),
    };
    // Only a path of this portal, never another site.
    let back = Some(back).filter(|b| b.starts_with('/') && !b.starts_with("//") && !b.contains('\\'));
    finish_form(result, back.or_else(|| Some("/".into())))
}
