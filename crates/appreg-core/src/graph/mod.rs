//! The typed Microsoft Graph client: requests, models, errors and retries.

mod call;
mod client;
pub mod error;
pub mod models;
pub mod observe;
pub mod paths;
mod reads;
pub mod retry;

pub use call::{Api, Call};
pub use client::{Answer, GraphClient, GraphConfig, api_error};
pub use error::{ApiError, GraphError};
pub use observe::{Attempt, Observer};
pub use paths::Method;
