//! The typed Microsoft Graph client.

pub mod models;
