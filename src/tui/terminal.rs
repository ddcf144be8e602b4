//! Owning the terminal: raw mode, the alternate screen and bracketed paste on the way in, and
//! all of it undone on the way out, whether by return, error, panic, Ctrl-C or SIGTERM.
//! (`ratatui::restore()` leaves bracketed paste and mouse capture on, so this does it all.)

use super::model::Model;
use super::view;
use crossterm::event::{DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Size;
use std::io::{Stdout, stdout};
use std::sync::Once;

pub struct Session {
    terminal: Terminal<CrosstermBackend<Stdout>>,
}

impl Session {
    pub fn start() -> std::io::Result<Self> {
        install_panic_hook();
        enable_raw_mode()?;
        let entered = execute!(stdout(), EnterAlternateScreen, EnableBracketedPaste)
            .and_then(|()| Terminal::new(CrosstermBackend::new(stdout())));
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

/// Restores the terminal before the panic message prints, so the message is readable.
fn install_panic_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}

/// SIGTERM and SIGHUP end the wizard like `q` does, terminal restored.
#[cfg(unix)]
pub fn stop_signal() -> std::io::Result<tokio::sync::mpsc::Receiver<()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut hangup = signal(SignalKind::hangup())?;
    let (sender, receiver) = tokio::sync::mpsc::channel(1);
    tokio::spawn(async move {
        tokio::select! {
            _ = term.recv() => {}
            _ = hangup.recv() => {}
        }
        let _ = sender.send(()).await;
    });
    Ok(receiver)
}

#[cfg(not(unix))]
pub fn stop_signal() -> std::io::Result<tokio::sync::mpsc::Receiver<()>> {
    let (sender, receiver) = tokio::sync::mpsc::channel(1);
    // Windows closes console programs without a signal to catch; keep the sender so recv waits.
    std::mem::forget(sender);
    Ok(receiver)
}
