//! Runs the effects `update` asks for (sign-in, tenant list, the create run, clipboard, timers,
//! file writes) and sends their results back as messages. Network work runs in tokio tasks, so
//! the screen never waits on it; the clipboard stays on the loop's task, which owns it.

mod fleet;

use super::msg::{
    ConnectFailure, ConnectRequest, CopyTarget, Created, DeviceCode, Effect, IssuedSecret, Msg,
    RunFailure, SignInFailure, SignInOption, TenantChoice,
};
use crate::auth::{self, AuthConfig, AuthMethod, DeviceCodeEvent, TokenSource};
use crate::bounded;
use crate::clipboard::Clipboard;
use crate::cloud::Endpoints;
use crate::doctor::{self, InspectError, Inspection, Selector};
use crate::graph::GraphClient;
use crate::graph::models::Application;
use crate::graph::models::Tenant;
use crate::journal::Journal;
use crate::plan::settings::LOGO_READ_CAP;
use crate::plan::{self, Plan};
use crate::plan::{Logo, SecretLifetime};
use crate::platform::{Connected, Credentials};
use crate::progress::{Event, Operation, Reporter};
use crate::run::{
    self, ConsentStatus, MendError, Outcome, Proof, ProveError, Removal, SecretProof, SecretRequest,
};
use crate::secret::SecretString;
use crate::tui::model::SecretOnExit;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use time::OffsetDateTime;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;
use zeroize::Zeroizing;

/// How long leaving waits to remove a secret nobody saw; past it, the journal has it removed
/// by the next run.
const WITHDRAW_BUDGET: Duration = Duration::from_secs(10);

/// Where the wizard works: Graph and sign-in endpoints, and how sign-in is configured.
pub struct Connection {
    pub endpoints: Endpoints,
    pub auth: AuthConfig,
    /// The demo signs in against the simulator only: local tools (az, azd) are not offered.
    pub demo: bool,
    /// Where the resume journal lives; `None` keeps it in memory (the demo).
    pub journal_dir: Option<PathBuf>,
}

/// What a run leaves behind for a retry or for the hand-over of the secret.
#[derive(Default)]
struct RunState {
    journal: Option<Journal>,
    /// The secret now on screen until it is handed over or withdrawn.
    issued: Option<Issued>,
    /// The secret an earlier rotation sent to the platform without learning the answer: it
    /// joins the old secrets to remove once the platform holds the new one.
    adopted: Option<String>,
}

/// The secret now on screen (its value moved out), with what its messages name.
struct Issued {
    secret: run::IssuedSecret,
    tenant_id: String,
    app_id: String,
}

pub struct Effects {
    messages: UnboundedSender<Msg>,
    connection: Arc<Connection>,
    tokens: Arc<Mutex<Option<Arc<dyn TokenSource>>>>,
    run_state: Arc<tokio::sync::Mutex<RunState>>,
    sign_in: Option<JoinHandle<()>>,
    /// The background audit of the listed apps, stopped when another starts.
    app_audit: Option<JoinHandle<()>>,
    clipboard: Clipboard,
    clear_after: Duration,
    /// The secret as copied, to recognise it on the clipboard when clearing.
    copied_secret: Option<Zeroizing<String>>,
    clear_timer: Option<JoinHandle<()>>,
}

impl Effects {
    pub fn new(
        messages: UnboundedSender<Msg>,
        connection: Connection,
        clipboard: Clipboard,
        clear_after: Duration,
    ) -> Self {
        Self {
            messages,
            connection: Arc::new(connection),
            tokens: Arc::new(Mutex::new(None)),
            run_state: Arc::default(),
            sign_in: None,
            app_audit: None,
            clipboard,
            clear_after,
            copied_secret: None,
            clear_timer: None,
        }
    }

