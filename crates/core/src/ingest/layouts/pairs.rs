//! Label–value pairs in the rows above a header (SPEC 2.1): `姓名：李明`, `身份证号 330106…`,
//! `所属期：2024年3月`, several in one cell, or a label cell with its value in the next
//! non-empty cell to the right. One scanner for every table of labels: who the sheet is
//! about ([`super::identity`]) and which month ([`super::period`]).

use crate::values::fold_width;

/// The (slot, value) pairs `labels` find in `rows`, in reading order. `labels` are tried
/// in their order at each place, so a longer label must come before a shorter one it
/// starts with (身份证号码 before 身份证号).
pub fn in_rows<S: Copy>(rows: &[Vec<String>], labels: &[(&str, S)]) -> Vec<(S, String)> {
    let mut out = Vec::new();
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| fold_width(c).into_owned()).collect();
        for (i, cell) in cells.iter().enumerate() {
            for (slot, value) in pairs(cell, labels) {
                let value = match value {
                    Some(v) => v,
                    // A label cell: its value in the next non-empty cell to the right.
                    None => match cells[i + 1..].iter().find(|c| !c.trim().is_empty()) {
                        Some(next) if label_at(next.trim(), 0, labels).is_none() => {
                            first_word(next.trim()).to_string()
                        }
                        _ => continue,
                    },
                };
                out.push((slot, value));
            }
        }
    }
    out
}

/// The label–value pairs in one cell: (slot, value), the value `None` when the label ends
/// the cell (its value is in the next cell).
fn pairs<S: Copy>(cell: &str, labels: &[(&str, S)]) -> Vec<(S, Option<String>)> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < cell.len() {
        let Some((len, slot)) = label_at(cell, at, labels) else {
            at += cell[at..].chars().next().map_or(1, char::len_utf8);
            continue;
        };
        let after = &cell[at + len..];
        let rest = after.trim_start_matches([':', ' ', '\t']);
        let separated = rest.len() < after.len();
        if rest.is_empty() {
            out.push((slot, None));
            break;
        }
        // A label glued to more text (姓名张三) is not a label.
        if !separated {
            at += len;
            continue;
        }
        let value = first_word(rest);
        if !value.is_empty() && label_at(rest, 0, labels).is_none() {
            out.push((slot, Some(value.to_string())));
        }
        at = cell.len() - rest.len() + value.len();
    }
    out
}

/// A label starting at byte `at` of `cell`, not inside a longer word: (its length, slot).
fn label_at<S: Copy>(cell: &str, at: usize, labels: &[(&str, S)]) -> Option<(usize, S)> {
    let before = cell[..at].chars().next_back();
    if before.is_some_and(|c| !c.is_whitespace() && !":,;，；|(（".contains(c)) {
        return None;
    }
    labels
        .iter()
        .find(|(label, _)| cell[at..].starts_with(label))
        .map(|(label, slot)| (label.len(), *slot))
}

/// A value runs to the next space or list separator.
fn first_word(s: &str) -> &str {
    let end = s
        .find(|c: char| c.is_whitespace() || ",;，；|)）".contains(c))
        .unwrap_or(s.len());
    &s[..end]
}
