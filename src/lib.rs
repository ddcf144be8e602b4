//! appreg: register Microsoft Entra ID apps for mail and calendar platforms.

pub mod audience;
pub mod catalog;
pub mod graph;
pub mod plan;
pub mod profile;
pub mod progress;
pub mod secret;
