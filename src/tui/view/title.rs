//! The title bar: what is being registered where, and the DEMO badge.

use super::theme::Theme;
use crate::tui::model::{Model, SignInPhase};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

const DEMO_BADGE: &str = " DEMO · simulator, nothing real is touched ";
const SHORT_DEMO_BADGE: &str = " DEMO: simulator ";
/// Below this width the short badge leaves room for the tenant's name.
const WIDE: u16 = 100;

pub fn render(frame: &mut Frame, area: Rect, model: &Model, theme: Theme) {
    let tenant = match (&model.tenant.chosen, &model.sign_in.phase) {
        (Some(t), _) => t.name.clone(),
        (None, SignInPhase::SignedIn { .. }) => "choose a tenant".into(),
        (None, _) => "not signed in".into(),
    };
    let text = format!(" appreg · {} · tenant: {tenant}", model.profile().name);
    let badge = match (model.demo, area.width >= WIDE) {
        (false, _) => "",
        (true, true) => DEMO_BADGE,
        (true, false) => SHORT_DEMO_BADGE,
    };
    let badge_width = badge.chars().count() as u16;
    let [left, right] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(badge_width)]).areas(area);
    frame.render_widget(Paragraph::new(Line::from(text)).style(theme.title()), left);
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(badge, theme.badge()))),
        right,
    );
}
