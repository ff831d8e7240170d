//! One module per screen.

pub mod accounts;
pub mod afterhours;
pub mod audit;
pub mod auth;
pub mod home;
pub mod insider;
pub mod macs;
pub mod not_found;
pub mod notifications;
pub mod people;
pub mod profile;
pub mod project_forms;
pub mod projects;
pub mod queues;
pub mod registrations;
pub mod releases;
pub mod reports;
pub mod settings;
pub mod statements;
pub mod tickets;
pub mod vouchers;
