//! appreg's core: what an app registration should be and how to get there through Microsoft
//! Graph, with no terminal and no server in it.
//!
//! A [`plan::Plan`] (what the user wants registered) becomes typed [`plan::Step`]s that the
//! [`run`] module sends through the [`graph`] client, reporting [`progress`] events; [`doctor`]
//! reads an existing app, audits it and plans the steps that mend it; [`auth`] signs in.

pub mod audience;
pub mod auth;
pub mod bounded;
pub mod catalog;
pub mod clock;
pub mod cloud;
pub mod doctor;
pub mod graph;
pub mod http;
pub mod journal;
pub mod microsoft_dates;
pub mod plan;
pub mod platform;
pub mod profile;
pub mod progress;
pub mod redirect;
pub mod run;
pub mod secret;
pub mod tenant;
pub mod text;
