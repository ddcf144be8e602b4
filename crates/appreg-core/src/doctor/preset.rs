//! Which platform preset an existing app is judged against: the one its `appreg-profile:` tag
//! names, else the one whose redirect URIs it carries.

use crate::graph::models::Application;
use crate::profile::Profile;

/// The tag `create` puts on the apps it makes, naming the platform preset.
pub const PROFILE_TAG: &str = "appreg-profile:";

/// The platform preset an app was made for, from its appreg tag.
pub fn tagged_profile(app: &Application) -> Option<&str> {
    app.tags.iter().find_map(|t| t.strip_prefix(PROFILE_TAG))
}

/// The app's redirect URIs, Web and SPA alike.
pub fn redirect_uris(app: &Application) -> Vec<&str> {
    app.web
        .iter()
        .flat_map(|w| &w.redirect_uris)
        .chain(app.spa.iter().flat_map(|s| &s.redirect_uris))
        .map(String::as_str)
        .collect()
}

/// The preset whose redirect URIs the app has most of (the first on a tie): a first guess at
/// the platform of an app without appreg's tag.
pub fn likely_profile(app: &Application, profiles: &[Profile]) -> Option<usize> {
    let registered = redirect_uris(app);
    profiles
        .iter()
        .enumerate()
        .map(|(i, profile)| {
            let matches = profile
                .regions
                .iter()
                .filter(|r| registered.contains(&r.redirect_uri.as_str()))
                .count();
            (i, matches)
        })
        .filter(|(_, matches)| *matches > 0)
        .max_by_key(|(i, matches)| (*matches, std::cmp::Reverse(*i)))
        .map(|(i, _)| i)
}

/// The preset an app is judged against without asking anyone: its tag's, else the one its
/// redirect URIs point to; `None` when neither tells.
pub fn judged_by<'p>(app: &Application, profiles: &'p [Profile]) -> Option<&'p Profile> {
    tagged_profile(app)
        .and_then(|id| profiles.iter().find(|p| p.id == id))
        .or_else(|| likely_profile(app, profiles).and_then(|i| profiles.get(i)))
}
