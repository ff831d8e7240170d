//! Server-only code: state, entities, services (which own rules' application and transactions),
//! authentication, and the mapping of database errors.

pub mod auth;
pub mod batch;
pub mod db;
pub mod entities;
pub mod headers;
pub mod markdown;
pub mod secrets;
pub mod services;
pub mod state;