    pub fn run(&mut self, effect: Effect) {
        match effect {
            Effect::DetectSignIn => self.detect_sign_in(),
            Effect::SignIn { method } => self.start_sign_in(method),
            // Dropping the poll future ends the device code sign-in.
            Effect::CancelSignIn => stop(&mut self.sign_in),
            Effect::ListTenants => self.list_tenants(),
            Effect::RefreshCatalog { tenant, resources } => self.refresh_catalog(tenant, resources),
            Effect::Run(plan) => self.execute(*plan),
            Effect::SecretSaved => self.mark_handed_over(),
            Effect::ListApps { tenant } => self.list_apps(tenant),
            Effect::AuditApps { tenant } => self.audit_apps(tenant),
            Effect::Inspect { tenant, app_id } => self.inspect(tenant, app_id),
            Effect::Repair {
                tenant,
                inspection,
                steps,
            } => self.repair(tenant, *inspection, steps),
            Effect::Rotate {
                tenant,
                app,
                removal,
                lifetime,
            } => self.rotate(tenant, *app, removal, lifetime),
            Effect::Connect(request) => self.connect(*request),
            Effect::ReadLogo { path } => self.read_logo(path),
            Effect::RemoveOldSecrets { tenant, object_id } => {
                self.remove_old_secrets(tenant, object_id)
            }
            Effect::Copy { what, text } => self.copy(what, text),
            Effect::ClearClipboard => self.clear_clipboard(),
            Effect::WriteSummary { file_name, text } => self.write_summary(file_name, text),
            Effect::Quit => self.shutdown(),
        }
    }

    /// Takes the secret off the clipboard before leaving, if it is still there.
    pub fn shutdown(&mut self) {
        if self.copied_secret.is_some() {
            self.clear_clipboard();
        }
        stop(&mut self.sign_in);
        stop(&mut self.app_audit);
    }

    fn reporter(&self) -> Reporter {
        let (events, mut received) = tokio::sync::mpsc::unbounded_channel::<Event>();
        let messages = self.messages.clone();
        tokio::spawn(async move {
            while let Some(event) = received.recv().await {
                if messages.send(Msg::Progress(event)).is_err() {
                    break;
                }
            }
        });
        Reporter::new(events)
    }

    fn detect_sign_in(&self) {
        let connection = Arc::clone(&self.connection);
        let messages = self.messages.clone();
        tokio::spawn(async move {
            let options = if connection.demo {
                vec![SignInOption {
                    method: AuthMethod::DeviceCode,
                    label: "device code (simulated sign-in)".into(),
                }]
            } else {
                auth::detect(&connection.auth)
                    .await
                    .into_iter()
                    .map(|d| SignInOption {
                        method: d.method,
                        label: d.label,
                    })
                    .collect()
            };
            let _ = messages.send(Msg::SignInOptions(options));
        });
    }

    fn start_sign_in(&mut self, method: AuthMethod) {
        stop(&mut self.sign_in);
        let connection = Arc::clone(&self.connection);
        let messages = self.messages.clone();
        let tokens = Arc::clone(&self.tokens);
        self.sign_in = Some(tokio::spawn(async move {
            let config = AuthConfig {
                method,
                ..AuthConfig::duplicate(&connection.auth)
            };
            let prompts = messages.clone();
            let on_prompt = move |event: DeviceCodeEvent| {
                if let DeviceCodeEvent::Prompt(prompt) = event {
                    let _ = prompts.send(Msg::DeviceCode(DeviceCode {
                        user_code: prompt.user_code,
                        verification_uri: prompt.verification_uri,
                        expires_at: prompt.expires_at,
                    }));
                }
            };
            let msg = match auth::sign_in(&config, on_prompt).await {
                Ok(source) => {
                    let account = source.label();
                    if let Ok(mut slot) = tokens.lock() {
                        *slot = Some(source);
                    }
                    Msg::SignedIn { account }
                }
                Err(error) => Msg::SignInFailed(SignInFailure {
                    message: error.to_string(),
                    retryable: true,
                }),
            };
            let _ = messages.send(msg);
        }));
    }

    fn client(&self) -> Result<GraphClient, String> {
        let tokens = self
            .tokens
            .lock()
            .ok()
            .and_then(|slot| slot.clone())
            .ok_or("not signed in")?;
        GraphClient::new(self.connection.endpoints.graph_config(), tokens)
            .map_err(|e| e.to_string())
    }

