//! One request as its caller describes it: which API, the method and path, headers, body, and
//! whether it may be sent again.

use super::paths::Method;
use super::retry::Resend;
use crate::auth::TokenResource;
use serde_json::Value;

/// Which API a request goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    Graph,
    Arm,
}

impl Api {
    pub fn token_resource(self) -> TokenResource {
        match self {
            Api::Graph => TokenResource::Graph,
            Api::Arm => TokenResource::Arm,
        }
    }
}

/// One request as the caller describes it.
#[derive(Debug, Clone)]
pub struct Call {
    pub api: Api,
    pub method: Method,
    /// Relative to the API's base URL, with its query.
    pub path: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<Value>,
    /// A body that is not JSON (a logo): its content type and bytes.
    pub bytes: Option<(&'static str, std::sync::Arc<[u8]>)>,
    pub resend: Resend,
}

impl Call {
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        Self {
            api: Api::Graph,
            method,
            path: path.into(),
            headers: Vec::new(),
            body: None,
            bytes: None,
            // Reads are always safe to repeat.
            resend: Resend {
                after_lost_answer: method == Method::Get,
                while_replicating: false,
            },
        }
    }

    pub fn body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    pub fn bytes(mut self, content_type: &'static str, bytes: std::sync::Arc<[u8]>) -> Self {
        self.bytes = Some((content_type, bytes));
        self
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    pub fn resend_after_lost_answer(mut self) -> Self {
        self.resend.after_lost_answer = true;
        self
    }

    pub fn wait_for_replication(mut self) -> Self {
        self.resend.while_replicating = true;
        self
    }

    pub fn arm(mut self) -> Self {
        self.api = Api::Arm;
        self
    }
}
