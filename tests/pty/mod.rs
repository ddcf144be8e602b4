//! The real `appreg` binary in a pseudo-terminal: spawn it, type keys, wait for text on its
//! screen (a vt100 emulator fed from the pty), and read what it wrote after it exits.
// Shared by tests/wizard_pty.rs and benches/render.rs; each uses a part.
#![allow(dead_code)]

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Long enough for the demo's device-code polling and replication wait on a slow machine.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// A pause in the output this long means a frame is complete.
const SETTLE: Duration = Duration::from_millis(30);

/// Where [`Wizard::demo_traced`] logs, inside the run's directory.
pub const LOG_FILE: &str = "appreg.log";

pub const ENTER: &str = "\r";
pub const ESC: &str = "\x1b";
pub const TAB: &str = "\t";
pub const UP: &str = "\x1b[A";
pub const DOWN: &str = "\x1b[B";

/// Everything the program wrote: the raw bytes and the screen they draw.
struct Output {
    raw: Vec<u8>,
    screen: vt100::Parser,
}

pub struct Wizard {
    child: Box<dyn Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
    keys: Box<dyn Write + Send>,
    output: Arc<Mutex<Output>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Wizard {
    /// Starts `appreg` with `args` in a `cols`×`rows` terminal, working in `dir`, with no
    /// display (copies go through OSC 52, never the desktop's clipboard).
    pub fn spawn(args: &[&str], env: &[(&str, &str)], cols: u16, rows: u16, dir: &Path) -> Self {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_appreg"));
        command.args(args);
        command.cwd(dir);
        command.env("TERM", "xterm-256color");
        command.env("APPREG_STATE_DIR", dir);
        for name in [
            "DISPLAY",
            "WAYLAND_DISPLAY",
            "NO_COLOR",
            "RUST_LOG",
            "RUST_BACKTRACE",
        ] {
            command.env_remove(name);
        }
        for (name, value) in env {
            command.env(name, value);
        }
        let child = pair.slave.spawn_command(command).expect("spawn appreg");
        // The child has its own copy; keeping ours open would hide its exit from the reader.
        drop(pair.slave);
        let output = Arc::new(Mutex::new(Output {
            raw: Vec::new(),
            screen: vt100::Parser::new(rows, cols, 1000),
        }));
        let mut from_child = pair.master.try_clone_reader().expect("pty reader");
        let sink = Arc::clone(&output);
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = from_child.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut out = sink.lock().expect("output lock");
                out.raw.extend_from_slice(&buf[..n]);
                out.screen.process(&buf[..n]);
            }
        });
        let keys = pair.master.take_writer().expect("pty writer");
        Self {
            child,
            master: pair.master,
            keys,
            output,
            reader: Some(reader),
        }
    }

    /// `appreg --demo` in a `cols`×`rows` terminal, in a fresh directory.
    pub fn demo(cols: u16, rows: u16, dir: &Path) -> Self {
        Self::spawn(&["--demo"], &[], cols, rows, dir)
    }

    /// The demo logging everything it does (`RUST_LOG=trace`) to `dir/appreg.log`.
    pub fn demo_traced(cols: u16, rows: u16, dir: &Path) -> Self {
        let log = dir.join(LOG_FILE);
        let log = log.to_str().expect("a UTF-8 temp path");
        Self::spawn(
            &["--demo"],
            &[("RUST_LOG", "trace"), ("APPREG_LOG_FILE", log)],
            cols,
            rows,
            dir,
        )
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("child pid")
    }

    pub fn send(&mut self, keys: &str) {
        self.keys
            .write_all(keys.as_bytes())
            .expect("type into the pty");
        self.keys.flush().expect("flush the pty");
    }

    /// Types text as a bracketed paste, the way terminals deliver a clipboard paste.
    pub fn paste(&mut self, text: &str) {
        self.send(&format!("\x1b[200~{text}\x1b[201~"));
    }

    fn output(&self) -> MutexGuard<'_, Output> {
        self.output.lock().expect("output lock")
    }

    /// What the terminal shows now, one string a row.
    pub fn screen(&self) -> String {
        self.output().screen.screen().contents()
    }

    /// Everything the program wrote so far, escape sequences included.
    pub fn raw(&self) -> Vec<u8> {
        self.output().raw.clone()
    }

    pub fn alternate_screen(&self) -> bool {
        self.output().screen.screen().alternate_screen()
    }

    /// Waits until `text` is on screen and returns the screen; fails with the screen if it never
    /// comes.
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?} on screen"), |screen| {
            screen.contains(text)
        })
    }

    /// Waits until `done` holds for a whole frame, up to [`PATIENCE`]. A frame can reach the pty
    /// in pieces, so the screen counts only once the output has paused.
    pub fn wait_until(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let before = self.output().raw.len();
            let screen = self.screen();
            if done(&screen) {
                std::thread::sleep(SETTLE);
                if self.output().raw.len() == before {
                    return screen;
                }
                continue;
            }
            assert!(
                start.elapsed() < PATIENCE,
                "waited {PATIENCE:?} for {what}; the screen shows:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(15));
        }
    }

    /// Waits, polling every `poll`, until row `row` shows `text`; no settling, for timing.
    pub fn wait_for_row(&self, row: u16, text: &str, poll: Duration) {
        let start = Instant::now();
        loop {
            let shown = {
                let output = self.output();
                let (_, cols) = output.screen.screen().size();
                let line = output.screen.screen().rows(0, cols).nth(usize::from(row));
                line.is_some_and(|line| line.contains(text))
            };
            if shown {
                return;
            }
            assert!(
                start.elapsed() < PATIENCE,
                "row {row} never showed {text:?}"
            );
            std::thread::sleep(poll);
        }
    }

    /// Sends `keys` and waits for `text` to appear.
    pub fn press(&mut self, keys: &str, text: &str) -> String {
        self.send(keys);
        self.wait_for(text)
    }

    /// Waits for the program to exit and for the pty to drain; returns the exit status.
    pub fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let start = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("child status") {
                break status;
            }
            assert!(
                start.elapsed() < PATIENCE,
                "appreg did not exit; the screen shows:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        self.drain();
        status
    }

    /// Reads what the program wrote before it exited. The reader sees end-of-file only once
    /// every copy of the pty is closed, so wait until the output stops growing instead.
    fn drain(&mut self) {
        let mut seen = usize::MAX;
        loop {
            let now = self.output().raw.len();
            if now == seen {
                return;
            }
            seen = now;
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The terminal's line settings (`stty -a`), to check raw mode was turned off.
    pub fn stty(&self) -> String {
        let tty = self.master.tty_name().expect("the pty's device name");
        let out = std::process::Command::new("stty")
            .arg("-F")
            .arg(&tty)
            .arg("-a")
            .output()
            .expect("run stty");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Sends a signal to the program (`TERM`, `HUP`).
    pub fn signal(&self, name: &str) {
        let status = std::process::Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.pid().to_string())
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{name} failed");
    }
}

impl Drop for Wizard {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        // The reader ends when the pty closes with the master; do not wait on it.
        drop(self.reader.take());
    }
}

