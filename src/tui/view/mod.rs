//! Drawing: a pure function of the model. Title bar, step list, the current step's body, the
//! Graph-calls pane and the key hints; the help and quit overlays on top.

mod apps;
mod common;
mod connect;
mod create;
mod done;
pub(crate) mod findings;
mod overlay;
mod permissions;
mod platform;
mod redirects;
mod registration;
mod reveal;
mod review;
mod rotate;
mod secret;
mod settings;
mod sign_in;
mod tenant;
pub mod theme;
mod title;
pub mod widgets;

use super::model::{MIN_SIZE, Model, Step};
use super::update::key_hints;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use theme::Theme;

const STEP_LIST_WIDTH: u16 = 20;

pub fn draw(frame: &mut Frame, model: &Model) {
    let theme = Theme::new(model.monochrome);
    let area = frame.area();
    if model.too_small() {
        too_small(frame, area, theme);
        return;
    }
    // The call log gets more room on taller terminals; 80×24 keeps three lines of it.
    let status_height = if area.height >= 36 { 8 } else { 4 };
    let [title_area, main, status, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(status_height),
        Constraint::Length(1),
    ])
    .areas(area);
    let [steps, body] =
        Layout::horizontal([Constraint::Length(STEP_LIST_WIDTH), Constraint::Min(0)]).areas(main);

    title::render(frame, title_area, model, theme);
    widgets::step_list::render(frame, steps, model, theme);
    let body = body.inner(ratatui::layout::Margin::new(1, 0));
    match model.step {
        Step::Platform => platform::render(frame, body, model, theme),
        Step::SignIn => sign_in::render(frame, body, model, theme),
        Step::Tenant => tenant::render(frame, body, model, theme),
        Step::Registration => registration::render(frame, body, model, theme),
        Step::RedirectUris => redirects::render(frame, body, model, theme),
        Step::Permissions => permissions::render(frame, body, model, theme),
        Step::Secret => secret::render(frame, body, model, theme),
        Step::Settings => settings::render(frame, body, model, theme),
        Step::Review => review::render(frame, body, model, theme),
        Step::Create => create::render(frame, body, model, theme),
        Step::Apps => apps::render(frame, body, model, theme),
        Step::Findings => findings::render(frame, body, model, theme),
        Step::Rotate => rotate::render(frame, body, model, theme),
        Step::Connect => connect::render(frame, body, model, theme),
        Step::Reveal => reveal::render(frame, body, model, theme),
        Step::Done => done::render(frame, body, model, theme),
    }
    widgets::status_pane::render(frame, status, model, theme);
    widgets::key_hints::render(frame, hints, &key_hints(model), theme);
    overlay::render(frame, area, model, theme);
}

fn too_small(frame: &mut Frame, area: Rect, theme: Theme) {
    let text = vec![
        Line::styled("appreg needs a bigger terminal", theme.emphasis()),
        Line::raw(format!(
            "It needs at least {}×{}; this one is {}×{}. Enlarge the window, or press q to quit.",
            MIN_SIZE.0, MIN_SIZE.1, area.width, area.height
        )),
    ];
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
}
