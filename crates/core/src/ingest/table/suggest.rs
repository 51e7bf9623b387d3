//! `check --suggest-layout` (SPEC 2.6): for a table that was skipped or has unread columns,
//! a starting layout rule — the header row, the kind, each column with the tool's best
//! reading: the columns it read as it read them, the others commented with what their
//! words or values suggest.

use serde::{Deserialize, Serialize};

use super::header::{ColumnMap, Detection, looks_like_header, map_header, missing_for_with};
use crate::aliases::{self, Field, normalize_header};
use crate::ingest::layouts::infer::{self, Reading};
use crate::ingest::layouts::rules::LayoutRule;
use crate::records::Kind;

/// A starting layout rule for one table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    /// 1-based row of the header (as a spreadsheet shows it).
    pub header_row: u32,
    /// The kind the tool read the table as, or its best guess.
    pub kind: Option<Kind>,
    /// Whether the tool read the table (only some columns were left unread).
    pub read: bool,
    pub columns: Vec<SuggestedColumn>,
}

/// One column of a [`Suggestion`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuggestedColumn {
    /// The header as written.
    pub header: String,
    /// The field read or guessed (`person_number` included), if any.
    pub field: Option<String>,
    /// Whether the tool read the column so.
    pub read: bool,
    /// Why: `an alias`, the header's words, its values.
    pub why: String,
}

/// The suggestion for a table, when it was skipped or has unread columns; `rows` are the
/// rows the header was looked for in, `row_numbers` their 1-based numbers.
pub fn suggest(
    rows: &[Vec<String>],
    row_numbers: &[u32],
    detection: &Detection,
    rule: Option<&LayoutRule>,
) -> Option<Suggestion> {
    match detection {
        Detection::Found(layout) => {
            let ignored = layout.map.ignored(layout.kind);
            if ignored.is_empty() {
                return None;
            }
            let data = &rows[layout.header_row + 1..];
            let columns = (0..layout.map.names_len())
                .filter_map(|c| found_column(&layout.map, layout.kind, c, data))
                .collect();
            Some(Suggestion {
                header_row: row_numbers.get(layout.header_row).copied()?,
                kind: Some(layout.kind),
                read: true,
                columns,
            })
        }
        _ => {
            let r = likeliest_header(rows)?;
            let map = map_header(rows, r, rule);
            let kind = likeliest_kind(&map);
            let data = &rows[r + 1..];
            let columns = rows[r]
                .iter()
                .enumerate()
                .filter(|(_, h)| !h.trim().is_empty())
                .map(|(c, h)| guess(h, values(data, c)))
                .collect();
            Some(Suggestion {
                header_row: row_numbers.get(r).copied()?,
                kind,
                read: false,
                columns,
            })
        }
    }
}

fn values(data: &[Vec<String>], c: usize) -> impl Iterator<Item = &str> {
    data.iter()
        .filter_map(move |r| r.get(c))
        .map(String::as_str)
}

/// A column of a table that was read: its field as read, or a guess when it was not.
fn found_column(
    map: &ColumnMap,
    kind: Kind,
    c: usize,
    data: &[Vec<String>],
) -> Option<SuggestedColumn> {
    let header = map.header(c).trim().to_string();
    if header.is_empty() {
        return None;
    }
    if map.person_number_column() == Some(c) {
        return Some(SuggestedColumn {
            header,
            field: Some("person_number".to_string()),
            read: true,
            why: "read so".to_string(),
        });
    }
    let fields = Field::used_by(kind);
    if let Some(f) = Field::ALL
        .iter()
        .find(|f| fields.contains(f) && map.column(**f) == Some(c))
    {
        return Some(SuggestedColumn {
            header,
            field: Some(f.name().to_string()),
            read: true,
            why: "read so".to_string(),
        });
    }
    let mut g = guess(&header, values(data, c));
    g.read = false;
    Some(g)
}

/// What a column's header and values suggest, whatever other columns hold.
fn guess<'a>(header: &str, cells: impl Iterator<Item = &'a str>) -> SuggestedColumn {
    let n = normalize_header(header);
    let (field, why) = if let Some((f, _)) = aliases::lookup(&n) {
        (Some(f.name()), "an alias".to_string())
    } else if aliases::is_payment_month(&n) {
        (Some(Field::Period.name()), "an alias".to_string())
    } else {
        match infer::by_words(&n) {
            Some((Reading::Field(f, _), why)) => (Some(f.name()), format!("header words: {why}")),
            Some((Reading::Nothing, why)) => (None, why.to_string()),
            _ => match infer::by_values(cells) {
                Some((class, k, of)) => (
                    infer::field_of(class, true).map(Field::name),
                    format!("values: {k} of {of} are {}", infer::class_words(class)),
                ),
                None => (None, String::new()),
            },
        }
    };
    SuggestedColumn {
        header: header.trim().to_string(),
        field: field.map(str::to_string),
        read: false,
        why,
    }
}

