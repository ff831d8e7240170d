//! Services: they parse requests with the domain's rules, check the caller's access, own the
//! transactions, and return wire types. Both the JSON API and the server functions call these.

pub mod accounts;
pub mod attachments;
pub mod audit;
pub mod billing;
pub mod bookings;
pub mod insider;
pub mod mail_in;
pub mod notifications;
pub mod organizations;
pub mod outbox;
pub mod passwords;
pub mod people;
pub mod projects;
pub mod queues;
pub mod redemptions;
pub mod releases;
pub mod reminders;
pub mod search;
pub mod settings;
pub mod statements;
pub mod tickets;
pub mod vouchers;

/// A new public id.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Ids arrive from URLs and bodies as text; anything that is not a UUID cannot exist.
pub fn looks_like_id(id: &str) -> bool {
    uuid::Uuid::parse_str(id).is_ok()
}
