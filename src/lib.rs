//! appreg: register Microsoft Entra ID apps for mail and calendar platforms.
//!
//! Two front ends (the full-screen wizard in [`tui`] and the plain command line in
//! [`headless`]) drive one core: a [`plan::Plan`] is executed against Microsoft Graph
//! ([`graph`]) by the [`run`] module, which reports [`progress`] events.

pub mod audience;
pub mod auth;
pub mod bounded;
pub mod catalog;
pub mod cli;
pub mod clipboard;
pub mod clock;
pub mod cloud;
pub mod doctor;
pub mod graph;
pub mod headless;
pub mod http;
pub mod journal;
pub mod plan;
pub mod profile;
pub mod progress;
pub mod redirect;
pub mod run;
pub mod secret;
pub mod sim;
pub mod tenant;
pub mod text;
pub mod tui;
