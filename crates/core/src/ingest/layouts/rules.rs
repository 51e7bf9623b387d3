//! Layout rules (SPEC 2.6): the user's way to say what a column is, in the spirit of
//! hledger's CSV rules. A TOML file of `[[layout]]` tables, each matching files or sheets by
//! a glob, optionally forcing the kind and the header row, naming columns' fields and
//! mapping values:
//!
//! ```toml
//! [[layout]]
//! match = "*缴费明细*"        # file or sheet name glob; omitted = every input
//! kind = "contributions"      # optional: forces the kind
//! header_row = 3              # optional: 1-based row of the header
//! [layout.columns]            # header text (after folding) → field
//! "应属年月" = "period"
//! "医疗缴费档次" = "tier"
//! [layout.values.tier]        # optional value mapping per field
//! "二档" = "单建统筹"
//! ```
//!
//! A column's field is one of the input fields' names (`schema contributions` and friends
//! list them), `person_number`, or `ignore`. Rules win over aliases and inference; a rule
//! naming a column the file does not have is a warning.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::aliases::{Field, normalize_header};
use crate::records::Kind;

/// What a rule says a column is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Field(Field),
    /// 个人编号 and its kin: the person number beside an ID.
    PersonNumber,
    /// Not read.
    Ignore,
}

/// One `[[layout]]` table, checked.
#[derive(Clone, Debug)]
pub struct LayoutRule {
    /// Where it came from: `FILE, layout N`, for messages.
    pub origin: String,
    pattern: Option<glob::Pattern>,
    pub kind: Option<Kind>,
    /// 1-based row of the header among the rows of the file or sheet.
    pub header_row: Option<u32>,
    /// Header text (folded as headers are) → what the column is.
    pub columns: Vec<(String, Target)>,
    /// Per field: cell text (folded) → the text read instead.
    pub values: Vec<(Field, Vec<(String, String)>)>,
}

impl PartialEq for LayoutRule {
    fn eq(&self, other: &LayoutRule) -> bool {
        self.origin == other.origin
    }
}
impl Eq for LayoutRule {}

/// Every rule of the files given, in order: the first rule that matches a file or sheet is
/// the one applied to it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LayoutRules {
    pub rules: Vec<LayoutRule>,
}

/// Why a rules file cannot be used (the run stops: exit 2, as for a bad policy).
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("{path}: cannot read the layout rules: {message}")]
    Read { path: String, message: String },
    #[error("{path}: not a layout rules file: {message}")]
    Parse { path: String, message: String },
    #[error("{origin}: {message}")]
    Rule { origin: String, message: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    #[serde(default)]
    layout: Vec<RuleFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(rename = "match")]
    pattern: Option<String>,
    kind: Option<String>,
    header_row: Option<i64>,
    #[serde(default)]
    columns: BTreeMap<String, String>,
    #[serde(default)]
    values: BTreeMap<String, BTreeMap<String, String>>,
}

/// The names a rule may give a column: every input field's, and two more.
pub fn target_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Field::ALL.iter().map(|f| f.name()).collect();
    names.extend(["person_number", "ignore"]);
    names
}

fn target(name: &str) -> Option<Target> {
    match name.trim() {
        "person_number" => Some(Target::PersonNumber),
        "ignore" => Some(Target::Ignore),
        other => Field::ALL
            .iter()
            .find(|f| f.name() == other)
            .map(|f| Target::Field(*f)),
    }
}

impl LayoutRules {
    /// Reads and checks a rules file.
    pub fn load(path: &Path) -> Result<LayoutRules, RulesError> {
        let shown = path.display().to_string();
        let text = std::fs::read(path).map_err(|e| RulesError::Read {
            path: shown.clone(),
            message: e.to_string(),
        })?;
        let text = String::from_utf8(text).map_err(|_| RulesError::Read {
            path: shown.clone(),
            message: "not UTF-8 text (save it as UTF-8)".to_string(),
        })?;
        LayoutRules::parse(&text, &shown)
    }

