//! Pure business rules and validated values, compiled for the server and the browser alike.

pub mod accounts;
pub mod afterhours;
pub mod attachments;
pub mod audit;
pub mod billing;
pub mod calendar;
pub mod deployment;
pub mod live;
pub mod macs;
pub mod mail;
pub mod notifications;
pub mod people;
pub mod releases;
pub mod reports;
pub mod sign_in;
pub mod sla;
pub mod text;
pub mod tickets;
pub mod vouchers;
