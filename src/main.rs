//! The `appreg` binary: parse arguments, pick a front end, run it.

use appreg::cli::{Cli, Command};
use appreg::{headless, profile};
use clap::Parser;
use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(error) = init_logging(&cli) {
        fail(&error);
        return ExitCode::from(2);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            fail(&format!("cannot start: {error}"));
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(cli))
}

async fn run(cli: Cli) -> ExitCode {
    let endpoints = || {
        cli.connection.cloud.endpoints(
            cli.connection.graph_url.as_deref(),
            cli.connection.login_url.as_deref(),
            cli.connection.arm_url.as_deref(),
        )
    };
    let result = match &cli.command {
        Some(Command::Profiles { json }) => {
            print!("{}", headless::profiles(&profile::built_in(), *json));
            Ok(())
        }
        Some(Command::Plan(args)) => {
            let now = time::OffsetDateTime::now_utc();
            headless::build_plan(
                args,
                cli.sign_in.tenant.as_deref(),
                &appreg::catalog::Catalog::offline(),
                now,
            )
            .and_then(|(_, plan, warnings)| {
                // The cloud matters to a plan only for what it does not offer.
                if plan.spec.settings.publisher_id.is_some() {
                    headless::check_cloud(&plan.spec.settings, &endpoints()?)?;
                }
                print!("{}", headless::print_plan(&plan, &warnings, args.json, now));
                Ok(())
            })
        }
        Some(Command::Create(args)) => match endpoints() {
            Ok(endpoints) => {
                headless::create(args, &endpoints, &cli.sign_in, cli.verbose > 0).await
            }
            Err(error) => Err(error.into()),
        },
        Some(Command::Doctor(args)) => match endpoints() {
            Ok(endpoints) => {
                headless::doctor(args, &endpoints, &cli.sign_in, cli.verbose > 0).await
            }
            Err(error) => Err(error.into()),
        },
        Some(Command::RotateSecret(args)) => match endpoints() {
            Ok(endpoints) => {
                headless::rotate_secret(args, &endpoints, &cli.sign_in, cli.verbose > 0).await
            }
            Err(error) => Err(error.into()),
        },
        Some(Command::Export(args)) => match endpoints() {
            Ok(endpoints) => {
                headless::export(args, &endpoints, &cli.sign_in, cli.verbose > 0).await
            }
            Err(error) => Err(error.into()),
        },
        Some(Command::Completions { shell }) => headless::completions(*shell),
        Some(Command::Man(args)) => headless::man(args),
        #[cfg(feature = "demo")]
        Some(Command::Sim(args)) => {
            return match appreg::sim::serve_cli(args.clone()).await {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    fail(&format!("{error:#}"));
                    ExitCode::FAILURE
                }
            };
        }
        None => {
            // A wrong endpoint is bad input, told before the screen is taken.
            if !cli.demo
                && let Err(error) = endpoints()
            {
                fail(&error);
                return ExitCode::from(2);
            }
            return match appreg::tui::run(appreg::tui::Options::from_cli(&cli)).await {
                Ok(ending) => ExitCode::from(ending.exit_code()),
                Err(error) => {
                    fail(&format!("{error:#}"));
                    ExitCode::FAILURE
                }
            };
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            fail(&error);
            ExitCode::from(error.exit_code())
        }
    }
}

/// The last word of a failed run. Error texts carry what servers and files said; only safe
/// characters of them reach the terminal.
fn fail(error: &dyn std::fmt::Display) {
    eprintln!("error: {}", appreg::text::lines(&error.to_string()));
}

/// Logs go to stderr, or to `--log-file`; the wizard, which owns the terminal, logs only to a
/// file. `RUST_LOG` overrides the level. Secrets never reach a log line: they live in types
/// whose `Debug` is redacted and are never passed to `tracing`.
fn init_logging(cli: &Cli) -> Result<(), String> {
    let default = match cli.verbose {
        0 => "warn",
        1 => "appreg=info",
        _ => "appreg=debug",
    };
    let filter = || {
        tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default))
    };
    let subscriber = tracing_subscriber::fmt().with_target(false);
    match &cli.log_file {
        Some(path) => {
            let file = open_log(path)
                .map_err(|e| format!("cannot open the log file {}: {e}", path.display()))?;
            let _ = subscriber
                .with_env_filter(filter())
                .with_writer(std::sync::Mutex::new(file))
                .with_ansi(false)
                .try_init();
        }
        // Lines written across the full-screen wizard would garble it.
        None if cli.command.is_none() => {}
        None => {
            let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let _ = subscriber
                .with_env_filter(filter())
                .with_writer(std::io::stderr)
                .with_ansi(colour)
                .try_init();
        }
    }
    Ok(())
}

/// Appends to the log, creating it readable by the user alone.
fn open_log(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}