    /// Checks the rules in `text`; `name` names the file in messages.
    pub fn parse(text: &str, name: &str) -> Result<LayoutRules, RulesError> {
        let file: RulesFile = toml::from_str(text).map_err(|e| RulesError::Parse {
            path: name.to_string(),
            message: e.message().to_string(),
        })?;
        let mut rules = Vec::new();
        for (i, r) in file.layout.into_iter().enumerate() {
            let origin = format!("{name}, layout {}", i + 1);
            let bad = |message: String| RulesError::Rule {
                origin: origin.clone(),
                message,
            };
            let pattern = match &r.pattern {
                Some(p) => Some(
                    glob::Pattern::new(p)
                        .map_err(|e| bad(format!("match = {p:?} is no glob: {e}")))?,
                ),
                None => None,
            };
            let kind = match r.kind.as_deref() {
                None => None,
                Some(k) => Some(
                    Kind::ALL
                        .into_iter()
                        .find(|x| x.as_str() == k.trim())
                        .ok_or_else(|| {
                            bad(format!(
                                "kind = {k:?}: one of contributions, statement, roster"
                            ))
                        })?,
                ),
            };
            let header_row = match r.header_row {
                None => None,
                Some(n) if (1..=i64::from(u32::MAX)).contains(&n) => Some(n as u32),
                Some(n) => return Err(bad(format!("header_row = {n}: a row number from 1"))),
            };
            let mut columns = Vec::new();
            for (header, field) in &r.columns {
                let t = target(field).ok_or_else(|| {
                    bad(format!(
                        "column {header:?} = {field:?}: not a field; one of {}",
                        target_names().join(", ")
                    ))
                })?;
                let key = normalize_header(header);
                if key.is_empty() {
                    return Err(bad("a column with an empty name".to_string()));
                }
                columns.push((key, t));
            }
            let mut values = Vec::new();
            for (field, map) in &r.values {
                let Some(Target::Field(f)) = target(field) else {
                    return Err(bad(format!(
                        "values.{field}: not a field; one of {}",
                        Field::ALL.map(|f| f.name()).join(", ")
                    )));
                };
                let map = map
                    .iter()
                    .map(|(from, to)| (fold(from), to.trim().to_string()))
                    .collect();
                values.push((f, map));
            }
            rules.push(LayoutRule {
                origin,
                pattern,
                kind,
                header_row,
                columns,
                values,
            });
        }
        Ok(LayoutRules { rules })
    }

    /// Every rule of `self`, then every rule of `more`.
    pub fn extend(&mut self, more: LayoutRules) {
        self.rules.extend(more.rules);
    }

    /// The first rule whose glob matches the file's name or path, or the sheet's name (a
    /// rule without a glob matches every input).
    pub fn rule_for(&self, file: Option<&str>, sheet: Option<&str>) -> Option<&LayoutRule> {
        self.rules.iter().find(|r| r.matches(file, sheet))
    }
}

/// A value as rules compare it: trimmed, full-width folded.
fn fold(text: &str) -> String {
    crate::values::fold_width(text.trim()).into_owned()
}

impl LayoutRule {
    fn matches(&self, file: Option<&str>, sheet: Option<&str>) -> bool {
        let Some(p) = &self.pattern else {
            return true;
        };
        let base = file.map(|f| {
            Path::new(f)
                .file_name()
                .map_or(f.to_string(), |n| n.to_string_lossy().into_owned())
        });
        [file, base.as_deref(), sheet]
            .into_iter()
            .flatten()
            .any(|name| p.matches(name))
    }

    /// What the rule says column `header` (as written) is.
    pub fn column(&self, header: &str) -> Option<Target> {
        let key = normalize_header(header);
        self.columns
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, t)| *t)
    }

    /// The text to read for a cell of `field` holding `text`, when the rule maps it.
    pub fn value(&self, field: Field, text: &str) -> Option<&str> {
        let (_, map) = self.values.iter().find(|(f, _)| *f == field)?;
        let key = fold(text);
        map.iter().find(|(k, _)| *k == key).map(|(_, v)| v.as_str())
    }

    /// Whether the rule maps values of `field`.
    pub fn maps(&self, field: Field) -> bool {
        self.values.iter().any(|(f, _)| *f == field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"
[[layout]]
match = "*缴费明细*"
kind = "contributions"
header_row = 3
[layout.columns]
"应属年月" = "period"
"医疗缴费档次" = "tier"
"备用号" = "person_number"
[layout.values.tier]
"二档" = "单建统筹"
"#;

    #[test]
    fn the_spec_example_reads() {
        let rules = LayoutRules::parse(EXAMPLE, "rules.toml").unwrap();
        let r = rules
            .rule_for(Some("data/2024缴费明细.xlsx"), None)
            .unwrap();
        assert_eq!(r.kind, Some(Kind::Contributions));
        assert_eq!(r.header_row, Some(3));
        assert_eq!(r.column(" 应属 年月 "), Some(Target::Field(Field::Period)));
        assert_eq!(r.column("备用号"), Some(Target::PersonNumber));
        assert_eq!(r.value(Field::Tier, "二档"), Some("单建统筹"));
        assert_eq!(r.value(Field::Tier, "一档"), None);
        assert!(
            rules
                .rule_for(Some("statement.csv"), Some("Sheet1"))
                .is_none()
        );
        assert!(
            rules
                .rule_for(Some("x.xlsx"), Some("2024缴费明细"))
                .is_some()
        );
    }

    #[test]
    fn mistakes_are_named() {
        let err = LayoutRules::parse(
            "[[layout]]\n[layout.columns]\n\"年月\" = \"periode\"\n",
            "r.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("r.toml, layout 1") && err.contains("periode"),
            "{err}"
        );
        let err = LayoutRules::parse("[[layout]]\nkind = \"bank\"\n", "r.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("kind"), "{err}");
        let err = LayoutRules::parse("[[layout]]\nheader_row = 0\n", "r.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("header_row"), "{err}");
        let err = LayoutRules::parse("[[layouts]]\n", "r.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a layout rules file"), "{err}");
    }
}