    fn list_tenants(&self) {
        let client = self.client();
        let reporter = self.reporter();
        let messages = self.messages.clone();
        tokio::spawn(async move {
            let result = match client {
                Ok(client) => reachable_tenants(&client, &reporter).await,
                Err(why) => Err(why),
            };
            let _ = messages.send(Msg::Tenants(result));
        });
    }

    fn refresh_catalog(&self, tenant: String, resources: Vec<(String, String)>) {
        let Ok(client) = self.client() else { return };
        let client = client.for_tenant(Some(tenant));
        for (app_id, name) in resources {
            let client = client.clone();
            let reporter = self.reporter();
            let messages = self.messages.clone();
            tokio::spawn(async move {
                let read = client
                    .resource_service_principal(
                        &app_id,
                        &reporter.on(Operation::ReadResource(name)),
                    )
                    .await;
                // A failed read keeps the offline list; the Graph pane shows the refusal.
                if let Ok(sp) = read {
                    let _ = messages.send(Msg::TenantPermissions(Box::new(sp)));
                }
            });
        }
    }

    fn execute(&self, plan: Plan) {
        let client = self.client();
        let reporter = self.reporter();
        let messages = self.messages.clone();
        let state = Arc::clone(&self.run_state);
        let connection = Arc::clone(&self.connection);
        tokio::spawn(async move {
            let result = match client {
                Ok(client) => {
                    let client = client.for_tenant(plan.tenant.clone());
                    let mut state = state.lock().await;
                    run_plan(&client, &plan, &mut state, &connection, &reporter).await
                }
                Err(why) => Err(RunFailure::plain(why)),
            };
            let _ = messages.send(Msg::RunFinished(result));
        });
    }

    fn mark_handed_over(&self) {
        let state = Arc::clone(&self.run_state);
        tokio::spawn(async move {
            record_hand_over(&mut *state.lock().await);
        });
    }

    /// On the way out, whatever ended the wizard: a secret the user had is recorded as handed
    /// over; one they never revealed nor copied is removed from the app, so no secret nobody
    /// holds stays on it. Returns what to tell the user once the terminal is back.
    pub async fn leave(&mut self, secret: SecretOnExit) -> Option<String> {
        let mut state = self.run_state.lock().await;
        match secret {
            SecretOnExit::Saved => None,
            SecretOnExit::SeenNotConfirmed => {
                let app_id = record_hand_over(&mut state)?;
                Some(format!(
                    "You left before confirming you saved the client secret. If you did not save it, add a new one: appreg rotate-secret --app-id {app_id}"
                ))
            }
            // Sent to the platform without an answer: the platform may sign in with it now, so
            // it stays on the app and the next run treats it as handed over.
            SecretOnExit::NeverSeen if platform_may_hold(&state) => {
                let app_id = record_hand_over(&mut state)?;
                Some(format!(
                    "The platform may hold the new client secret of {app_id} (its answer never came), so it was kept on the app."
                ))
            }
            SecretOnExit::NeverSeen => {
                let Issued {
                    secret,
                    tenant_id,
                    app_id,
                } = state.issued.take()?;
                let removed = match (self.client(), state.journal.as_mut()) {
                    (Ok(client), Some(journal)) => {
                        let client = client.for_tenant(Some(tenant_id));
                        let reporter = Reporter::silent();
                        let withdraw = secret.withdraw(&client, journal, &reporter);
                        tokio::time::timeout(WITHDRAW_BUDGET, withdraw)
                            .await
                            .unwrap_or(false)
                    }
                    _ => false,
                };
                Some(if removed {
                    format!(
                        "The client secret was never revealed or copied, so it was removed from the app ({app_id}). Run appreg again for a new one: the app is reused."
                    )
                } else {
                    format!(
                        "The client secret was never revealed or copied, and removing it failed: run appreg again (it removes the secret first), or remove it in the portal under Certificates & secrets of the app {app_id}."
                    )
                })
            }
        }
    }

