//! The page's HTML, from the templates every page of the tool shares
//! ([`crate::report::templates`]: auto-escaped, a forgotten escape cannot happen), and its
//! CSS and JavaScript.

use minijinja::context;

use crate::lang::Lang;
use crate::policy::{Policy, presets};

pub const APP_JS: &str = include_str!("assets/app.js");
pub const APP_CSS: &str = include_str!("assets/app.css");

/// The presets with the line that says where their numbers come from.
fn preset_choices() -> Vec<(String, String)> {
    presets::PRESETS
        .iter()
        .map(|(name, text)| {
            let source = Policy::from_toml(text, name)
                .map(|p| p.source)
                .unwrap_or_default();
            (name.to_string(), source)
        })
        .collect()
}

fn render(name: &str, ctx: minijinja::Value) -> String {
    crate::report::templates::render(name, ctx)
}

/// The page: the form, and the place the answer is drawn.
pub fn index(lang: Lang) -> String {
    render(
        "index.html",
        context! {
            zh => lang == Lang::Zh,
            lang => lang.pick("zh", "en"),
            presets => preset_choices(),
            default_preset => presets::DEFAULT,
        },
    )
}

/// 413: the upload passed the limit.
pub fn too_large(limit_mb: usize, lang: Lang) -> String {
    render(
        "too_large.html",
        context! { zh => lang == Lang::Zh, limit_mb => limit_mb },
    )
}
