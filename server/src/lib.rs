//! The portal's server: configuration, startup (one `build` used by `main` and by the tests), the
//! JSON API over the shared services, the OpenAPI document, demo data, and backups.

pub mod backup;
pub mod bundle;
pub mod config;
pub mod demo;
pub mod imap;
pub mod mailer;
pub mod metrics;
pub mod openapi;
pub mod rest;
pub mod startup;
pub mod test_clock;
