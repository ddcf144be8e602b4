//! A long text in a pane, drawn from the pane's [`Scroll`] offset, with its position (`12/40`)
//! whenever it does not all fit: on the pane's last row, or in the border of a framed pane.
//! Every scrollable text in the wizard is drawn by this.

use crate::tui::model::{Extent, Scroll};
use crate::tui::view::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};
use std::hash::{DefaultHasher, Hash, Hasher};

pub struct ScrollPane<'a> {
    lines: Vec<Line<'a>>,
    /// Long lines wrap; a log's lines are cut at the edge instead, one call a row.
    wrap: bool,
}

impl<'a> ScrollPane<'a> {
    pub fn wrapped(lines: Vec<Line<'a>>) -> Self {
        Self { lines, wrap: true }
    }

    pub fn unwrapped(lines: Vec<Line<'a>>) -> Self {
        Self { lines, wrap: false }
    }

    /// Draws the text; the position takes the last row, only when there is somewhere to scroll.
    pub fn render(self, frame: &mut Frame, area: Rect, scroll: &Scroll, theme: Theme) {
        let content = self.rows(area.width, scroll);
        let text = self.paragraph();
        let rows = usize::from(area.height);
        let viewport = if content > rows {
            rows.saturating_sub(1)
        } else {
            rows
        };
        let text_area = Rect {
            height: u16::try_from(viewport).unwrap_or(area.height),
            ..area
        };
        let offset = measure(scroll, content, viewport, area);
        frame.render_widget(text.scroll((offset, 0)), text_area);
        if let Some(position) = position(scroll, theme) {
            let row = Rect {
                y: area.y + text_area.height,
                height: 1,
                ..area
            };
            frame.render_widget(Paragraph::new(position.right_aligned()), row);
        }
    }

    /// Draws the text inside `block`, with the position at the right of the block's top border.
    pub fn render_in(
        self,
        frame: &mut Frame,
        area: Rect,
        block: Block<'_>,
        scroll: &Scroll,
        theme: Theme,
    ) {
        let inner = block.inner(area);
        let content = self.rows(inner.width, scroll);
        let text = self.paragraph();
        let offset = measure(scroll, content, usize::from(inner.height), area);
        let block = match position(scroll, theme) {
            Some(position) => block.title_top(position.right_aligned()),
            None => block,
        };
        frame.render_widget(text.scroll((offset, 0)).block(block), area);
    }

    /// The rows the text takes at `width`: a line each, or as many as wrapping makes, which
    /// the scroll state remembers for as long as the text stays the same.
    fn rows(&self, width: u16, scroll: &Scroll) -> usize {
        if !self.wrap {
            return self.lines.len();
        }
        let mut fingerprint = DefaultHasher::new();
        for line in &self.lines {
            for span in &line.spans {
                span.content.hash(&mut fingerprint);
            }
            '\n'.hash(&mut fingerprint);
        }
        scroll.wrapped_rows(fingerprint.finish(), width, || {
            Paragraph::new(self.lines.clone())
                .wrap(Wrap { trim: false })
                .line_count(width)
        })
    }

    fn paragraph(self) -> Paragraph<'a> {
        let text = Paragraph::new(self.lines);
        if self.wrap {
            text.wrap(Wrap { trim: false })
        } else {
            text
        }
    }
}

/// Records the drawn size in the scroll state and returns the row offset to draw from.
fn measure(scroll: &Scroll, content: usize, viewport: usize, area: Rect) -> u16 {
    let offset = scroll.measure(Extent {
        content,
        viewport,
        area: (area.x, area.y, area.width, area.height),
    });
    u16::try_from(offset).unwrap_or(u16::MAX)
}

/// `▼ 10/40`: the arrows say which way there is more.
fn position(scroll: &Scroll, theme: Theme) -> Option<Line<'static>> {
    let position = scroll.position()?;
    let more = match (scroll.offset() > 0, scroll.at_end()) {
        (true, true) => "▲",
        (false, false) => "▼",
        _ => "▲▼",
    };
    Some(Line::styled(format!(" {more} {position} "), theme.dim()))
}
