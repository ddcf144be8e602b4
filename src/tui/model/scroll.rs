//! Where a scrollable pane is: one state for every long text in the wizard (the fix's
//! requests, the findings, the review, the summary, the help, the Graph-call log).
//!
//! Only the view knows how many lines the text wraps to and how many rows it gets, so it
//! records them here at each draw (through a `Cell`, the view holding the model read-only);
//! the keys then move within what was last drawn and stop at its end, and `update` stays pure.

use crate::tui::msg::Wheel;
use crossterm::event::{KeyCode, KeyEvent};
use std::cell::Cell;

/// Lines the mouse wheel moves per notch, as terminals and pagers usually do.
const WHEEL_LINES: usize = 3;

/// What the view drew last: the text's height, the rows it had, and where on screen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Extent {
    pub content: usize,
    pub viewport: usize,
    /// Top-left corner and size of the pane, for the mouse wheel.
    pub area: (u16, u16, u16, u16),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scroll {
    offset: Cell<usize>,
    extent: Cell<Extent>,
    /// The rows a text last wrapped to: (the text's fingerprint, width, rows). Wrapping is
    /// most of a frame's work, and the text rarely changes between frames.
    wrapped: Cell<Option<(u64, u16, usize)>>,
    /// A log keeps its newest line in view until the user scrolls up.
    follows_end: bool,
}

impl Scroll {
    /// A pane that stays at its end as lines arrive, like a log.
    pub fn following_end() -> Self {
        Self {
            follows_end: true,
            ..Self::default()
        }
    }

    /// The first line shown.
    pub fn offset(&self) -> usize {
        self.offset.get()
    }

    pub fn extent(&self) -> Extent {
        self.extent.get()
    }

    /// Records what the view is about to draw and keeps the offset inside it; returns the
    /// offset to draw from.
    pub fn measure(&self, extent: Extent) -> usize {
        let was_at_end = self.at_end();
        self.extent.set(extent);
        let offset = if self.follows_end && was_at_end {
            self.max_offset()
        } else {
            self.offset().min(self.max_offset())
        };
        self.offset.set(offset);
        offset
    }

    /// The rows the text with `fingerprint` wraps to at `width`: remembered from the last
    /// frame when neither changed, else counted by `count`.
    pub fn wrapped_rows(
        &self,
        fingerprint: u64,
        width: u16,
        count: impl FnOnce() -> usize,
    ) -> usize {
        match self.wrapped.get() {
            Some((seen, seen_width, rows)) if seen == fingerprint && seen_width == width => rows,
            _ => {
                let rows = count();
                self.wrapped.set(Some((fingerprint, width, rows)));
                rows
            }
        }
    }

    /// Back to the top, for new content.
    pub fn reset(&mut self) {
        self.offset.set(0);
    }

    pub fn at_end(&self) -> bool {
        self.offset() >= self.max_offset()
    }

    fn max_offset(&self) -> usize {
        let extent = self.extent();
        extent.content.saturating_sub(extent.viewport)
    }

    fn page(&self) -> usize {
        self.extent().viewport.saturating_sub(1).max(1)
    }

    pub fn up(&mut self, lines: usize) {
        self.offset.set(self.offset().saturating_sub(lines));
    }

    pub fn down(&mut self, lines: usize) {
        let offset = self.offset().saturating_add(lines).min(self.max_offset());
        self.offset.set(offset);
    }

    pub fn home(&mut self) {
        self.offset.set(0);
    }

    pub fn end(&mut self) {
        self.offset.set(self.max_offset());
    }

