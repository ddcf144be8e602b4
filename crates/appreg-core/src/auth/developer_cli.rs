//! `--auth azure-cli` and `--auth azd`: tokens from the Azure CLI or the Azure Developer CLI,
//! through `azure_identity`, which runs `az account get-access-token` / `azd auth token`.

use super::cache::{Cached, Fetch};
use super::error::AuthError;
use super::identity::{TimedExecutor, convert, describe, io_kind, run_tool};
use super::{AccessToken, AuthConfig, Endpoints, TokenResource};
use async_trait::async_trait;
use azure_core::credentials::TokenCredential;
use azure_identity::{
    AzureCliCredential, AzureCliCredentialOptions, AzureDeveloperCliCredential,
    AzureDeveloperCliCredentialOptions, Executor,
};
use serde::Deserialize;
use std::io;
use std::sync::Arc;
use std::time::Duration;

/// `az account show` only reads local files, but Python takes its time to start.
const CHECK_TIMEOUT: Duration = Duration::from_secs(15);
/// Getting a token may redeem a refresh token over the network.
const TOKEN_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tool {
    AzureCli,
    Azd,
}

impl Tool {
    fn name(self) -> &'static str {
        match self {
            Tool::AzureCli => "the Azure CLI",
            Tool::Azd => "the Azure Developer CLI",
        }
    }

    fn token_command(self) -> &'static str {
        match self {
            Tool::AzureCli => "az account get-access-token",
            Tool::Azd => "azd auth token",
        }
    }

    fn login(self, tenant: Option<&str>) -> String {
        match (self, tenant) {
            (Tool::AzureCli, None) => "az login".to_owned(),
            (Tool::AzureCli, Some(t)) => format!("az login --tenant {t}"),
            (Tool::Azd, None) => "azd auth login".to_owned(),
            (Tool::Azd, Some(t)) => format!("azd auth login --tenant-id {t}"),
        }
    }

    /// Whether the tool is installed and signed in, cheaply and without a token: `Ok` with
    /// the signed-in user when the tool names one. `tenant` only shapes the login hint.
    pub async fn check(self, tenant: Option<&str>) -> Result<Option<String>, AuthError> {
        let (program, args): (&str, &[&str]) = match self {
            Tool::AzureCli => ("az", &["account", "show", "--output", "json"]),
            Tool::Azd => (
                "azd",
                &["auth", "login", "--check-status", "--output", "json"],
            ),
        };
        let output = run_tool(program, args, CHECK_TIMEOUT)
            .await
            .map_err(|e| match e.kind() {
                io::ErrorKind::NotFound => AuthError::ToolMissing { tool: self.name() },
                io::ErrorKind::TimedOut => AuthError::ToolTimedOut {
                    tool: self.name(),
                    command: self.token_command(),
                    seconds: CHECK_TIMEOUT.as_secs(),
                },
                _ => AuthError::ToolFailed {
                    tool: self.name(),
                    detail: e.to_string(),
                },
            })?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        match self {
            Tool::AzureCli if output.status.success() => Ok(account_user(&stdout)),
            Tool::AzureCli => Err(self.failure(&stderr, output.status.code(), tenant)),
            Tool::Azd => match azd_status(&stdout) {
                Some(true) => Ok(None),
                Some(false) => Err(AuthError::NotSignedIn {
                    tool: self.name(),
                    login: self.login(tenant),
                }),
                None => Err(self.failure(&stderr, output.status.code(), tenant)),
            },
        }
    }

    /// Sorts a failed run by its stderr and exit code into the errors users can act on.
    fn failure(self, stderr: &str, code: Option<i32>, tenant: Option<&str>) -> AuthError {
        let lower = stderr.to_ascii_lowercase();
        if code == Some(127)
            || lower.contains("not found on path")
            || lower.contains("wasn't found on path")
            || lower.contains("is not recognized")
        {
            return AuthError::ToolMissing { tool: self.name() };
        }
        let signed_out = match self {
            Tool::AzureCli => lower.contains("az login"),
            Tool::Azd => lower.contains("azd auth login") || lower.contains("not logged in"),
        };
        if signed_out {
            return AuthError::NotSignedIn {
                tool: self.name(),
                login: self.login(tenant),
            };
        }
        AuthError::ToolFailed {
            tool: self.name(),
            detail: stderr.trim().to_owned(),
        }
    }

    fn credential(
        self,
        tenant: Option<&str>,
        executor: Arc<dyn Executor>,
    ) -> azure_core::Result<Arc<dyn TokenCredential>> {
        let tenant_id = tenant.map(str::to_owned);
        Ok(match self {
            Tool::AzureCli => AzureCliCredential::new(Some(AzureCliCredentialOptions {
                tenant_id,
                executor: Some(executor),
                ..Default::default()
            }))?,
            Tool::Azd => {
                AzureDeveloperCliCredential::new(Some(AzureDeveloperCliCredentialOptions {
                    tenant_id,
                    executor: Some(executor),
                }))?
            }
        })
    }
}

