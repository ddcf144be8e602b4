//! Owning the terminal: raw mode, the alternate screen, bracketed paste and the mouse on the way in, and
//! all of it undone on the way out, whether by return, error, panic, Ctrl-C or SIGTERM.
//! (`ratatui::restore()` leaves bracketed paste and mouse capture on, so this does it all.)

use super::model::Model;
use super::view;
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Size;
use std::io::{BufWriter, Stdout, stdout};
use std::sync::Once;

/// Room for a full 200×60 frame with its colour changes.
const FRAME_BUFFER_BYTES: usize = 64 * 1024;

pub struct Session {
    /// Buffered so a frame leaves in one write: stdout alone flushes at every line break.
    terminal: Terminal<CrosstermBackend<BufWriter<Stdout>>>,
}

impl Session {
    pub fn start() -> std::io::Result<Self> {
        install_panic_hook();
        enable_raw_mode()?;
        let entered = execute!(
            stdout(),
            EnterAlternateScreen,
            EnableBracketedPaste,
            // For the wheel over scrollable panes; Shift and drag still selects text.
            EnableMouseCapture
        )
        .and_then(|()| {
            let out = BufWriter::with_capacity(FRAME_BUFFER_BYTES, stdout());
            Terminal::new(CrosstermBackend::new(out))
        });
        match entered {
            Ok(terminal) => Ok(Self { terminal }),
            Err(error) => {
                restore();
                Err(error)
            }
        }
    }

    pub fn size(&self) -> std::io::Result<Size> {
        self.terminal.size()
    }

    pub fn draw(&mut self, model: &Model) -> std::io::Result<()> {
        self.terminal
            .draw(|frame| view::draw(frame, model))
            .map(|_| ())
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        restore();
    }
}

/// Puts the terminal back as the shell expects it. Safe to call more than once.
pub fn restore() {
    // Each step is attempted even if an earlier one fails: a half-restored terminal is worse.
    let _ = execute!(
        stdout(),
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = disable_raw_mode();
}

/// Restores the terminal before the panic message prints, so the message is readable, then
/// ends the process: a panic in a background task would otherwise leave the wizard drawing
/// into a restored terminal.
fn install_panic_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
            std::process::exit(PANIC_EXIT_CODE);
        }));
    });
}

/// What Rust's own panic exit uses.
const PANIC_EXIT_CODE: i32 = 101;

/// `APPREG_TEST_PANIC=1` makes the wizard panic once its first frame is drawn: the only way
/// for the pseudo-terminal tests to check that a panic leaves the terminal usable.
pub fn panic_if_testing() {
    if std::env::var_os("APPREG_TEST_PANIC").is_some_and(|v| v == "1") {
        panic!("APPREG_TEST_PANIC=1: a deliberate panic, to test that the terminal is restored");
    }
}

/// A signal that ends the wizard from outside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopSignal {
    Interrupt,
    Terminate,
    Hangup,
}

impl StopSignal {
    /// The number shells add to 128 for a process this signal ended.
    pub fn number(self) -> u8 {
        match self {
            StopSignal::Hangup => 1,
            StopSignal::Interrupt => 2,
            StopSignal::Terminate => 15,
        }
    }
}

/// SIGTERM, SIGHUP and SIGINT end the wizard like `q` does, terminal restored; the receiver
/// says which one came.
#[cfg(unix)]
pub fn stop_signal() -> std::io::Result<tokio::sync::mpsc::Receiver<StopSignal>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut hangup = signal(SignalKind::hangup())?;
    // In raw mode Ctrl-C is a key, not a signal; an interrupt sent from outside still ends
    // the wizard the orderly way.
    let mut interrupt = signal(SignalKind::interrupt())?;
    let (sender, receiver) = tokio::sync::mpsc::channel(1);
    tokio::spawn(async move {
        let signal = tokio::select! {
            _ = term.recv() => StopSignal::Terminate,
            _ = hangup.recv() => StopSignal::Hangup,
            _ = interrupt.recv() => StopSignal::Interrupt,
        };
        let _ = sender.send(signal).await;
    });
    Ok(receiver)
}

#[cfg(not(unix))]
pub fn stop_signal() -> std::io::Result<tokio::sync::mpsc::Receiver<StopSignal>> {
    let (sender, receiver) = tokio::sync::mpsc::channel(1);
    // Windows closes console programs without a signal to catch; keep the sender so recv waits.
    std::mem::forget(sender);
    Ok(receiver)
}
