//! sea-orm entities, one per table; they never leave the `ssr` module (see `dto` for the wire).

pub mod account_token;
pub mod booking;
pub mod completion_outstanding;
pub mod counter;
pub mod deployment;
pub mod irs_contract;
pub mod ledger_entry;
pub mod login_failure;
pub mod mail_outbox;
pub mod notice_sent;
pub mod notification;
pub mod notification_preference;
pub mod organization;
pub mod organization_domain;
pub mod queue;
pub mod redemption;
pub mod session;
pub mod setting;
pub mod ticket;
pub mod ticket_comment;
pub mod ticket_history;
pub mod ticket_tally;
pub mod time_entry;
pub mod user;
pub mod voucher;
