//! Pieces several screens share.

pub mod key_hints;
pub mod qr;
pub mod scroll_pane;
pub mod status_pane;
pub mod step_list;
pub mod text_field;

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub fn spinner(frame: usize) -> &'static str {
    SPINNER[frame % SPINNER.len()]
}
