//! The progress bar `doctor --all` draws on stderr (only on a terminal): apps audited of the
//! tenant's count, redrawn at most ten times a second so drawing never slows the audit.

use std::io::Write;
use std::time::{Duration, Instant};

const WIDTH: usize = 30;
const EVERY: Duration = Duration::from_millis(100);

pub struct Bar {
    total: Option<usize>,
    done: usize,
    drawn: Option<Instant>,
}

impl Bar {
    pub fn new() -> Self {
        Self {
            total: None,
            done: 0,
            drawn: None,
        }
    }

    pub fn total(&mut self, total: usize) {
        self.total = Some(total);
        self.draw();
    }

    pub fn advance(&mut self) {
        self.done += 1;
        if self.drawn.is_none_or(|at| at.elapsed() >= EVERY) {
            self.draw();
        }
    }

    fn draw(&mut self) {
        self.drawn = Some(Instant::now());
        let line = match self.total {
            Some(total) if total > 0 => {
                let filled = (self.done.min(total) * WIDTH) / total;
                format!(
                    "[{}{}] {} / {total} apps",
                    "#".repeat(filled),
                    " ".repeat(WIDTH - filled),
                    self.done
                )
            }
            _ => format!("{} apps audited", self.done),
        };
        // A lost progress line is not worth failing the audit for.
        let _ = write!(std::io::stderr(), "\r{line}\x1b[K");
    }

    /// Takes the bar off the screen.
    pub fn clear(&self) {
        let _ = write!(std::io::stderr(), "\r\x1b[K");
    }
}