    /// The chosen tenant's client, or why there is none.
    fn tenant_client(&self, tenant: String) -> Result<GraphClient, RunFailure> {
        self.client()
            .map(|c| c.for_tenant(Some(tenant)))
            .map_err(RunFailure::plain)
    }

    fn list_apps(&self, tenant: String) {
        let client = self.tenant_client(tenant);
        let reporter = self.reporter();
        let messages = self.messages.clone();
        tokio::spawn(async move {
            let result = match client {
                Ok(client) => client
                    .list_applications(&reporter.on(Operation::ListApps))
                    .await
                    .map_err(|e| e.advice()),
                Err(failure) => Err(failure.message),
            };
            let _ = messages.send(Msg::Apps(result));
        });
    }

    fn audit_apps(&mut self, tenant: String) {
        stop(&mut self.app_audit);
        let client = self.tenant_client(tenant.clone()).map_err(|f| f.message);
        let audit = fleet::audit_apps(client, tenant, self.reporter(), self.messages.clone());
        self.app_audit = Some(tokio::spawn(audit));
    }

    fn inspect(&self, tenant: String, app_id: String) {
        let client = self.tenant_client(tenant);
        let reporter = self.reporter();
        let messages = self.messages.clone();
        tokio::spawn(async move {
            let result = match client {
                Ok(client) => read_app(&client, &app_id, &reporter).await,
                Err(failure) => Err(failure),
            };
            let _ = messages.send(Msg::Inspected(result));
        });
    }

    fn repair(&self, tenant: String, inspection: Inspection, steps: Vec<plan::Step>) {
        let client = self.tenant_client(tenant);
        let reporter = self.reporter();
        let messages = self.messages.clone();
        tokio::spawn(async move {
            let result = match client {
                Ok(client) => run::mend(&client, &inspection, &steps, &reporter)
                    .await
                    .map(Box::new)
                    .map_err(|error| match error {
                        MendError::Send(error) => RunFailure::of(&error),
                        MendError::Reread(error) => inspect_failure(&error),
                    }),
                Err(failure) => Err(failure),
            };
            let _ = messages.send(Msg::Repaired(result));
        });
    }

    fn rotate(&self, tenant: String, app: Application, removal: Removal, lifetime: SecretLifetime) {
        let client = self.tenant_client(tenant.clone());
        let reporter = self.reporter();
        let messages = self.messages.clone();
        let state = Arc::clone(&self.run_state);
        let connection = Arc::clone(&self.connection);
        tokio::spawn(async move {
            let result = match client {
                Ok(client) => {
                    let mut state = state.lock().await;
                    let choice = RotationChoice {
                        tenant,
                        removal,
                        lifetime,
                    };
                    rotate_secret(&client, &app, &choice, &mut state, &connection, &reporter).await
                }
                Err(failure) => Err(failure),
            };
            let _ = messages.send(Msg::Rotated(result));
        });
    }

    fn connect(&self, request: ConnectRequest) {
        let reporter = self.reporter();
        let messages = self.messages.clone();
        let state = Arc::clone(&self.run_state);
        tokio::spawn(async move {
            let mut state = state.lock().await;
            let result = give_platform(&request, &mut state, &reporter).await;
            let _ = messages.send(Msg::Connected(result));
        });
    }

    fn remove_old_secrets(&self, tenant: String, object_id: String) {
        let client = self.tenant_client(tenant);
        let reporter = self.reporter();
        let messages = self.messages.clone();
        let state = Arc::clone(&self.run_state);
        tokio::spawn(async move {
            let mut state = state.lock().await;
            let result = match (client, state.journal.as_mut()) {
                (Ok(client), Some(journal)) => {
                    run::remove_old_secrets(&client, &object_id, journal, &reporter)
                        .await
                        .map_err(|e| e.to_string())
                }
                (Err(failure), _) => Err(failure.message),
                (_, None) => Err("the rotation's journal is gone: nothing is removed".into()),
            };
            let _ = messages.send(Msg::OldSecretsRemoved(result));
        });
    }

