//! Integration tests through the HTTP API. Each test starts its own portal on port 0 with a fresh
//! database: SQLite by default, PostgreSQL when TEST_DATABASE_URL points at a server.

mod harness;

mod accounts;
mod afterhours;
mod attachments;
mod audit;
mod auth;
mod billing;
mod demo;
mod durability;
mod errors;
mod ledger_sequences;
mod live;
mod macs;
mod mail;
mod mail_in;
mod matrix;
mod notifications;
mod operations;
mod projects;
mod registrations;
mod releases;
mod reminders;
mod replies;
mod reports;
mod signing;
mod tickets;
mod vouchers;
mod workflow;
