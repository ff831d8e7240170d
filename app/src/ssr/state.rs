//! What every request can reach: the database pool, the signing keys, the Leptos options, the
//! queues redemptions, new tickets and replies are written through.

use super::auth::AuthKeys;
use super::services::attachments::FileStore;
use super::services::mail_in::Mailbox;
use super::services::redemptions::RedemptionQueue;
use super::services::replies::ReplyQueue;
use super::services::tickets::TicketQueue;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: DatabaseConnection,
    pub auth: Arc<AuthKeys>,
    /// Changes as they happen, for the pages' and clients' event streams.
    pub live: super::services::live::Live,
    /// Redemptions waiting to be written, in batches, to `db`.
    pub redemptions: RedemptionQueue,
    /// Tickets being raised, written in batches to `db`.
    pub tickets: TicketQueue,
    /// Replies being posted, written in batches to `db`.
    pub replies: ReplyQueue,
    /// The portal's own address, for e-mail in.
    pub mailbox: Arc<Mailbox>,
    /// The bearer secret of `POST /api/v1/mail/inbound`; without one the endpoint does not exist.
    pub inbound_secret: Option<Arc<str>>,
    /// Where attached files are kept, and where uploads wait while they are checked.
    pub files: FileStore,
    pub incoming_dir: Arc<std::path::PathBuf>,
    /// The address people use (`PORTAL_PUBLIC_URL`), for links that leave the portal: feeds.
    pub public_url: Arc<str>,
    /// Proxies whose `X-Forwarded-For` is believed (`ssr::auth::client_address`).
    pub trusted_proxies: Arc<[std::net::IpAddr]>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