    /// Reads the logo off the loop's task (a file may sit on a slow disk).
    fn read_logo(&self, path: String) {
        let messages = self.messages.clone();
        tokio::task::spawn_blocking(move || {
            let result = bounded::read_bytes(&home_expanded(&path), LOGO_READ_CAP)
                .map_err(|e| e.to_string())
                .and_then(|bytes| Logo::from_bytes(bytes, &path));
            let _ = messages.send(Msg::LogoRead { path, result });
        });
    }

    fn copy(&mut self, what: CopyTarget, text: SecretString) {
        let sensitive = what == CopyTarget::Secret;
        let outcome = self
            .clipboard
            .copy(text.expose(), sensitive, &mut std::io::stdout());
        let copied = !matches!(outcome, crate::clipboard::Copied::Failed(_));
        if sensitive && copied {
            self.copied_secret = Some(Zeroizing::new(text.expose().to_owned()));
            self.schedule_clear();
        }
        let _ = self.messages.send(Msg::Copied { what, outcome });
    }

    fn schedule_clear(&mut self) {
        stop(&mut self.clear_timer);
        let messages = self.messages.clone();
        let delay = self.clear_after;
        self.clear_timer = Some(tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            let _ = messages.send(Msg::ClipboardClearDue);
        }));
    }

    fn clear_clipboard(&mut self) {
        if let Some(secret) = self.copied_secret.take() {
            let cleared = self
                .clipboard
                .clear_if_unchanged(&secret, &mut std::io::stdout());
            let _ = self.messages.send(Msg::ClipboardCleared(cleared));
        }
    }

    fn write_summary(&self, file_name: String, text: String) {
        let messages = self.messages.clone();
        tokio::spawn(async move {
            let path = std::env::current_dir()
                .map(|dir| dir.join(&file_name))
                .unwrap_or_else(|_| file_name.into());
            let result = tokio::fs::write(&path, text)
                .await
                .map(|()| path)
                .map_err(|e| e.to_string());
            let _ = messages.send(Msg::SummaryWritten(result));
        });
    }
}

/// Ends a background task, if one runs.
fn stop(task: &mut Option<JoinHandle<()>>) {
    if let Some(task) = task.take() {
        task.abort();
    }
}

async fn reachable_tenants(
    client: &GraphClient,
    reporter: &Reporter,
) -> Result<Vec<TenantChoice>, String> {
    let reading_tenant = reporter.on(Operation::ReadTenant);
    let (home, tenants) = tokio::join!(
        client.organization(&reading_tenant),
        crate::tenant::reachable(client, reporter)
    );
    let home = match home {
        Ok(org) => Some(org.id),
        Err(_) => None,
    };
    let tenants = tenants.map_err(|error| error.advice())?;
    let switchable = client.tokens().can_switch_tenant();
    Ok(tenants
        .into_iter()
        .map(|t| tenant_choice(t, home.as_deref()))
        // A source that cannot switch tenant serves only the one it signed in to.
        .filter(|t| switchable || t.current || home.is_none())
        .collect())
}

fn tenant_choice(tenant: Tenant, home: Option<&str>) -> TenantChoice {
    TenantChoice {
        current: home == Some(tenant.tenant_id.as_str()),
        name: tenant
            .display_name
            .unwrap_or_else(|| tenant.tenant_id.clone()),
        default_domain: tenant
            .default_domain
            .or_else(|| tenant.domains.first().cloned())
            .unwrap_or_default(),
        category: tenant.tenant_category.unwrap_or_default(),
        id: tenant.tenant_id,
    }
}

/// `~/logo.png` as a shell would read it; other paths as typed.
fn home_expanded(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(path),
    }
}

/// Records that the user has the secret on screen; returns its app's client id.
fn record_hand_over(state: &mut RunState) -> Option<String> {
    let (Some(journal), Some(issued)) = (state.journal.as_mut(), state.issued.take()) else {
        return None;
    };
    if let Err(error) = issued.secret.handed_over(journal) {
        tracing::warn!(%error, "cannot record the secret hand-over");
    }
    Some(issued.app_id)
}

