//! Copying to the clipboard: the system clipboard through arboard when there is a display, the
//! terminal's clipboard through OSC 52 when there is not (SSH, a bare console).
//!
//! The system clipboard on X11 and Wayland only holds text while the process that set it is
//! alive, so the [`Clipboard`] keeps its arboard handle for as long as it lives: keep one for the
//! whole session. Secrets are marked so clipboard managers leave them out of their history, and
//! [`Clipboard::clear_if_unchanged`] removes them later unless the user copied something since.

use base64::Engine;
use std::fmt;
use std::io::Write;
use zeroize::Zeroizing;

/// Where a copy went; the screen says which so the user knows whether to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Copied {
    /// The system clipboard, kept out of clipboard-manager history when sensitive.
    System,
    /// An OSC 52 sequence sent to the terminal, which may or may not honour it.
    Terminal,
    /// Neither worked; the reason is for the user.
    Failed(String),
}

impl fmt::Display for Copied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Copied::System => f.write_str("copied to the system clipboard"),
            Copied::Terminal => f.write_str(
                "sent to the terminal's clipboard (OSC 52); if pasting gives nothing, your terminal ignores OSC 52: copy it by hand",
            ),
            Copied::Failed(why) => write!(f, "could not copy ({why}): copy it by hand"),
        }
    }
}

/// What [`Clipboard::clear_if_unchanged`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cleared {
    Cleared,
    /// The clipboard holds something else now, so it was left alone.
    Changed,
    /// The terminal's clipboard cannot be read back, so it was overwritten with nothing.
    TerminalOverwritten,
    Failed(String),
}

pub struct Clipboard {
    system: Result<arboard::Clipboard, String>,
}

impl Default for Clipboard {
    fn default() -> Self {
        Self::open()
    }
}

impl Clipboard {
    /// Connects to the system clipboard; failing that (no display), copies go through OSC 52.
    pub fn open() -> Self {
        Self {
            system: arboard::Clipboard::new().map_err(|e| e.to_string()),
        }
    }

    /// A clipboard that only uses OSC 52 (tests, or when the system clipboard must not be used).
    pub fn terminal_only(why: &str) -> Self {
        Self {
            system: Err(why.to_string()),
        }
    }

    /// Copies `text`; `sensitive` text is kept out of clipboard-manager history. `terminal` is
    /// where the OSC 52 fallback is written (the tty the user is looking at).
    pub fn copy(&mut self, text: &str, sensitive: bool, terminal: &mut dyn Write) -> Copied {
        let system_error = match &mut self.system {
            Ok(system) => match set_text(system, text, sensitive) {
                Ok(()) => return Copied::System,
                Err(e) => e.to_string(),
            },
            Err(why) => why.clone(),
        };
        match write_osc52(terminal, text) {
            Ok(()) => Copied::Terminal,
            Err(e) => Copied::Failed(format!("{system_error}; OSC 52: {e}")),
        }
    }

    /// Removes `text` from the clipboard unless something else was copied since.
    pub fn clear_if_unchanged(&mut self, text: &str, terminal: &mut dyn Write) -> Cleared {
        match &mut self.system {
            Ok(system) => {
                let current = system.get_text().map(Zeroizing::new);
                match current {
                    Ok(current) if current.as_str() != text => Cleared::Changed,
                    // An empty or unreadable clipboard holds nothing of ours either way.
                    Err(arboard::Error::ContentNotAvailable) => Cleared::Changed,
                    Ok(_) => match system.clear() {
                        Ok(()) => Cleared::Cleared,
                        Err(e) => Cleared::Failed(e.to_string()),
                    },
                    Err(e) => Cleared::Failed(e.to_string()),
                }
            }
            Err(_) => match write_osc52(terminal, "") {
                Ok(()) => Cleared::TerminalOverwritten,
                Err(e) => Cleared::Failed(e.to_string()),
            },
        }
    }
}

/// Each platform has its own extension trait for "keep this out of clipboard history".
#[cfg(any(target_os = "linux", target_os = "macos", windows))]
fn set_text(
    system: &mut arboard::Clipboard,
    text: &str,
    sensitive: bool,
) -> Result<(), arboard::Error> {
    #[cfg(target_os = "macos")]
    use arboard::SetExtApple as _;
    #[cfg(target_os = "linux")]
    use arboard::SetExtLinux as _;
    #[cfg(windows)]
    use arboard::SetExtWindows as _;
    // On Linux, no `wait()`: it would block until someone else copies. The kept-alive handle
    // serves the text instead, for as long as appreg runs.
    let set = system.set();
    let set = if sensitive {
        set.exclude_from_history()
    } else {
        set
    };
    set.text(text)
}

#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
fn set_text(
    system: &mut arboard::Clipboard,
    text: &str,
    _sensitive: bool,
) -> Result<(), arboard::Error> {
    system.set_text(text)
}

/// `ESC ] 52 ; c ; <base64> BEL`: asks the terminal to put `text` on its clipboard.
pub fn osc52(text: &str) -> Zeroizing<String> {
    let encoded = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(text));
    Zeroizing::new(format!("\x1b]52;c;{}\x07", encoded.as_str()))
}

fn write_osc52(terminal: &mut dyn Write, text: &str) -> std::io::Result<()> {
    terminal.write_all(osc52(text).as_bytes())?;
    terminal.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_sequence_is_base64_between_the_markers() {
        assert_eq!(osc52("hi").as_str(), "\x1b]52;c;aGk=\x07");
        assert_eq!(osc52("").as_str(), "\x1b]52;c;\x07");
    }

    #[test]
    fn without_a_system_clipboard_copies_go_to_the_terminal() {
        let mut clipboard = Clipboard::terminal_only("no display");
        let mut terminal = Vec::new();
        assert_eq!(
            clipboard.copy("s3cret", true, &mut terminal),
            Copied::Terminal
        );
        assert_eq!(terminal, osc52("s3cret").as_bytes());
        terminal.clear();
        assert_eq!(
            clipboard.clear_if_unchanged("s3cret", &mut terminal),
            Cleared::TerminalOverwritten
        );
        assert_eq!(terminal, osc52("").as_bytes());
    }

    #[test]
    fn a_broken_terminal_is_reported_not_hidden() {
        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("closed"))
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let copied = Clipboard::terminal_only("no display").copy("x", false, &mut Broken);
        assert!(
            matches!(copied, Copied::Failed(ref why) if why.contains("no display")),
            "{copied:?}"
        );
    }
}