/// `az account show` → `user.name`.
fn account_user(stdout: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct Account {
        user: Option<User>,
    }
    #[derive(Deserialize)]
    struct User {
        name: Option<String>,
    }
    let account: Account = serde_json::from_str(stdout).ok()?;
    account.user?.name.filter(|n| !n.is_empty())
}

/// `azd auth login --check-status --output json` → `{"status":"success"|"unauthenticated",…}`:
/// whether it says signed in, or `None` when it says nothing readable.
fn azd_status(stdout: &str) -> Option<bool> {
    #[derive(Deserialize)]
    struct Status {
        status: String,
    }
    serde_json::from_str::<Status>(stdout)
        .ok()
        .map(|s| s.status == "success")
}

/// Tokens from `az` or `azd`. They spawn a process per token, so tokens are cached per
/// (resource, tenant) and a process runs only when the cached one is about to expire.
pub type DeveloperCliSource = Cached<DeveloperCli>;

/// Runs `az` or `azd` for a token.
#[derive(Debug)]
pub struct DeveloperCli {
    tool: Tool,
    user: Option<String>,
    home_tenant: Option<String>,
    endpoints: Endpoints,
    executor: Arc<dyn Executor>,
}

impl DeveloperCli {
    /// `user` comes from [`Tool::check`], which the caller has run.
    pub(crate) fn new(tool: Tool, config: &AuthConfig, user: Option<String>) -> Self {
        Self::with_executor(
            tool,
            config,
            user,
            Arc::new(TimedExecutor {
                timeout: TOKEN_TIMEOUT,
            }),
        )
    }

    fn with_executor(
        tool: Tool,
        config: &AuthConfig,
        user: Option<String>,
        executor: Arc<dyn Executor>,
    ) -> Self {
        Self {
            tool,
            user,
            home_tenant: config.tenant.clone(),
            endpoints: config.endpoints.clone(),
            executor,
        }
    }
}

#[async_trait]
impl Fetch for DeveloperCli {
    async fn fetch(
        &self,
        resource: TokenResource,
        tenant: Option<&str>,
    ) -> Result<AccessToken, AuthError> {
        let tenant = tenant.or(self.home_tenant.as_deref());
        let scope = self.endpoints.scope(resource);
        let credential = self
            .tool
            .credential(tenant, self.executor.clone())
            .map_err(|e| AuthError::InvalidConfig {
                detail: describe(&e),
            })?;
        match credential.get_token(&[scope], None).await {
            Ok(token) => Ok(convert(&token)),
            Err(e) => Err(match io_kind(&e) {
                Some(io::ErrorKind::TimedOut) => AuthError::ToolTimedOut {
                    tool: self.tool.name(),
                    command: self.tool.token_command(),
                    seconds: TOKEN_TIMEOUT.as_secs(),
                },
                Some(io::ErrorKind::NotFound) => AuthError::ToolMissing {
                    tool: self.tool.name(),
                },
                _ => self.tool.failure(&describe(&e), None, tenant),
            }),
        }
    }