    /// ↑↓ (and j/k), PgUp/PgDn, Home/End and g/G; false for any other key.
    pub fn on_key(&mut self, key: KeyEvent) -> bool {
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => self.up(1),
            KeyCode::Down | KeyCode::Char('j') => self.down(1),
            KeyCode::PageUp => self.up(self.page()),
            KeyCode::PageDown | KeyCode::Char(' ') => self.down(self.page()),
            KeyCode::Home | KeyCode::Char('g') => self.home(),
            KeyCode::End | KeyCode::Char('G') => self.end(),
            _ => return false,
        }
        true
    }

    pub fn on_wheel(&mut self, wheel: Wheel) {
        match wheel {
            Wheel::Up => self.up(WHEEL_LINES),
            Wheel::Down => self.down(WHEEL_LINES),
        }
    }

    /// Whether the pane was last drawn over this cell of the screen.
    pub fn covers(&self, column: u16, row: u16) -> bool {
        let (x, y, width, height) = self.extent().area;
        (x..x.saturating_add(width)).contains(&column)
            && (y..y.saturating_add(height)).contains(&row)
    }

    /// `12/40`: the last line in view and how many there are; `None` when all of it fits.
    pub fn position(&self) -> Option<String> {
        let extent = self.extent();
        if extent.content <= extent.viewport {
            return None;
        }
        let last = (self.offset() + extent.viewport).min(extent.content);
        Some(format!("{last}/{}", extent.content))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn drawn(content: usize, viewport: usize) -> Scroll {
        let scroll = Scroll::default();
        scroll.measure(Extent {
            content,
            viewport,
            area: (0, 0, 80, viewport as u16),
        });
        scroll
    }

    #[test]
    fn every_key_moves_within_the_text_and_stops_at_its_ends() {
        let mut scroll = drawn(40, 10);
        assert_eq!(scroll.position().as_deref(), Some("10/40"));
        assert!(scroll.on_key(key(KeyCode::Down)));
        assert_eq!(scroll.offset(), 1);
        scroll.on_key(key(KeyCode::PageDown));
        assert_eq!(scroll.offset(), 10);
        scroll.on_key(key(KeyCode::End));
        assert_eq!((scroll.offset(), scroll.at_end()), (30, true));
        scroll.on_key(key(KeyCode::Down));
        scroll.on_key(key(KeyCode::PageDown));
        assert_eq!(scroll.offset(), 30, "stops at the end");
        assert_eq!(scroll.position().as_deref(), Some("40/40"));
        scroll.on_key(key(KeyCode::Up));
        assert_eq!(scroll.offset(), 29, "one up from the end, not from past it");
        scroll.on_key(key(KeyCode::Char('g')));
        assert_eq!(scroll.offset(), 0);
        scroll.on_key(key(KeyCode::Char('G')));
        assert_eq!(scroll.offset(), 30);
        scroll.on_key(key(KeyCode::Home));
        scroll.on_key(key(KeyCode::Up));
        assert_eq!(scroll.offset(), 0);
        assert!(!scroll.on_key(key(KeyCode::Char('y'))));
    }

    #[test]
    fn the_wheel_scrolls_the_pane_under_the_pointer() {
        let mut scroll = drawn(40, 10);
        assert!(scroll.covers(5, 9) && !scroll.covers(5, 10));
        scroll.on_wheel(Wheel::Down);
        assert_eq!(scroll.offset(), WHEEL_LINES);
        scroll.on_wheel(Wheel::Up);
        assert_eq!(scroll.offset(), 0);
    }

    #[test]
    fn text_that_fits_does_not_move_and_shows_no_position() {
        let mut scroll = drawn(5, 10);
        scroll.on_key(key(KeyCode::End));
        assert_eq!((scroll.offset(), scroll.position()), (0, None));
    }

    #[test]
    fn a_log_follows_new_lines_until_scrolled_up() {
        let mut log = Scroll::following_end();
        let extent = |content| Extent {
            content,
            viewport: 3,
            area: (0, 0, 80, 3),
        };
        assert_eq!(log.measure(extent(5)), 2);
        assert_eq!(log.measure(extent(6)), 3);
        log.up(1);
        assert_eq!(log.measure(extent(7)), 2, "stays where the user put it");
    }
}