/// The row most like a header among those read: the most cells an alias or the words name,
/// the earliest on a tie.
fn likeliest_header(rows: &[Vec<String>]) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None;
    for (r, row) in rows.iter().enumerate().take(super::HEADER_SCAN_ROWS) {
        if !looks_like_header(row) {
            continue;
        }
        let named = row
            .iter()
            .map(|h| normalize_header(h))
            .filter(|n| {
                !n.is_empty()
                    && (aliases::lookup(n).is_some()
                        || matches!(infer::by_words(n), Some((Reading::Field(..), _))))
            })
            .count();
        let cells = row.iter().filter(|h| !h.trim().is_empty()).count();
        let score = named * 100 + cells;
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, r));
        }
    }
    best.map(|(_, r)| r)
}

/// The kind whose required columns the map has, else the one it has the most fields of.
fn likeliest_kind(map: &ColumnMap) -> Option<Kind> {
    let mut best: Option<(usize, Kind)> = None;
    for kind in Kind::ALL {
        let map = map.clone().for_kind(kind);
        if missing_for_with(kind, &map, true, true).is_empty() {
            return Some(kind);
        }
        let score = Field::used_by(kind).iter().filter(|f| map.has(**f)).count();
        if score > 0 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, kind));
        }
    }
    best.map(|(_, k)| k)
}

/// A layout rules file (TOML) for `suggestions`: (file path, sheet, suggestion), each a
/// `[[layout]]` of its own matching its file's name.
pub fn rules_file(suggestions: &[(String, Option<String>, Suggestion)]) -> String {
    use std::fmt::Write as _;
    let quote = |s: &str| toml::Value::String(s.to_string()).to_string();
    let mut out = String::from(
        "# yibao-recon check --suggest-layout: a first layout rules file (SPEC 2.6).\n\
         # Check every line: correct or uncomment what the tool guessed, delete what is\n\
         # right already, then run with --layout THIS_FILE (or layouts = [...] in a job).\n\
         # A column's field is one of:\n",
    );
    let names = crate::ingest::layouts::rules::target_names();
    for chunk in names.chunks(8) {
        let _ = writeln!(out, "#   {}", chunk.join(", "));
    }
    for (path, sheet, s) in suggestions {
        let file = std::path::Path::new(path)
            .file_name()
            .map_or(path.clone(), |n| n.to_string_lossy().into_owned());
        out.push('\n');
        let _ = writeln!(
            out,
            "# {}{}: {}",
            path,
            sheet
                .as_deref()
                .map(|s| format!(" [{s}]"))
                .unwrap_or_default(),
            if s.read {
                "read; some columns were not"
            } else {
                "skipped: the tool could not tell what it holds"
            }
        );
        out.push_str("[[layout]]\n");
        let _ = writeln!(out, "match = {}", quote(sheet.as_deref().unwrap_or(&file)));
        match s.kind {
            Some(k) if s.read => {
                let _ = writeln!(out, "kind = {}  # as read", quote(k.as_str()));
            }
            Some(k) => {
                let _ = writeln!(out, "kind = {}  # the likeliest", quote(k.as_str()));
            }
            None => out.push_str("# kind = \"contributions\"  # or statement, roster\n"),
        }
        let _ = writeln!(out, "header_row = {}", s.header_row);
        out.push_str("[layout.columns]\n");
        for c in &s.columns {
            let key = quote(&c.header);
            match (&c.field, c.read) {
                (Some(f), true) => {
                    let _ = writeln!(out, "{key} = {}  # read so", quote(f));
                }
                (Some(f), false) => {
                    let _ = writeln!(out, "# {key} = {}  # {}", quote(f), c.why);
                }
                (None, _) if c.why.contains("amounts") => {
                    let _ = writeln!(
                        out,
                        "# {key} = \"\"  # {}: base, employee_amount, employer_amount, stated_credit or ignore?",
                        c.why
                    );
                }
                (None, _) => {
                    let why = if c.why.is_empty() {
                        "  # what is it? a field above, or ignore".to_string()
                    } else {
                        format!("  # {}", c.why)
                    };
                    let _ = writeln!(out, "# {key} = \"ignore\"{why}");
                }
            }
        }
    }
    out
}
