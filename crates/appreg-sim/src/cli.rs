//! Running the simulator as its own process (`appreg sim …`): for manual
//! testing, other languages' tests, and scripted demos.

use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use axum::http::Method;

use super::{Fault, FaultKind, Latency, SimConfig, start};

/// Options of the standalone simulator.
#[derive(Debug, Clone, clap::Args)]
pub struct SimArgs {
    /// Address to listen on (port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,
    /// Delay every answer by this many milliseconds (the minimum with --latency-max-ms).
    #[arg(long, value_name = "MS")]
    pub latency_ms: Option<u64>,
    /// Draw each delay at random between --latency-ms and this.
    #[arg(long, value_name = "MS")]
    pub latency_max_ms: Option<u64>,
    /// How long new apps and service principals stay invisible (replication lag).
    #[arg(long, value_name = "MS")]
    pub replication_ms: Option<u64>,
    /// How long a new client secret is refused by the client credentials grant (AADSTS7000215).
    #[arg(long, value_name = "MS")]
    pub secret_replication_ms: Option<u64>,
    /// Answer 429 (Retry-After: 1) to requests whose path contains PATH, N times (default 1).
    /// PATH may start with a method: "POST /applications:2".
    #[arg(long, value_name = "[METHOD ]PATH[:N]")]
    pub throttle: Vec<String>,
    /// Answer 500 to matching requests.
    #[arg(long = "fail-5xx", value_name = "[METHOD ]PATH[:N]")]
    pub fail_5xx: Vec<String>,
    /// Process matching requests, then drop the connection without answering.
    #[arg(long, value_name = "[METHOD ]PATH[:N]")]
    pub drop_after_commit: Vec<String>,
    /// Drop matching connections before processing the request.
    #[arg(long, value_name = "[METHOD ]PATH[:N]")]
    pub drop_before_commit: Vec<String>,
    /// Answer 401 to matching requests, in the shape of the service addressed (an expired
    /// token for Graph, a bad key for Nylas and Nango).
    #[arg(long, value_name = "[METHOD ]PATH[:N]")]
    pub unauthorized: Vec<String>,
    /// The API key the simulated Nylas application accepts.
    #[arg(long, value_name = "KEY")]
    pub nylas_api_key: Option<String>,
    /// The secret key the simulated Nango environment accepts.
    #[arg(long, value_name = "KEY")]
    pub nango_secret_key: Option<String>,
    /// The tenant's policy caps client-secret lifetime at N months (30-day months).
    #[arg(long, value_name = "N")]
    pub secret_cap_months: Option<u32>,
    /// The user may not register applications (403 on create).
    #[arg(long)]
    pub no_app_create: bool,
    /// The user may not grant admin consent (403 on permission grants).
    #[arg(long)]
    pub no_admin: bool,
    /// Demo pacing: 80–250 ms per call and 2 s replication lag (other options override).
    #[arg(long)]
    pub demo: bool,
    /// Token polls answered `authorization_pending` before the user approves.
    #[arg(long, value_name = "N")]
    pub polls_before_approval: Option<u32>,
    /// Device-code polling interval in seconds (0: never answer slow_down).
    #[arg(long, value_name = "SECS")]
    pub poll_interval_secs: Option<u64>,
    /// Seed for ids, secrets and latency.
    #[arg(long, value_name = "N")]
    pub rng_seed: Option<u64>,
    /// Add N generated app registrations to the demo tenant (healthy ones, ones broken in
    /// each way `doctor` knows, secrets expired or expiring), for scale tests.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub seed_apps: usize,
}

impl SimArgs {
    pub fn to_config(&self) -> anyhow::Result<SimConfig> {
        let mut config = if self.demo {
            SimConfig::demo()
        } else {
            SimConfig::default()
        };
        // The standalone simulator serves demos and manual tests: give it apps to support.
        config.seed = super::Seed::with_support_apps();
        config.listen = self.listen;
        config.seed_apps = self.seed_apps;
        if let Some(min) = self.latency_ms {
            let max = self.latency_max_ms.unwrap_or(min);
            config.latency = Latency::range(Duration::from_millis(min), Duration::from_millis(max));
        }
        if let Some(ms) = self.replication_ms {
            config.replication_delay = Duration::from_millis(ms);
        }
        if let Some(ms) = self.secret_replication_ms {
            config.secret_replication_delay = Duration::from_millis(ms);
        }
        if let Some(key) = &self.nylas_api_key {
            config.nylas_api_key.clone_from(key);
        }
        if let Some(key) = &self.nango_secret_key {
            config.nango_secret_key.clone_from(key);
        }
        let groups: [(&[String], FaultKind); 5] = [
            (
                &self.throttle,
                FaultKind::Throttle {
                    retry_after_secs: 1,
                },
            ),
            (&self.fail_5xx, FaultKind::ServerError),
            (&self.drop_after_commit, FaultKind::DropAfterCommit),
            (&self.drop_before_commit, FaultKind::DropBeforeCommit),
            (&self.unauthorized, FaultKind::ExpiredToken),
        ];
        for (specs, kind) in groups {
            for spec in specs {
                config.faults.push(parse_fault(spec, kind)?);
            }
        }
        config.secret_lifetime_cap_months = self.secret_cap_months;
        config.can_create_apps = !self.no_app_create;
        config.admin = !self.no_admin;
        if let Some(n) = self.polls_before_approval {
            config.polls_before_approval = n;
        }
        if let Some(secs) = self.poll_interval_secs {
            config.poll_interval_secs = secs;
        }
        if let Some(seed) = self.rng_seed {
            config.rng_seed = seed;
        }
        Ok(config)
    }
}

