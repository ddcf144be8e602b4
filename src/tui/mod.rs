//! The full-screen wizard: `appreg` (against Microsoft Graph) or `appreg --demo` (against the
//! embedded simulator). Elm-style: [`update`] turns messages into state changes and effects,
//! [`effects`] runs those off the loop and answers with messages, [`view`] draws the model.
//!
//! The loop sleeps until a key, a paste, a resize, an effect's answer or a signal arrives; it
//! ticks only while something on screen moves, so an idle wizard uses no CPU.

mod burst;
pub mod effects;
pub mod model;
pub mod msg;
mod terminal;
pub mod update;
pub mod view;

#[cfg(test)]
mod snapshots;

use crate::cli::{Cli, ConnectionArgs, SignInArgs};
use crate::clipboard::Clipboard;
use crate::cloud::Endpoints;
use crate::journal::Journal;
use crate::platform::PlatformKind;
use anyhow::Context;
use crossterm::event::{Event as TermEvent, EventStream, KeyEventKind, MouseEventKind};
use effects::{Connection, Effects};
use futures::StreamExt;
use model::{Model, PlatformPreset, Setup};
use msg::{Msg, Wheel};
use std::io::IsTerminal;
use std::time::Duration;
use time::OffsetDateTime;
use tokio::time::Instant;

pub use terminal::StopSignal;

/// How the wizard ended, for the exit code a script sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// It reached Done: the app is registered, or the check is over.
    Finished,
    /// The user quit (q, Ctrl-C) before Done.
    Quit,
    /// A signal ended it before Done.
    Signal(StopSignal),
}

