//! The HTML templates of every page the tool makes — report.html, `explain --html`, and
//! the `serve` page — in one minijinja environment compiled into the binary. Templates
//! named `.html` are auto-escaped: text from files can only reach a page escaped.

use std::sync::OnceLock;

const TEMPLATES: [(&str, &str); 7] = [
    ("head.html", include_str!("templates/head.html")),
    ("charts.html", include_str!("templates/charts.html")),
    ("report.html", include_str!("templates/report.html")),
    ("person.html", include_str!("templates/person.html")),
    ("index.html", include_str!("../serve/assets/index.html")),
    (
        "too_large.html",
        include_str!("../serve/assets/too_large.html"),
    ),
    (
        "error.html",
        "<!doctype html><title>error</title><p>{{ message }}</p>",
    ),
];

fn environment() -> &'static minijinja::Environment<'static> {
    static ENV: OnceLock<minijinja::Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = minijinja::Environment::new();
        for (name, text) in TEMPLATES {
            // A template that does not parse is a build defect; the test below names it.
            let _ = env.add_template(name, text);
        }
        env
    })
}

/// Renders template `name` with `context`. A template error (a defect, caught by the
/// tests) gives a page that says it rather than a panic.
pub fn render(name: &str, context: minijinja::Value) -> String {
    environment()
        .get_template(name)
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