    fn label(&self) -> String {
        let name = match self.tool {
            Tool::AzureCli => "Azure CLI",
            Tool::Azd => "Azure Developer CLI",
        };
        match &self.user {
            Some(user) => format!("{name} ({user})"),
            None => name.to_owned(),
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::auth::{AuthMethod, Endpoints, TokenSource};
    use std::ffi::OsStr;
    use std::os::unix::process::ExitStatusExt;
    use std::process::{ExitStatus, Output};
    use std::sync::Mutex;

    /// Stands in for the shell: records each command line, answers with canned output.
    struct FakeShell {
        commands: Mutex<Vec<String>>,
        exit: i32,
        stdout: String,
        stderr: String,
    }

    /// Its canned output holds a token, which must not count against the source's `Debug`.
    impl std::fmt::Debug for FakeShell {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("FakeShell")
        }
    }

    #[async_trait]
    impl Executor for FakeShell {
        async fn run(&self, _program: &OsStr, args: &[&OsStr]) -> io::Result<Output> {
            let line = args
                .iter()
                .map(|a| a.to_string_lossy())
                .collect::<Vec<_>>()
                .join(" ");
            self.commands.lock().unwrap().push(line);
            Ok(Output {
                status: ExitStatus::from_raw(self.exit << 8),
                stdout: self.stdout.clone().into_bytes(),
                stderr: self.stderr.clone().into_bytes(),
            })
        }
    }

    fn fake_source(
        tool: Tool,
        exit: i32,
        stdout: &str,
        stderr: &str,
    ) -> (DeveloperCliSource, Arc<FakeShell>) {
        let shell = Arc::new(FakeShell {
            commands: Mutex::default(),
            exit,
            stdout: stdout.to_owned(),
            stderr: stderr.to_owned(),
        });
        let config = AuthConfig::new(AuthMethod::AzureCli, Endpoints::public_cloud());
        let source = DeveloperCli::with_executor(
            tool,
            &config,
            Some("adele@contoso.com".into()),
            shell.clone(),
        );
        (Cached::wrapping(source), shell)
    }

    const AZ_TOKEN: &str = r#"{"accessToken":"az-token-text","expires_on":4102444800,"tenant":"t","tokenType":"Bearer"}"#;

    #[tokio::test]
    async fn az_tokens_are_cached_per_resource_and_tenant() {
        let (source, shell) = fake_source(Tool::AzureCli, 0, AZ_TOKEN, "");
        for _ in 0..3 {
            let token = source.token(TokenResource::Graph, None).await.unwrap();
            assert_eq!(token.token.expose(), "az-token-text");
            assert_eq!(token.expires_at.unix_timestamp(), 4_102_444_800);
        }
        source.token(TokenResource::Arm, None).await.unwrap();
        source
            .token(TokenResource::Graph, Some("fabrikam.com"))
            .await
            .unwrap();
        source
            .token(TokenResource::Graph, Some("fabrikam.com"))
            .await
            .unwrap();

        let commands = shell.commands.lock().unwrap().clone();
        assert_eq!(commands.len(), 3, "{commands:?}");
        assert!(commands[0].contains("--scope https://graph.microsoft.com/.default"));
        assert!(!commands[0].contains("--tenant"));
        assert!(commands[1].contains("--scope https://management.azure.com/.default"));
        assert!(commands[2].contains("--tenant fabrikam.com"));
        assert_eq!(source.label(), "Azure CLI (adele@contoso.com)");
        assert!(source.can_switch_tenant());
        assert!(!format!("{source:?}").contains("az-token-text"));
    }

    #[tokio::test]
    async fn az_signed_out_says_run_az_login() {
        let (source, _) = fake_source(
            Tool::AzureCli,
            1,
            "",
            "ERROR: Please run 'az login' to setup account.",
        );
        let err = source
            .token(TokenResource::Graph, Some("contoso.com"))
            .await
            .unwrap_err();
        assert!(matches!(err, AuthError::NotSignedIn { .. }), "{err:?}");
        assert!(
            err.to_string()
                .contains("run `az login --tenant contoso.com`"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn a_missing_tool_and_other_failures_are_told_apart() {
        let (source, _) = fake_source(Tool::AzureCli, 127, "", "/bin/sh: 1: az: not found");
        let err = source.token(TokenResource::Graph, None).await.unwrap_err();
        assert!(matches!(err, AuthError::ToolMissing { .. }), "{err:?}");

        let (source, _) = fake_source(
            Tool::AzureCli,
            1,
            "",
            "ERROR: AADSTS700082: The refresh token has expired.",
        );
        let err = source.token(TokenResource::Graph, None).await.unwrap_err();
        assert!(err.to_string().contains("AADSTS700082"), "{err}");
    }

    #[tokio::test]
    async fn azd_tokens_and_sign_out() {
        let azd = r#"{"token":"azd-token","expiresOn":"2100-01-01T00:00:00Z"}"#;
        let (source, shell) = fake_source(Tool::Azd, 0, azd, "");
        let token = source.token(TokenResource::Arm, Some("t1")).await.unwrap();
        assert_eq!(token.token.expose(), "azd-token");
        assert!(shell.commands.lock().unwrap()[0].contains("azd auth token -o json --no-prompt --scope https://management.azure.com/.default --tenant-id t1"));

        let (source, _) = fake_source(
            Tool::Azd,
            1,
            "",
            "ERROR: not logged in, run `azd auth login` to login",
        );
        let err = source.token(TokenResource::Graph, None).await.unwrap_err();
        assert!(err.to_string().contains("run `azd auth login`"), "{err}");
    }

    #[test]
    fn check_output_parsing() {
        assert_eq!(
            account_user(r#"{"user":{"name":"adele@contoso.com","type":"user"},"tenantId":"t"}"#)
                .as_deref(),
            Some("adele@contoso.com")
        );
        assert_eq!(account_user("not json"), None);
        let success =
            r#"{"type":"loginResult","status":"success","expiresOn":"2100-01-01T00:00:00Z"}"#;
        assert_eq!(azd_status(success), Some(true));
        assert_eq!(
            azd_status(r#"{"type":"loginResult","status":"unauthenticated"}"#),
            Some(false)
        );
        assert_eq!(azd_status(""), None);
    }
}