/// `[METHOD ]PATH[:N]`, e.g. `POST /applications:2` or `/servicePrincipals`.
fn parse_fault(spec: &str, kind: FaultKind) -> anyhow::Result<Fault> {
    let (method, rest) = match spec.split_once(' ') {
        Some((method, rest)) => {
            let method = Method::from_bytes(method.to_ascii_uppercase().as_bytes())
                .with_context(|| format!("bad method in fault '{spec}'"))?;
            (Some(method), rest.trim())
        }
        None => (None, spec.trim()),
    };
    let (path, times) = match rest.rsplit_once(':') {
        Some((path, n)) if n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty() => (
            path,
            n.parse()
                .with_context(|| format!("bad count in fault '{spec}'"))?,
        ),
        _ => (rest, 1),
    };
    anyhow::ensure!(!path.is_empty(), "empty path in fault '{spec}'");
    Ok(Fault {
        method,
        path_contains: path.to_owned(),
        kind,
        times,
    })
}

/// Start the simulator, print one JSON line with its URLs on stdout, and serve
/// until Ctrl-C or SIGTERM. The line holds the simulator's own Nylas and Nango keys: they are
/// fixtures, and printing them is how a user of `appreg sim` learns them.
pub async fn serve_cli(args: SimArgs) -> anyhow::Result<()> {
    let sim = start(args.to_config()?)
        .await
        .context("starting the simulator")?;
    let line = serde_json::json!({
        "graph_url": sim.graph_url(),
        "login_url": sim.login_url(),
        "arm_url": sim.arm_url(),
        "nylas_url": sim.nylas_url(),
        "nango_url": sim.nango_url(),
        "nylas_api_key": sim.nylas_api_key(),
        "nango_secret_key": sim.nango_secret_key(),
        "tenant_id": sim.demo_tenant_id(),
    });
    {
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{line}").context("writing the simulator's address")?;
        stdout.flush().context("writing the simulator's address")?;
    }
    wait_for_stop().await?;
    sim.shutdown().await;
    Ok(())
}

#[cfg(unix)]
async fn wait_for_stop() -> anyhow::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).context("listening for SIGTERM")?;
    tokio::select! {
        result = tokio::signal::ctrl_c() => result.context("listening for Ctrl-C"),
        _ = term.recv() => Ok(()),
    }
}

#[cfg(not(unix))]
async fn wait_for_stop() -> anyhow::Result<()> {
    tokio::signal::ctrl_c()
        .await
        .context("listening for Ctrl-C")
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Wrapper {
        #[command(flatten)]
        sim: SimArgs,
    }

    #[test]
    fn arguments_become_a_config() {
        let args = Wrapper::try_parse_from([
            "sim",
            "--latency-ms",
            "5",
            "--latency-max-ms",
            "9",
            "--throttle",
            "POST /applications:2",
            "--drop-after-commit",
            "/servicePrincipals",
            "--secret-cap-months",
            "6",
            "--no-admin",
            "--secret-replication-ms",
            "300",
            "--unauthorized",
            "GET /nylas/v3/connectors:2",
            "--nylas-api-key",
            "nyk_cli",
            "--nango-secret-key",
            "nango_cli",
        ])
        .expect("valid arguments")
        .sim;
        let config = args.to_config().expect("config");
        assert_eq!(
            config.latency,
            Latency::range(Duration::from_millis(5), Duration::from_millis(9))
        );
        assert_eq!(
            config.faults,
            vec![
                Fault::new(
                    FaultKind::Throttle {
                        retry_after_secs: 1
                    },
                    "/applications"
                )
                .method(Method::POST)
                .times(2),
                Fault::new(FaultKind::DropAfterCommit, "/servicePrincipals"),
                Fault::new(FaultKind::ExpiredToken, "/nylas/v3/connectors")
                    .method(Method::GET)
                    .times(2),
            ]
        );
        assert_eq!(config.secret_replication_delay, Duration::from_millis(300));
        assert_eq!(
            (
                config.nylas_api_key.as_str(),
                config.nango_secret_key.as_str()
            ),
            ("nyk_cli", "nango_cli")
        );
        assert_eq!(config.secret_lifetime_cap_months, Some(6));
        assert!(!config.admin && config.can_create_apps);
        let defaults = Wrapper::try_parse_from(["sim", "--demo"])
            .expect("valid arguments")
            .sim
            .to_config()
            .expect("config");
        assert_eq!(
            defaults.secret_replication_delay,
            Duration::from_millis(1500)
        );
        assert_eq!(defaults.nylas_api_key, SimConfig::default().nylas_api_key);
        assert!(parse_fault(" /x", FaultKind::ServerError).is_err());
        assert!(parse_fault(":3", FaultKind::ServerError).is_err());
    }
}