/// How many times `needle` occurs in `haystack`.
pub fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|window| *window == needle)
        .count()
}

/// Everything a run left in `dir` (its log at trace level, journal, written summary) holds
/// neither the secret nor a token: the simulator's access tokens are JWTs (`eyJ…`), its
/// refresh tokens start with `0.A`.
pub fn assert_no_secret_in_files(dir: &Path, secret: &str) {
    let log = std::fs::read_to_string(dir.join(LOG_FILE)).expect("the log was written");
    assert!(log.contains("TRACE"), "traced:\n{log}");
    let mut files = vec![dir.to_path_buf()];
    let mut checked = 0;
    while let Some(path) = files.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).expect("read dir") {
                files.push(entry.expect("dir entry").path());
            }
            continue;
        }
        let text = String::from_utf8_lossy(&std::fs::read(&path).expect("read file")).into_owned();
        for (needle, what) in [
            (secret, "the secret"),
            ("eyJ", "an access token"),
            ("0.A", "a refresh token"),
        ] {
            assert!(!text.contains(needle), "{what} in {}", path.display());
        }
        checked += 1;
    }
    assert!(checked >= 2, "the log and the summary at least");
}

/// Waits for the summary `w` writes on Done (`appreg-<client id>.txt` in the run's directory):
/// at 80×24 the line that confirms it may be below the fold.
pub fn wait_for_summary(dir: &Path) -> std::path::PathBuf {
    let start = Instant::now();
    loop {
        let written = std::fs::read_dir(dir)
            .expect("read dir")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("appreg-") && n.ends_with(".txt"))
            });
        if let Some(path) = written {
            return path;
        }
        assert!(start.elapsed() < PATIENCE, "no summary was written");
        std::thread::sleep(Duration::from_millis(20));
    }
}