async fn run_plan(
    client: &GraphClient,
    plan: &Plan,
    state: &mut RunState,
    connection: &Connection,
    reporter: &Reporter,
) -> Result<Box<Created>, RunFailure> {
    let journal = match &mut state.journal {
        Some(journal) => journal,
        slot => slot.insert(
            run::plan_journal(connection.journal_dir.as_deref(), plan)
                .map_err(|e| RunFailure::plain(e.to_string()))?,
        ),
    };
    let now = OffsetDateTime::now_utc();
    match run::execute(client, plan, journal, reporter, now).await {
        Ok(mut outcome) => {
            let proof = prove_secret(
                connection,
                &outcome.tenant_id,
                &outcome.app_id,
                &outcome.secret.value,
                reporter,
            )
            .await;
            let created = Created {
                tenant_id: outcome.tenant_id.clone(),
                object_id: outcome.object_id.clone(),
                app_id: outcome.app_id.clone(),
                display_name: outcome.display_name.clone(),
                consent: consent_words(&outcome),
                secret: to_screen(&mut outcome.secret),
                proof,
                settings: std::mem::take(&mut outcome.settings),
                adopted: None,
            };
            state.issued = Some(Issued {
                secret: outcome.secret,
                tenant_id: outcome.tenant_id,
                app_id: outcome.app_id,
            });
            Ok(Box::new(created))
        }
        Err(error) => Err(RunFailure::of(&error)),
    }
}

async fn read_app(
    client: &GraphClient,
    app_id: &str,
    reporter: &Reporter,
) -> Result<Box<Inspection>, RunFailure> {
    doctor::inspect(client, &Selector::AppId(app_id.to_string()), reporter)
        .await
        .map(Box::new)
        .map_err(|error| inspect_failure(&error))
}

fn inspect_failure(error: &InspectError) -> RunFailure {
    RunFailure {
        message: error.to_string(),
        code: None,
        request_id: error.request_id().map(str::to_string),
    }
}

/// The rotation the user chose on the New secret step.
struct RotationChoice {
    tenant: String,
    removal: Removal,
    lifetime: SecretLifetime,
}

async fn rotate_secret(
    client: &GraphClient,
    app: &Application,
    choice: &RotationChoice,
    state: &mut RunState,
    connection: &Connection,
    reporter: &Reporter,
) -> Result<Box<Created>, RunFailure> {
    // A journal left by another app's rotation (the user went back and chose again) is not this one's.
    if state
        .journal
        .as_ref()
        .is_some_and(|j| j.entry().app_id.as_deref() != Some(app.app_id.as_str()))
    {
        state.journal = None;
        state.adopted = None;
    }
    let journal = match &mut state.journal {
        Some(journal) => journal,
        slot => slot.insert(
            run::rotation_journal(
                connection.journal_dir.as_deref(),
                Some(&choice.tenant),
                &app.app_id,
            )
            .map_err(|e| RunFailure::plain(e.to_string()))?,
        ),
    };
    // A secret an earlier run may have left with the platform is never taken off first.
    if let Some(key_id) =
        run::adopt_unconfirmed(journal).map_err(|e| RunFailure::plain(e.to_string()))?
    {
        state.adopted = Some(key_id);
    }
    let now = OffsetDateTime::now_utc();
    let request = SecretRequest {
        description: "appreg".into(),
        end: choice.lifetime.end(now),
    };
    let plan = run::plan_rotation(app, &choice.removal, request, &journal.entry().secret, now)
        .map_err(|e| RunFailure::plain(e.to_string()))?;
    // The old secrets the user chose stay until the new one is handed over
    // (`Effect::RemoveOldSecrets`): nothing signing in with them breaks meanwhile.
    let mut rotation = run::rotate(client, &plan, journal, reporter)
        .await
        .map_err(|e| RunFailure::of(&e))?;
    let proof = prove_secret(
        connection,
        &choice.tenant,
        &rotation.app_id,
        &rotation.secret.value,
        reporter,
    )
    .await;
    let created = Created {
        tenant_id: choice.tenant.clone(),
        object_id: rotation.object_id.clone(),
        app_id: rotation.app_id.clone(),
        display_name: rotation.display_name.clone(),
        consent: String::new(),
        secret: to_screen(&mut rotation.secret),
        proof,
        settings: Vec::new(),
        adopted: state.adopted.clone(),
    };
    state.issued = Some(Issued {
        secret: rotation.secret,
        tenant_id: choice.tenant.clone(),
        app_id: rotation.app_id,
    });
    Ok(Box::new(created))
}

