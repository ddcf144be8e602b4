//! Where Microsoft's endpoints are: the public cloud, the national clouds, or any base URL the
//! user gives (a simulator, a proxy).

use clap::ValueEnum;
use url::Url;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Cloud {
    #[default]
    Global,
    Usgov,
    China,
}

/// The three base URLs appreg talks to, and the token scopes that go with them.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoints {
    pub graph_url: Url,
    pub login_url: Url,
    pub arm_url: Url,
    pub graph_scope: String,
    pub arm_scope: String,
}

#[derive(Debug, thiserror::Error)]
#[error("{flag} '{value}' cannot be used: {reason}")]
pub struct BadUrl {
    flag: &'static str,
    value: String,
    reason: String,
}

/// An endpoint URL given with `flag`, checked like every other: https, or http to this machine;
/// no credentials, query or fragment. The message never shows a password.
pub fn parse_endpoint(flag: &'static str, value: &str) -> Result<Url, BadUrl> {
    let refuse = |reason: String| BadUrl {
        flag,
        value: crate::http::redacted(value),
        reason,
    };
    let url = Url::parse(value.trim()).map_err(|e| refuse(e.to_string()))?;
    crate::http::check_endpoint(&url).map_err(|e| refuse(e.to_string()))?;
    Ok(url)
}

impl Endpoints {
    /// What sign-in needs of these endpoints.
    pub fn auth(&self) -> crate::auth::Endpoints {
        crate::auth::Endpoints {
            login_url: self.login_url.clone(),
            graph_scope: self.graph_scope.clone(),
            arm_scope: self.arm_scope.clone(),
        }
    }

    /// Publisher verification exists in Microsoft's global cloud only, not in the US
    /// government or China clouds.
    pub fn offers_publisher_verification(&self) -> bool {
        !matches!(
            self.graph_url.host_str(),
            Some(
                "graph.microsoft.us" | "dod-graph.microsoft.us" | "microsoftgraph.chinacloudapi.cn"
            )
        )
    }

    pub fn graph_config(&self) -> crate::graph::GraphConfig {
        crate::graph::GraphConfig::new(self.graph_url.clone(), self.arm_url.clone())
    }
}

impl Cloud {
    fn defaults(self) -> [&'static str; 4] {
        // graph (with version), login authority, ARM, Graph resource for scopes
        match self {
            Cloud::Global => [
                "https://graph.microsoft.com/v1.0",
                "https://login.microsoftonline.com",
                "https://management.azure.com",
                "https://graph.microsoft.com",
            ],
            Cloud::Usgov => [
                "https://graph.microsoft.us/v1.0",
                "https://login.microsoftonline.us",
                "https://management.usgovcloudapi.net",
                "https://graph.microsoft.us",
            ],
            Cloud::China => [
                "https://microsoftgraph.chinacloudapi.cn/v1.0",
                "https://login.chinacloudapi.cn",
                "https://management.chinacloudapi.cn",
                "https://microsoftgraph.chinacloudapi.cn",
            ],
        }
    }

    /// The cloud's endpoints, each replaced by an override when given.
    pub fn endpoints(
        self,
        graph_url: Option<&str>,
        login_url: Option<&str>,
        arm_url: Option<&str>,
    ) -> Result<Endpoints, BadUrl> {
        let [graph, login, arm, graph_resource] = self.defaults();
        let arm_base = arm_url.unwrap_or(arm);
        Ok(Endpoints {
            graph_url: parse_endpoint("--graph-url", graph_url.unwrap_or(graph))?,
            login_url: parse_endpoint("--login-url", login_url.unwrap_or(login))?,
            arm_url: parse_endpoint("--arm-url", arm_base)?,
            graph_scope: format!("{graph_resource}/.default"),
            arm_scope: format!("{}/.default", arm.trim_end_matches('/')),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_clouds_and_overrides() {
        let e = Cloud::Usgov.endpoints(None, None, None).unwrap();
        assert_eq!(e.graph_url.as_str(), "https://graph.microsoft.us/v1.0");
        assert_eq!(e.graph_scope, "https://graph.microsoft.us/.default");
        let e = Cloud::Global
            .endpoints(Some("http://127.0.0.1:5000/v1.0"), None, None)
            .unwrap();
        assert_eq!(e.graph_url.as_str(), "http://127.0.0.1:5000/v1.0");
        assert_eq!(e.graph_scope, "https://graph.microsoft.com/.default");
        let err = Cloud::Global
            .endpoints(Some("not a url"), None, None)
            .unwrap_err();
        assert!(err.to_string().contains("--graph-url"));
        assert!(
            Cloud::Global
                .endpoints(None, Some("ftp://x"), None)
                .is_err()
        );
    }

    #[test]
    fn every_endpoint_is_checked_and_no_message_shows_a_password() {
        let remote = Cloud::Global
            .endpoints(None, None, Some("http://192.0.2.2"))
            .unwrap_err()
            .to_string();
        assert!(
            remote.contains("--arm-url") && remote.contains("plain http"),
            "{remote}"
        );
        let login = Cloud::Global
            .endpoints(None, Some("https://admin:hunter2@login.example.com"), None)
            .unwrap_err()
            .to_string();
        assert!(
            login.contains("--login-url") && !login.contains("hunter2"),
            "{login}"
        );
        let graph = Cloud::Global
            .endpoints(Some("https://graph.example.com/v1.0?$top=1"), None, None)
            .unwrap_err()
            .to_string();
        assert!(graph.contains("query"), "{graph}");
    }
}
