//! The integration tests: one binary; each test starts the real app on a fresh database and drives it
//! over HTTP. Every test runs twice, on SQLite and on PostgreSQL (`both!`).
mod helpers;

mod accounts;
mod admin;
mod assistant;
mod builtin_content;
mod classes;
mod figures;
mod hardening;
mod learning;
mod ops;
mod platform;
mod reports;
mod reports_prop;
mod roles;
mod scam;
mod security;
mod signed_in;
mod sync;
mod teams;
mod units;

pub use helpers::*;
