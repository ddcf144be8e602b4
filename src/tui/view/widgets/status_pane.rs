//! The live pane of Graph calls under every step: method, path, status, latency, request-id,
//! and the retries and replication waits in between. The newest calls are at the bottom, and
//! stay in view until the mouse wheel scrolls back.

use super::scroll_pane::ScrollPane;
use super::spinner;
use crate::tui::model::{Call, CallState, Model};
use crate::tui::update::typing;
use crate::tui::view::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};

pub fn render(frame: &mut Frame, area: Rect, model: &Model, theme: Theme) {
    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(theme.dim())
        .title(Span::styled(" Graph calls ", theme.heading()));
    // Where letters are not typed into a field, `l` opens the whole log.
    let block = if typing(model) {
        block
    } else {
        block.title(Span::styled("(l: all) ", theme.dim()))
    };
    ScrollPane::unwrapped(lines(model, theme)).render_in(
        frame,
        area,
        block,
        &model.status_scroll,
        theme,
    );
}

/// One line a call, oldest first.
pub fn lines(model: &Model, theme: Theme) -> Vec<Line<'static>> {
    if model.status.is_empty() {
        return vec![Line::styled(
            " No calls yet: they appear here as appreg talks to Microsoft Graph.",
            theme.dim(),
        )];
    }
    model
        .status
        .calls()
        .map(|call| line(call, model.frame, theme))
        .collect()
}

fn line(call: &Call, frame: usize, theme: Theme) -> Line<'static> {
    let request = if call.request.is_empty() {
        call.op.to_string()
    } else {
        call.request.clone()
    };
    let mut spans = Vec::new();
    match &call.state {
        CallState::Pending => {
            spans.push(Span::styled(
                format!(" {} ", spinner(frame)),
                theme.emphasis(),
            ));
            spans.push(Span::raw(request));
        }
        CallState::Answered {
            status,
            latency,
            request_id,
        } => {
            let style = if *status < 400 {
                theme.ok()
            } else {
                theme.error()
            };
            spans.push(Span::styled(format!(" {status} "), style));
            spans.push(Span::raw(request));
            spans.push(Span::styled(
                format!("  {} ms", latency.as_millis()),
                theme.dim(),
            ));
            if let Some(id) = request_id {
                spans.push(Span::styled(format!("  request-id {id}"), theme.dim()));
            }
        }
        CallState::Retrying {
            reason,
            attempt,
            wait,
        } => {
            spans.push(Span::styled(" ↻   ", theme.warn()));
            spans.push(Span::raw(request));
            spans.push(Span::styled(
                format!("  {reason}; retry {attempt} in {:.1} s", wait.as_secs_f64()),
                theme.warn(),
            ));
        }
        CallState::Skipped { reason } => {
            spans.push(Span::styled(" –   ", theme.dim()));
            spans.push(Span::raw(format!("{}: skipped, {reason}", call.op)));
        }
        CallState::Failed {
            message,
            request_id,
        } => {
            spans.push(Span::styled(" ✗   ", theme.error()));
            spans.push(Span::raw(request));
            spans.push(Span::styled(format!("  {message}"), theme.error()));
            if let Some(id) = request_id {
                spans.push(Span::styled(format!("  request-id {id}"), theme.dim()));
            }
        }
    }
    Line::from(spans)
}