/// Signs the app in with its new secret, waiting out replication, before it is handed over.
async fn prove_secret(
    connection: &Connection,
    tenant_id: &str,
    app_id: &str,
    secret: &SecretString,
    reporter: &Reporter,
) -> Result<Proof, ProveError> {
    let endpoints = connection.endpoints.auth();
    let proof = SecretProof {
        endpoints: &endpoints,
        tenant_id,
        app_id,
        secret,
        patience: run::DEFAULT_PATIENCE,
    };
    run::prove(&proof, reporter).await
}

/// Gives the platform the secret on screen; once it holds it, the hand-over is recorded, so a
/// re-run does not remove the secret the platform signs in with, and a secret an earlier run
/// may have left there joins the old ones to remove.
async fn give_platform(
    request: &ConnectRequest,
    state: &mut RunState,
    reporter: &Reporter,
) -> Result<Box<Connected>, ConnectFailure> {
    let (Some(journal), Some(issued)) = (state.journal.as_mut(), state.issued.as_ref()) else {
        return Err(ConnectFailure::plain(
            "the new secret was already handed over or withdrawn",
        ));
    };
    let credentials = Credentials {
        client_id: &request.client_id,
        secret: &request.secret,
        single_tenant: request.single_tenant.as_deref(),
        scopes: request.scopes.clone(),
        keep_scopes: request.keep_scopes,
        display_name: &request.display_name,
        replace: request.replace,
    };
    let connected = run::connect_platform(
        &request.target,
        &credentials,
        &issued.secret.key_id,
        journal,
        reporter,
    )
    .await
    .map_err(|e| ConnectFailure::of(&e))?;
    if let Some(key_id) = state.adopted.take()
        && let Err(error) = journal.record(|e| e.remove_after.push(key_id))
    {
        // It stays on the app: a secret kept is safe, one removed too early is not.
        tracing::warn!(%error, "cannot record the earlier secret for removal");
    }
    record_hand_over(state);
    Ok(Box::new(connected))
}

/// Moves the secret's value out to the screen; what stays behind (ids, to mark the hand-over)
/// no longer holds it.
fn to_screen(issued: &mut run::IssuedSecret) -> IssuedSecret {
    IssuedSecret {
        value: std::mem::replace(&mut issued.value, SecretString::new(String::new())),
        hint: issued.hint.clone().unwrap_or_default(),
        end_date_time: issued.end_date_time.clone(),
    }
}

fn consent_words(outcome: &Outcome) -> String {
    if outcome.consent.is_empty() {
        return "not requested: each user consents at first sign-in".into();
    }
    outcome
        .consent
        .iter()
        .map(|c| match &c.status {
            ConsentStatus::Granted => format!("{}: granted", c.resource),
            ConsentStatus::Skipped(why) => format!("{}: skipped ({why})", c.resource),
            ConsentStatus::Failed(why) => format!("{}: failed ({why})", c.resource),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Whether the secret was sent to the platform and no answer said it was refused.
fn platform_may_hold(state: &RunState) -> bool {
    let (Some(journal), Some(issued)) = (state.journal.as_ref(), state.issued.as_ref()) else {
        return false;
    };
    matches!(
        &journal.entry().platform,
        crate::journal::PlatformState::Sending { key_id, .. } if *key_id == issued.secret.key_id
    )
}
