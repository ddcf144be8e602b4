//! Small drawing helpers the step screens share.

use super::theme::Theme;
use crate::tui::model::Load;
use crate::tui::msg::RunFailure;
use ratatui::text::{Line, Span};

pub fn checkbox(on: bool) -> &'static str {
    if on { "[x]" } else { "[ ]" }
}

pub fn radio(on: bool) -> &'static str {
    if on { "(•)" } else { "( )" }
}

/// The rows of a list of `len` that fit `height`, scrolled so `cursor` stays in view.
pub fn window(len: usize, cursor: usize, height: usize) -> std::ops::Range<usize> {
    if height == 0 {
        return 0..0;
    }
    let start = cursor
        .saturating_sub(height - 1)
        .min(len.saturating_sub(height));
    start..len.min(start + height)
}

/// Before the summary of a deprecated preset: still selectable, but not for new work.
const DEPRECATED_TAG: &str = "deprecated · ";

/// The platform presets, one line each: summaries are cut at the edge (with an ellipsis)
/// rather than wrapped; a deprecated preset is marked before its summary.
pub fn profile_rows(
    profiles: &[crate::profile::Profile],
    cursor: usize,
    width: u16,
    theme: Theme,
) -> Vec<Line<'static>> {
    let name_width = profiles
        .iter()
        .map(|p| p.name.chars().count())
        .max()
        .unwrap_or(0);
    let summary_width = usize::from(width).saturating_sub(name_width + 4);
    profiles
        .iter()
        .enumerate()
        .map(|(i, profile)| {
            let tag = if profile.deprecated.is_some() {
                DEPRECATED_TAG
            } else {
                ""
            };
            let spans = vec![
                Span::styled(format!("{:name_width$}  ", profile.name), theme.emphasis()),
                Span::styled(tag, theme.warn()),
                Span::raw(fit(
                    &profile.summary,
                    summary_width.saturating_sub(tag.chars().count()),
                )),
            ];
            row(spans, i == cursor, true, theme)
        })
        .collect()
}

/// A list row: a pointer when it has the cursor, highlighted when the list has focus.
pub fn row<'a>(spans: Vec<Span<'a>>, here: bool, focused: bool, theme: Theme) -> Line<'a> {
    let pointer = if here && focused { "▸ " } else { "  " };
    let mut all = vec![Span::styled(pointer, theme.key())];
    all.extend(spans);
    let line = Line::from(all);
    if here && focused {
        line.style(theme.selected())
    } else {
        line
    }
}

/// A list row whose label wraps under itself, past the pointer and the marker (`(•)`, `[x]`),
/// rather than back to column 0. The note (`← recommended`) follows the label, on its own line
/// when the label's last line has no room for it.
pub fn wrapped_row(
    marker: &str,
    label: &str,
    note: Option<Span<'static>>,
    (here, focused): (bool, bool),
    width: u16,
    theme: Theme,
) -> Vec<Line<'static>> {
    let indent = POINTER_WIDTH + marker.chars().count() + 1;
    let room = usize::from(width).saturating_sub(indent).max(1);
    let mut texts = wrap_words(label, room);
    let mut last_note = None;
    if let Some(note) = note {
        let fits = texts.last().map_or(0, |t| t.chars().count()) + note.width() <= room;
        if fits {
            last_note = Some(note);
        } else {
            texts.push(String::new());
            last_note = Some(Span::styled(
                note.content.trim_start().to_string(),
                note.style,
            ));
        }
    }
    let count = texts.len();
    texts
        .into_iter()
        .enumerate()
        .map(|(i, text)| {
            let mut spans = if i == 0 {
                vec![Span::raw(format!("{marker} {text}"))]
            } else {
                vec![Span::raw(format!(
                    "{:width$}{text}",
                    "",
                    width = indent - POINTER_WIDTH
                ))]
            };
            if i + 1 == count {
                spans.extend(last_note.take());
            }
            let line = row(spans, here, focused, theme);
            if i == 0 {
                line
            } else {
                // Only the first line carries the pointer.
                let mut spans = line.spans;
                spans[0] = Span::raw(" ".repeat(POINTER_WIDTH));
                Line::from(spans).style(line.style)
            }
        })
        .collect()
}

