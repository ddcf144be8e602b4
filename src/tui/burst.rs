//! A paste the terminal typed. Without bracketed paste (a terminal or multiplexer that lacks it,
//! a tool that types the clipboard into the window) a paste arrives as key presses, each line
//! break an Enter (CR) or a Ctrl+J (LF). Keys a person types come tens of milliseconds apart; a
//! paste's come all at once. So the loop gathers the events that follow each other within
//! [`GAP`], and a run of text keys among them that goes on past a line break is read as one
//! paste: otherwise its Enters would step on and its letters would act as keys (`i` opens the
//! import box, `q` quits).

use super::msg::Msg;
use crate::text;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::time::Duration;

/// The longest pause between two events of one batch: far shorter than between two key presses
/// of the fastest typist, far longer than between two keys of a typed paste.
pub const GAP: Duration = Duration::from_millis(5);

/// A batch ends after this many events, so an endless stream of input still gets drawn.
pub const MOST_EVENTS: usize = 64 * 1024;

/// The messages of one batch of terminal events, with each typed paste in it made one paste.
pub fn coalesce(batch: Vec<Msg>) -> Vec<Msg> {
    let mut out = Vec::with_capacity(batch.len());
    let mut run: Vec<KeyEvent> = Vec::new();
    for msg in batch {
        match msg {
            Msg::Key(key) if text_of(&key).is_some() => run.push(key),
            other => {
                flush(&mut run, &mut out);
                out.push(other);
            }
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Ends a run of text keys: one paste when it runs on past a line break, else the keys.
fn flush(run: &mut Vec<KeyEvent>, out: &mut Vec<Msg>) {
    let text: String = run.iter().filter_map(text_of).collect();
    let typed_paste = text
        .split_once('\n')
        .is_some_and(|(_, after)| after.chars().any(|c| !c.is_whitespace()));
    if typed_paste {
        out.push(Msg::Paste(text));
        run.clear();
    } else {
        out.extend(run.drain(..).map(Msg::Key));
    }
}

/// The character a key press stands for in pasted text, if it is text.
fn text_of(key: &KeyEvent) -> Option<char> {
    let plain = key.modifiers.difference(KeyModifiers::SHIFT).is_empty();
    match key.code {
        KeyCode::Char(c) if plain && !text::is_unsafe(c) => Some(c),
        // In raw mode a line feed is read as Ctrl+J.
        KeyCode::Char('j') if key.modifiers == KeyModifiers::CONTROL => Some('\n'),
        KeyCode::Enter if key.modifiers.is_empty() => Some('\n'),
        KeyCode::Tab if key.modifiers.is_empty() => Some('\t'),
        _ => None,
    }
}

/// Key presses as a terminal without bracketed paste reads `text`: CR as Enter, LF as Ctrl+J.
#[cfg(test)]
pub fn typed(text: &str) -> Vec<KeyEvent> {
    text.chars()
        .map(|c| match c {
            '\r' => KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
            '\n' => KeyEvent::new(KeyCode::Char('j'), KeyModifiers::CONTROL),
            '\t' => KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE),
            c if c.is_uppercase() => KeyEvent::new(KeyCode::Char(c), KeyModifiers::SHIFT),
            c => KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<Msg> {
        typed(text).into_iter().map(Msg::Key).collect()
    }

    /// Messages are compared as they print: most of them cannot be compared otherwise.
    fn shown(messages: Vec<Msg>) -> Vec<String> {
        messages.iter().map(|m| format!("{m:?}")).collect()
    }

    #[test]
    fn keys_that_run_on_past_a_line_break_are_one_paste() {
        for (pasted, read) in [("ab\ncd", "ab\ncd"), ("ab\rcd\r", "ab\ncd\n")] {
            assert_eq!(
                shown(coalesce(keys(pasted))),
                shown(vec![Msg::Paste(read.into())])
            );
        }
    }

    #[test]
    fn typing_ahead_stays_keys() {
        // A name and Enter, typed faster than the screen was drawn: the Enter still submits.
        for typed_ahead in ["Acme\r", "q", "\r\r", "a\r  "] {
            assert_eq!(
                shown(coalesce(keys(typed_ahead))),
                shown(keys(typed_ahead)),
                "{typed_ahead:?}"
            );
        }
    }

    #[test]
    fn other_events_keep_their_place() {
        let arrow = || Msg::Key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE));
        let resize = || Msg::Resize {
            width: 80,
            height: 24,
        };
        let mut batch = keys("x");
        batch.push(arrow());
        batch.extend(keys("a\rb"));
        batch.push(resize());
        let mut expected = keys("x");
        expected.extend([arrow(), Msg::Paste("a\nb".into()), resize()]);
        assert_eq!(shown(coalesce(batch)), shown(expected));
    }
}
