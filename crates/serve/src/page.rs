//! The page's HTML — its own templates registered beside the ones every page of the tool
//! shares ([`yibao_recon::report::templates`]: auto-escaped, a forgotten escape cannot happen)
//! — and its CSS and JavaScript.

use std::sync::OnceLock;

use minijinja::context;

use yibao_recon::lang::Lang;
use yibao_recon::policy::{Policy, presets};
use yibao_recon::report::templates;

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

/// The page's templates.
pub const PAGES: [(&str, &str); 2] = [
    ("index.html", include_str!("assets/index.html")),
    ("too_large.html", include_str!("assets/too_large.html")),
];

fn render(name: &str, ctx: minijinja::Value) -> String {
    static ENV: OnceLock<minijinja::Environment<'static>> = OnceLock::new();
    let env = ENV.get_or_init(|| templates::environment_with(&PAGES));
    templates::render_in(env, name, ctx)
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

#[cfg(test)]
mod tests {
    #[test]
    fn every_page_template_parses() {
        let mut env = minijinja::Environment::new();
        for (name, text) in super::PAGES {
            env.add_template(name, text)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
}