const POINTER_WIDTH: usize = 2;

/// A list read in the background: draws the spinner while it loads or why it failed, and
/// hands back the list once it is there.
pub fn loaded<'a, T>(
    frame: &mut ratatui::Frame,
    area: ratatui::layout::Rect,
    load: &'a Load<T>,
    (loading, failed): (&str, &str),
    spin: usize,
    theme: Theme,
) -> Option<&'a T> {
    use ratatui::widgets::{Paragraph, Wrap};
    match load {
        Load::Loading => {
            let text = format!("{} {loading}", super::widgets::spinner(spin));
            frame.render_widget(Paragraph::new(text), area);
            None
        }
        Load::Failed(why) => {
            let lines = vec![
                Line::styled(format!("✗ {failed}"), theme.error()),
                Line::default(),
                Line::raw(why.clone()),
            ];
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
            None
        }
        Load::Loaded(value) => Some(value),
    }
}

/// `text` cut to `width` columns, with an ellipsis where it was cut.
pub fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

pub fn heading(text: &str, focused: bool, theme: Theme) -> Line<'static> {
    let style = if focused {
        theme.focused_border()
    } else {
        theme.heading()
    };
    Line::styled(text.to_string(), style)
}

/// What failed in plain words, Graph's code and the request-id, then how to retry.
pub fn failure_lines(failure: &RunFailure, retry: &str, theme: Theme) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(failure.message.clone(), theme.error())];
    if let Some(code) = &failure.code {
        lines.push(Line::from(vec![
            Span::styled("Graph's code: ", theme.heading()),
            Span::raw(code.clone()),
        ]));
    }
    if let Some(id) = &failure.request_id {
        lines.push(Line::from(vec![
            Span::styled("request-id: ", theme.heading()),
            Span::raw(id.clone()),
            Span::styled("  (support asks for it)", theme.dim()),
        ]));
    }
    lines.push(Line::styled(retry.to_string(), theme.emphasis()));
    lines
}

pub fn warning(text: &str, theme: Theme) -> Line<'static> {
    Line::styled(format!("⚠ {text}"), theme.warn())
}

pub fn label_value(label: &str, value: String, width: usize, theme: Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{label:width$}  "), theme.heading()),
        Span::raw(value),
    ])
}

/// Narrower than this, a value goes under its label instead of beside it.
const MIN_VALUE_COLUMN: usize = 40;

/// A label and its value wrapped to `area_width`: beside the label with a hanging indent when
/// there is room, under it otherwise. Long words (URIs) are broken only after a separator.
pub fn field(
    label: &str,
    value: &str,
    label_width: usize,
    area_width: u16,
    theme: Theme,
) -> Vec<Line<'static>> {
    let area_width = usize::from(area_width);
    let beside = area_width.saturating_sub(label_width + 2) >= MIN_VALUE_COLUMN;
    let indent = if beside { label_width + 2 } else { 2 };
    let wrapped = wrap_words(value, area_width.saturating_sub(indent).max(1));
    let mut lines = Vec::new();
    let mut values = wrapped.into_iter();
    if beside {
        let first = values.next().unwrap_or_default();
        lines.push(Line::from(vec![
            Span::styled(format!("{label:label_width$}  "), theme.heading()),
            Span::raw(first),
        ]));
    } else if !label.is_empty() {
        lines.push(Line::styled(label.to_string(), theme.heading()));
    }
    lines.extend(values.map(|v| Line::raw(format!("{:indent$}{v}", ""))));
    lines
}

