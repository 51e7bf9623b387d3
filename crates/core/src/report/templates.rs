//! The HTML templates of every page the tool makes — report.html, `explain --html`, and
//! the `serve` page — in one minijinja environment compiled into the binary. Templates
//! named `.html` are auto-escaped: text from files can only reach a page escaped.

use std::sync::OnceLock;

/// The report pages' templates; a front end adds its own pages with [`environment_with`].
const TEMPLATES: [(&str, &str); 5] = [
    ("head.html", include_str!("templates/head.html")),
    ("charts.html", include_str!("templates/charts.html")),
    ("report.html", include_str!("templates/report.html")),
    ("person.html", include_str!("templates/person.html")),
    (
        "error.html",
        "<!doctype html><title>error</title><p>{{ message }}</p>",
    ),
];

/// The report templates and `pages` (a front end's own: `serve` adds its page) in one
/// auto-escaping environment. A template that does not parse is a build defect; the
/// tests name it, and rendering it gives a page that says so.
pub fn environment_with(pages: &[(&'static str, &'static str)]) -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    for &(name, text) in TEMPLATES.iter().chain(pages) {
        let _ = env.add_template(name, text);
    }
    env
}

fn environment() -> &'static minijinja::Environment<'static> {
    static ENV: OnceLock<minijinja::Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| environment_with(&[]))
}

/// Renders template `name` with `context`. A template error (a defect, caught by the
/// tests) gives a page that says it rather than a panic.
pub fn render(name: &str, context: minijinja::Value) -> String {
    render_in(environment(), name, context)
}

/// [`render`] in an environment of [`environment_with`].
pub fn render_in(
    env: &minijinja::Environment<'static>,
    name: &str,
    context: minijinja::Value,
) -> String {
    env.get_template(name)
        .and_then(|t| t.render(context))
        .unwrap_or_else(|e| {
            format!(
                "<!doctype html><title>error</title><p>{}</p>",
                super::html_escape(&e.to_string())
            )
        })
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_template_parses() {
        let mut env = minijinja::Environment::new();
        for (name, text) in super::TEMPLATES {
            env.add_template(name, text)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
}
