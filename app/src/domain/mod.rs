//! Pure business rules and validated values, compiled for the server and the browser alike.

pub mod billing;
pub mod people;
pub mod text;
pub mod tickets;