impl Ending {
    /// What shells expect: 0 when finished, otherwise 128 + the signal's number, with q and
    /// Ctrl-C counted as the interrupt they stand for (130).
    pub fn exit_code(self) -> u8 {
        match self {
            Ending::Finished => 0,
            Ending::Quit => 128 + StopSignal::Interrupt.number(),
            Ending::Signal(signal) => 128 + signal.number(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    pub demo: bool,
    pub connection: ConnectionArgs,
    pub sign_in: SignInArgs,
    pub clipboard_clear_after: Duration,
}

impl Options {
    pub fn from_cli(cli: &Cli) -> Self {
        let clipboard_clear_after = Duration::from_secs(cli.clipboard_clear_secs);
        Self {
            demo: cli.demo,
            connection: cli.connection.clone(),
            sign_in: cli.sign_in.clone(),
            clipboard_clear_after,
        }
    }
}

/// The platforms whose API takes the credentials.
const PLATFORMS: [PlatformKind; 2] = [PlatformKind::Nylas, PlatformKind::Nango];

/// The embedded simulator's endpoints and platform APIs, and the simulator, which stops when
/// dropped.
#[cfg(feature = "demo")]
async fn demo(
    options: &Options,
) -> anyhow::Result<(Endpoints, Vec<PlatformPreset>, crate::sim::SimHandle)> {
    let sim = crate::sim::start(crate::sim::SimConfig::demo())
        .await
        .context("cannot start the demo simulator")?;
    let endpoints = options.connection.cloud.endpoints(
        Some(&sim.graph_url()),
        Some(&sim.login_url()),
        Some(&sim.arm_url()),
    )?;
    let presets = PLATFORMS
        .into_iter()
        .filter_map(|kind| demo_platform(&sim, kind))
        .collect();
    Ok((endpoints, presets, sim))
}

/// The simulator's API for `kind` and its key, so the demo's Connect step ends connected.
#[cfg(feature = "demo")]
fn demo_platform(sim: &crate::sim::SimHandle, kind: PlatformKind) -> Option<PlatformPreset> {
    let (url, key) = match kind {
        PlatformKind::Nylas => (sim.nylas_url(), sim.nylas_api_key()),
        PlatformKind::Nango => (sim.nango_url(), sim.nango_secret_key()),
    };
    Some(PlatformPreset {
        kind,
        url: Some(url),
        key: crate::secret::SecretString::new(key),
        source: "the demo simulator".into(),
    })
}

#[cfg(not(feature = "demo"))]
async fn demo(_: &Options) -> anyhow::Result<(Endpoints, Vec<PlatformPreset>, ())> {
    anyhow::bail!("this appreg was built without the demo: build it with the `demo` feature")
}

pub async fn run(options: Options) -> anyhow::Result<Ending> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        anyhow::bail!(
            "the wizard needs a terminal; for scripts use `appreg create` (see `appreg create --help`)"
        );
    }
    // The simulator lives as long as the wizard; dropping the handle stops it. The demo
    // never reads the user's platform keys: they would go to the simulator.
    let (endpoints, platform_presets, _simulator) = if options.demo {
        let (endpoints, presets, sim) = demo(&options).await?;
        (endpoints, presets, Some(sim))
    } else {
        let c = &options.connection;
        (
            c.cloud.endpoints(
                c.graph_url.as_deref(),
                c.login_url.as_deref(),
                c.arm_url.as_deref(),
            )?,
            PLATFORMS
                .into_iter()
                .filter_map(PlatformPreset::from_env)
                .collect(),
            None,
        )
    };
    let connection = Connection {
        auth: options.sign_in.auth_config(&endpoints),
        demo: options.demo,
        journal_dir: if options.demo {
            None
        } else {
            Journal::default_dir()
        },
        endpoints,
    };

    let mut terminal = terminal::Session::start()?;
    let size = terminal.size()?;
    let mut model = Model::new(Setup {
        demo: options.demo,
        monochrome: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        clipboard_clear_after: options.clipboard_clear_after,
        login_url: connection.endpoints.login_url.to_string(),
        now: OffsetDateTime::now_utc(),
        size: (size.width, size.height),
        platform_presets,
        publisher_verification: connection.endpoints.offers_publisher_verification(),
    });
    let (messages, mut answers) = tokio::sync::mpsc::unbounded_channel();
    let mut effects = Effects::new(
        messages,
        connection,
        Clipboard::open(),
        options.clipboard_clear_after,
    );
    let mut input = EventStream::new();
    let mut stop = terminal::stop_signal()?;
    let mut next_tick: Option<Instant> = None;
    let mut signalled = None;

    terminal.draw(&model)?;
    terminal::panic_if_testing();
    loop {
        let tick = async {
            match next_tick {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        let messages = tokio::select! {
            event = input.next() => match event {
                Some(Ok(event)) => {
                    let mut batch: Vec<Msg> = terminal_msg(event).into_iter().collect();
                    // What follows close behind: the keys of a paste the terminal typed come
                    // microseconds apart, a person's tens of milliseconds.
                    while batch.len() < burst::MOST_EVENTS {
                        match tokio::time::timeout(burst::GAP, input.next()).await {
                            Ok(Some(Ok(more))) => batch.extend(terminal_msg(more)),
                            Ok(Some(Err(error))) => {
                                return Err(error).context("cannot read the terminal");
                            }
                            // A pause, or the end, which the next poll sees again.
                            Ok(None) | Err(_) => break,
                        }
                    }
                    burst::coalesce(batch)
                }
                Some(Err(error)) => return Err(error).context("cannot read the terminal"),
                // The terminal went away, as a hang-up says.
                None => {
                    signalled = Some(StopSignal::Hangup);
                    break;
                }
            },
            Some(answer) = answers.recv() => vec![answer],
            () = tick => {
                next_tick = None;
                vec![Msg::Tick { now: OffsetDateTime::now_utc() }]
            }
            Some(signal) = stop.recv() => {
                signalled = Some(signal);
                break;
            }
        };
        if messages.is_empty() {
            continue;
        }
        for msg in messages {
            for effect in update::update(&mut model, msg) {
                effects.run(effect);
            }
            if model.quit {
                break;
            }
        }
        if model.quit {
            break;
        }
        next_tick = match (model.tick_interval(), next_tick) {
            (Some(_), Some(at)) => Some(at),
            (Some(every), None) => Some(Instant::now() + every),
            (None, _) => None,
        };
        terminal.draw(&model)?;
    }
    effects.shutdown();
    // The terminal first: what leaving still sends to Graph must not hold the screen.
    drop(terminal);
    if let Some(note) = effects.leave(model.secret_on_exit()).await {
        eprintln!("{note}");
    }
    Ok(match signalled {
        _ if model.step == model::Step::Done => Ending::Finished,
        Some(signal) => Ending::Signal(signal),
        None => Ending::Quit,
    })
}

/// Key presses (not releases or repeats reported separately), pastes, resizes and the wheel.
fn terminal_msg(event: TermEvent) -> Option<Msg> {
    match event {
        TermEvent::Key(key) if key.kind != KeyEventKind::Release => Some(Msg::Key(key)),
        TermEvent::Paste(text) => Some(Msg::Paste(text)),
        TermEvent::Resize(width, height) => Some(Msg::Resize { width, height }),
        TermEvent::Mouse(mouse) => {
            let wheel = match mouse.kind {
                MouseEventKind::ScrollUp => Wheel::Up,
                MouseEventKind::ScrollDown => Wheel::Down,
                _ => return None,
            };
            Some(Msg::Wheel {
                wheel,
                column: mouse.column,
                row: mouse.row,
            })
        }
        _ => None,
    }
}
