//! ARCHITECTURE.md's table of which module may use which, checked against the code: every
//! `crate::` path in a module of the engine (crates/core; comments and tests aside) names
//! a module the table allows, no `include_str!` reaches into another module's folder
//! (report's templates once included serve's page), and the engine depends on no host's
//! crates (a command line, a server, an allocator).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The engine's sources.
const CORE: &str = "crates/core/src";

/// The table: module → the modules it may use.
fn allowed() -> BTreeMap<String, BTreeSet<String>> {
    rows().into_iter().collect()
}

/// The table's rows in its order, top to bottom: (module, the modules it may use).
fn rows() -> Vec<(String, BTreeSet<String>)> {
    let text = std::fs::read_to_string("ARCHITECTURE.md").unwrap();
    let section = &text[text.find("## Which module may use which").unwrap()..];
    let mut table = Vec::new();
    for line in section
        .lines()
        .skip_while(|l| !l.starts_with("| module"))
        .skip(2)
    {
        let Some(row) = line.strip_prefix('|') else {
            break;
        };
        let cells: Vec<&str> = row.split('|').collect();
        let (modules, uses) = (cells[0], cells[1]);
        // Words in parentheses say what is used, not which module.
        let mut names = String::new();
        let mut depth = 0;
        for c in uses.chars() {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ if depth == 0 => names.push(c),
                _ => {}
            }
        }
        let uses: BTreeSet<String> = names
            .split(',')
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty() && n != "nothing")
            .collect();
        for module in modules.split(',') {
            table.push((module.trim().trim_matches('`').to_string(), uses.clone()));
        }
    }
    table
}

/// The engine's top modules, as its `lib.rs` declares them.
fn modules() -> Vec<String> {
    std::fs::read_to_string("crates/core/src/lib.rs")
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix("pub mod "))
        .map(|l| l.trim_end_matches(';').to_string())
        .collect()
}

/// Every `.rs` file of a module: `src/NAME.rs` and what is under `src/NAME/`.
fn files_of(module: &str) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let file = Path::new(CORE).join(format!("{module}.rs"));
    if file.is_file() {
        out.push(file);
    }
    let mut stack = vec![Path::new(CORE).join(module)];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The code of a file: its lines up to its tests, comments left out.
fn code_lines(path: &Path) -> Vec<(usize, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("#[cfg(test)]") {
            break;
        }
        if trimmed.starts_with("//") {
            continue;
        }
        out.push((i + 1, line.to_string()));
    }
    out
}

/// The module names that follow `crate::` in a line, `crate::{a, b::c}` included.
fn crate_paths(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in line.match_indices("crate::") {
        // `yibao_recon::crate::` does not occur; a `$crate::` in a macro is the same crate.
        let rest = &line[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = &group[..group.find('}').unwrap_or(group.len())];
            for part in inner.split(',') {
                let name: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                out.push(name);
            }
        } else {
            out.push(
                rest.chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect(),
            );
        }
    }
    out
}

#[test]
fn every_module_uses_only_what_architecture_md_allows() {
    let table = allowed();
    let modules = modules();
    let mut wrong = Vec::new();
    for module in &modules {
        let Some(may) = table.get(module) else {
            wrong.push(format!("{module}: not in ARCHITECTURE.md's table"));
            continue;
        };
        for file in files_of(module) {
            for (n, line) in code_lines(&file) {
                for used in crate_paths(&line) {
                    if &used != module && modules.contains(&used) && !may.contains(&used) {
                        wrong.push(format!("{}:{n}: {module} uses {used}", file.display()));
                    }
                }
                if let Some(at) = line.find("include_str!(\"../") {
                    let target = &line[at + "include_str!(\"".len()..];
                    let leaves_to: String = target
                        .trim_start_matches("../")
                        .chars()
                        .take_while(|c| *c != '/' && *c != '"')
                        .collect();
                    if modules.contains(&leaves_to) && &leaves_to != module {
                        wrong.push(format!(
                            "{}:{n}: {module} includes a file of {leaves_to}",
                            file.display()
                        ));
                    }
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_table_has_no_circle() {
    // Each module may use only modules listed below it.
    let rows = rows();
    for (i, (module, uses)) in rows.iter().enumerate() {
        for used in uses {
            let j = rows.iter().position(|(m, _)| m == used);
            assert!(
                j.is_some_and(|j| j > i),
                "{module} may use {used}, which is not below it"
            );
        }
    }
}

#[test]
fn the_checker_sees_grouped_and_plain_paths() {
    assert_eq!(
        crate_paths("use crate::{records::Kind, values::fold_width};"),
        ["records", "values"]
    );
    assert_eq!(
        crate_paths("let x = crate::money::two_digits(3);"),
        ["money"]
    );
}

/// The engine builds for every host (the browser's wasm too): none of a host's crates.
#[test]
fn the_engine_depends_on_no_hosts_crates() {
    let manifest = std::fs::read_to_string("crates/core/Cargo.toml").unwrap();
    let manifest: toml::Table = manifest.parse().unwrap();
    let mut names: Vec<&String> = Vec::new();
    for section in ["dependencies", "target"] {
        if let Some(table) = manifest.get(section).and_then(|t| t.as_table()) {
            names.extend(table.keys());
        }
    }
    if let Some(targets) = manifest.get("target").and_then(|t| t.as_table()) {
        for target in targets.values() {
            if let Some(deps) = target.get("dependencies").and_then(|t| t.as_table()) {
                names.extend(deps.keys());
            }
        }
    }
    for host in [
        "clap",
        "clap_complete",
        "clap_mangen",
        "axum",
        "tokio",
        "tower",
        "tower-http",
        "mimalloc",
        "libmimalloc-sys",
        "indicatif",
        "anyhow",
        "pyo3",
    ] {
        assert!(
            !names.iter().any(|n| *n == host),
            "crates/core depends on {host}"
        );
    }
}

/// A newcomer reads the README in five minutes: at most 300 lines, the two commands (the
/// main job on the samples, the tests) near the top; the manual is in docs/.
#[test]
fn the_readme_is_short_and_starts_with_the_two_commands() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let lines: Vec<&str> = readme.lines().collect();
    assert!(lines.len() <= 300, "README.md has {} lines", lines.len());
    let top = lines[..60.min(lines.len())].join("\n");
    assert!(
        top.contains("cargo run --release -- reconcile samples/"),
        "{top}"
    );
    assert!(top.contains("cargo test"), "{top}");
    for link in readme.split("](").skip(1) {
        let target = &link[..link.find(')').unwrap()];
        if !target.starts_with("http") {
            assert!(Path::new(target).exists(), "README links to {target}");
        }
    }
}
