//! The page's HTML, from minijinja templates compiled into the binary (auto-escaped: a
//! forgotten escape cannot happen), and its CSS and JavaScript.

use std::sync::OnceLock;

use minijinja::{Environment, context};

use crate::lang::Lang;
use crate::policy::{Policy, presets};

pub const APP_JS: &str = include_str!("assets/app.js");
pub const APP_CSS: &str = include_str!("assets/app.css");

fn templates() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        // Names ending in .html are auto-escaped.
        let _ = env.add_template("index.html", include_str!("assets/index.html"));
        let _ = env.add_template("too_large.html", include_str!("assets/too_large.html"));
        env
    })
}

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
    templates()
        .get_template(name)
        .and_then(|t| t.render(ctx))
        .unwrap_or_else(|e| format!("<!doctype html><title>error</title><p>{e}</p>"))
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