/// Words wrapped to `width`. A word wider than that (a URL, a comma-separated scope list) is
/// broken after one of its separators, so ids and names in it stay whole; only a run without
/// any separator is cut at the edge.
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let words = text
        .split_whitespace()
        .flat_map(|word| break_long_word(word, width.max(1)));
    for word in words {
        let needed =
            current.chars().count() + usize::from(!current.is_empty()) + word.chars().count();
        if !current.is_empty() && needed > width {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(&word);
    }
    lines.push(current);
    lines
}

/// Where a long word may be broken: after these, its parts still read as whole pieces.
const WORD_BREAKS: [char; 5] = ['/', '?', '&', ',', '='];

fn break_long_word(word: &str, width: usize) -> Vec<String> {
    let mut parts = Vec::new();
    let mut rest: Vec<char> = word.chars().collect();
    while rest.len() > width {
        let cut = rest[..width]
            .iter()
            .rposition(|c| WORD_BREAKS.contains(c))
            .map_or(width, |i| i + 1);
        parts.push(rest.drain(..cut).collect());
    }
    parts.push(rest.into_iter().collect());
    parts
}

/// A multi-line text box: bordered, the border lit and the cursor shown only with focus.
pub fn text_box<'a>(
    area: &ratatui_textarea::TextArea<'a>,
    title: &'a str,
    placeholder: &'a str,
    focused: bool,
    theme: Theme,
) -> ratatui_textarea::TextArea<'a> {
    use ratatui::style::{Modifier, Style};
    use ratatui::widgets::{Block, Borders};
    let mut boxed = area.clone();
    let border = if focused {
        theme.focused_border()
    } else {
        theme.dim()
    };
    boxed.set_block(
        Block::default()
            .borders(Borders::ALL)
            .border_style(border)
            .title(title),
    );
    boxed.set_cursor_line_style(Style::default());
    boxed.set_cursor_style(if focused {
        Style::default().add_modifier(Modifier::REVERSED)
    } else {
        Style::default()
    });
    boxed.set_placeholder_text(placeholder);
    boxed.set_placeholder_style(theme.dim());
    boxed
}

#[cfg(test)]
mod tests {
    use super::{Theme, window, wrap_words, wrapped_row};
    use ratatui::text::Span;

    #[test]
    fn words_wrap_and_long_ones_break_only_after_a_separator() {
        assert_eq!(wrap_words("a bb ccc", 4), ["a bb", "ccc"]);
        assert_eq!(
            wrap_words("https://example.com/long x", 12),
            ["https://", "example.com/", "long x"]
        );
        assert_eq!(
            wrap_words("--scopes offline_access,openid,Mail.Read", 20),
            ["--scopes", "offline_access,", "openid,Mail.Read"]
        );
        assert_eq!(wrap_words("abcdefgh", 5), ["abcde", "fgh"]);
        assert_eq!(wrap_words("", 5), [""]);
    }

    #[test]
    fn wrapped_rows_hang_under_their_label() {
        let text = |lines: Vec<ratatui::text::Line>| -> Vec<String> {
            lines.iter().map(ToString::to_string).collect()
        };
        let theme = Theme::new(true);
        let note = || Some(Span::raw("  ← recommended"));
        assert_eq!(
            text(wrapped_row(
                "( )",
                "aaa bbb ccc",
                note(),
                (true, true),
                14,
                theme
            )),
            ["▸ ( ) aaa bbb", "      ccc", "      ← recommended"]
        );
        assert_eq!(
            text(wrapped_row("[x]", "aaa", note(), (false, true), 40, theme)),
            ["  [x] aaa  ← recommended"]
        );
    }

    #[test]
    fn the_window_follows_the_cursor() {
        assert_eq!(window(10, 0, 4), 0..4);
        assert_eq!(window(10, 5, 4), 2..6);
        assert_eq!(window(10, 9, 4), 6..10);
        assert_eq!(window(3, 2, 10), 0..3);
        assert_eq!(window(3, 2, 0), 0..0);
    }
}
