//! Review: the whole plan in the portal's words, the exact Graph requests, the manifest JSON.

use super::{Handled, KeyHint, SCROLL_HINT, hint};
use crate::tui::model::{CreateStep, Model, ReviewView, Step};
use crate::tui::msg::Effect;
use crossterm::event::{KeyCode, KeyEvent};

pub fn on_key(model: &mut Model, key: KeyEvent) -> Handled {
    let review = &mut model.review;
    match key.code {
        KeyCode::Char('r') => switch(review, ReviewView::Requests),
        KeyCode::Char('m') => switch(review, ReviewView::Manifest),
        KeyCode::Enter => return Handled::Yes(start(model)),
        _ if review.scroll.on_key(key) => {}
        _ => return Handled::No,
    }
    Handled::nothing()
}

/// `r` and `m` each show their view, and the same key again returns to the summary.
fn switch(review: &mut crate::tui::model::ReviewStep, view: ReviewView) {
    review.view = if review.view == view {
        ReviewView::Summary
    } else {
        view
    };
    review.scroll.reset();
}

/// Runs the plan when Graph would accept it; otherwise the review shows what to fix.
fn start(model: &mut Model) -> Vec<Effect> {
    let Ok((plan, _)) = model.plan() else {
        return Vec::new();
    };
    if !plan.validate(model.now).is_empty() {
        return Vec::new();
    }
    model.create = CreateStep::default();
    model.create.attempt = 1;
    model.step = Step::Create;
    vec![Effect::Run(Box::new(plan))]
}

pub fn keys(model: &Model) -> Vec<KeyHint> {
    let toggle = |view, on: &'static str, off: &'static str| {
        if model.review.view == view { off } else { on }
    };
    vec![
        hint("enter", "create the app"),
        hint(
            "r",
            toggle(ReviewView::Requests, "Graph requests", "summary"),
        ),
        hint("m", toggle(ReviewView::Manifest, "manifest", "summary")),
        SCROLL_HINT,
    ]
}
