//! Identity above the header (SPEC 2.1): a per-person export (a city portal's page, an app's
//! statement) names its person once, in the title rows, and not on each row. Label–value
//! pairs there — `姓名：李明`, `身份证号 330106…`, a label cell with its value in the next
//! cell to the right, several pairs in one cell — give every row without its own value
//! that field. `--person` / `--name` give the same for a file that names nobody.

use super::pairs;
use crate::aliases::{self, Field};
use crate::records::Text;
use crate::values::{self, Cell, fold_width, is_id_number};

/// Who a sheet is about, where its rows do not say; in the texts records hold, so that
/// every row can share them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Identity {
    /// The ID number (or whatever identifier an ID label gave), as a person key.
    pub person_id: Option<Text>,
    pub name: Option<Text>,
    pub person_number: Option<Text>,
}

impl Identity {
    /// The person `--person ID --name NAME` names: an ID number is their ID, any other
    /// identifier their person number. `None` when `id` is no identifier at all.
    pub fn given(id: &str, name: Option<&str>) -> Option<Identity> {
        let key = key(id)?;
        let is_id = is_id_number(&key);
        Some(Identity {
            person_id: is_id.then(|| key.clone()),
            person_number: (!is_id).then_some(key),
            name: name.map(Text::from),
        })
    }

    pub fn is_empty(&self) -> bool {
        self.person_id.is_none() && self.person_number.is_none()
    }

    /// What keys the rows: the ID number, else the person number.
    pub fn key(&self) -> Option<&Text> {
        self.person_id.as_ref().or(self.person_number.as_ref())
    }

    /// `self`, with what it lacks taken from `other`.
    pub fn or(self, other: &Identity) -> Identity {
        Identity {
            person_id: self.person_id.or_else(|| other.person_id.clone()),
            name: self.name.or_else(|| other.name.clone()),
            person_number: self.person_number.or_else(|| other.person_number.clone()),
        }
    }
}

/// Which field a label names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    Id,
    Name,
    Number,
}

/// The labels of an identity above a header: the alias table's names of the ID, the
/// person number and the name (one list, SPEC 2.6's additions included), longest first
/// so that 身份证号码 is not read as 身份证号 + 码, nor 社保个人编号 as 个人编号.
fn labels() -> &'static [(&'static str, Slot)] {
    static LABELS: std::sync::OnceLock<Vec<(&'static str, Slot)>> = std::sync::OnceLock::new();
    LABELS.get_or_init(|| {
        let ids = Field::PersonId.aliases().iter().map(|&a| {
            let slot = if aliases::is_person_number(a) {
                Slot::Number
            } else {
                Slot::Id
            };
            (a, slot)
        });
        let names = Field::Name.aliases().iter().map(|&a| (a, Slot::Name));
        let mut labels: Vec<(&'static str, Slot)> =
            ids.chain(names).filter(|(a, _)| !a.is_ascii()).collect();
        labels.sort_by_key(|(a, _)| std::cmp::Reverse(a.len()));
        labels
    })
}

/// Why the rows above a header cannot say who the sheet is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TwoIdentities;

/// The identity the rows above a header give (`rows` are those rows, cells as text);
/// empty when they give none. Two different values for one field are refused.
pub fn above_header(rows: &[Vec<String>]) -> Result<Identity, TwoIdentities> {
    let mut found = Identity::default();
    for (slot, value) in pairs::in_rows(rows, labels()) {
        set(&mut found, slot, &value)?;
    }
    if found.person_id.is_none()
        && let Some((id, name)) = bare_id(rows)?
    {
        found.person_id = Some(id);
        found.name = found.name.or(name);
    }
    if found.name.is_none() {
        found.name = name_beside_masked_id(rows);
    }
    Ok(found)
}

/// Whether a row above a header names a person (an ID number, a person number, a
/// `label：value` cell) rather than labelling groups of columns: such a row is never part
/// of the header (SPEC 2.6).
pub fn names_someone(row: &[String]) -> bool {
    let labelled = row.iter().any(|cell| {
        let folded = fold_width(cell);
        folded
            .split_once(':')
            .is_some_and(|(label, value)| !label.trim().is_empty() && !value.trim().is_empty())
    });
    if labelled {
        return true;
    }
    match above_header(&[row.to_vec()]) {
        Ok(found) => {
            found.person_id.as_deref().is_some_and(is_id_number)
                || found
                    .person_number
                    .as_deref()
                    .is_some_and(|n| n.len() >= 5 && n.bytes().all(|b| b.is_ascii_digit()))
        }
        Err(TwoIdentities) => true,
    }
}

/// Puts `value` in its slot; a second, different value for a slot is refused.
fn set(found: &mut Identity, slot: Slot, value: &str) -> Result<(), TwoIdentities> {
    let (place, value) = match slot {
        Slot::Name => (&mut found.name, Some(Text::from(value))),
        Slot::Id => (&mut found.person_id, key(value)),
        Slot::Number => (&mut found.person_number, key(value)),
    };
    let Some(value) = value else {
        return Ok(());
    };
    match place {
        Some(old) if *old != value => Err(TwoIdentities),
        Some(_) => Ok(()),
        None => {
            *place = Some(value);
            Ok(())
        }
    }
}

/// A value as a person key, when it reads as one (a masked ID does not).
fn key(value: &str) -> Option<Text> {
    values::person_key(&Cell::Text(value.into()))
        .ok()
        .flatten()
        .map(|k| Text::from(k.id))
}

/// Without a label, one 18-digit ID number in the title rows (`李明 330106…的账户明细`,
/// an app's page title) names the person — with a birth date that exists; a wrong check
/// digit is accepted, as in any ID cell — and a name of two to four Chinese characters
/// standing just before it in the same cell is the name. Two different IDs are refused.
fn bare_id(rows: &[Vec<String>]) -> Result<Option<(Text, Option<Text>)>, TwoIdentities> {
    let mut found: Option<(Text, Option<Text>)> = None;
    for cell in rows.iter().flatten() {
        let folded = fold_width(cell).to_ascii_uppercase();
        let bytes = folded.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if !bytes[i].is_ascii_alphanumeric() {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                i += 1;
            }
            let token = &folded[start..i];
            if !(token.len() == 18 && is_id_number(token)) {
                continue;
            }
            let name = name_before(&folded[..start]);
            match &mut found {
                Some((f, _)) if **f != *token => return Err(TwoIdentities),
                Some((_, known)) => *known = known.take().or(name),
                None => found = Some((Text::from(token), name)),
            }
        }
    }
    Ok(found)
}

/// An app's title often shows the ID masked (`钱进 330106********0255 个人账户明细`) and the
/// full ID on a labelled line: the name before the masked ID is still the name.
fn name_beside_masked_id(rows: &[Vec<String>]) -> Option<Text> {
    rows.iter().flatten().find_map(|cell| {
        let folded = fold_width(cell);
        let bytes = folded.as_bytes();
        let masked_at = (0..bytes.len()).find(|&i| {
            let run = bytes[i..]
                .iter()
                .take_while(|b| b.is_ascii_digit() || matches!(b, b'*' | b'X' | b'x'))
                .count();
            (i == 0 || !bytes[i - 1].is_ascii_digit())
                && (15..=18).contains(&run)
                && bytes[i..i + run].contains(&b'*')
                && bytes[i..i + 6].iter().all(u8::is_ascii_digit)
        })?;
        name_before(&folded[..masked_at])
    })
}

/// The name standing just before an ID in a title: the last run of Chinese characters
/// (separators and brackets between skipped), when it is two to four long.
fn name_before(text: &str) -> Option<Text> {
    let trimmed = text.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, '(' | '（' | ':' | '：' | '-' | '—' | ',' | '，')
    });
    let is_han = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c) || c == '·';
    let run: String = trimmed
        .chars()
        .rev()
        .take_while(|c| is_han(*c))
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let n = run.chars().count();
    (2..=4).contains(&n).then(|| Text::from(run.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    const ID: &str = "11010519491231002X";

    #[test]
    fn pairs_in_one_cell_and_label_cells() {
        let one = grid(&[&["个人账户明细"], &[&format!("姓名：李明　身份证号：{ID}")]]);
        let got = above_header(&one).unwrap();
        assert_eq!(got.person_id.as_deref(), Some(ID));
        assert_eq!(got.name.as_deref(), Some("李明"));
        let cells = grid(&[
            &["姓名", "", "李明", "证件号码:", ID],
            &["个人编号 1000123"],
        ]);
        let got = above_header(&cells).unwrap();
        assert_eq!(got.person_id.as_deref(), Some(ID));
        assert_eq!(got.name.as_deref(), Some("李明"));
        assert_eq!(got.person_number.as_deref(), Some("1000123"));
    }

    /// The labels are the alias table's: its SPEC 2.6 names (公民身份证号码, 社保个人编号)
    /// are read above a header as in a header, the longer name before the one inside it.
    #[test]
    fn labels_come_from_the_alias_table() {
        let rows = grid(&[&[&format!(
            "参保人姓名：李明 公民身份证号码：{ID} 社保个人编号：10023456"
        )]]);
        let got = above_header(&rows).unwrap();
        assert_eq!(got.person_id.as_deref(), Some(ID));
        assert_eq!(got.name.as_deref(), Some("李明"));
        assert_eq!(got.person_number.as_deref(), Some("10023456"));
        assert!(labels().iter().all(|(a, _)| !a.is_ascii()));
        assert!(labels().windows(2).all(|w| w[0].0.len() >= w[1].0.len()));
    }

    #[test]
    fn two_values_for_one_field_are_refused() {
        let two = grid(&[
            &[&format!("身份证号：{ID}")],
            &["身份证号：110105194912310021"],
        ]);
        assert_eq!(above_header(&two), Err(TwoIdentities));
    }

    #[test]
    fn words_that_hold_a_label_are_not_labels() {
        let title = grid(&[&["参保人员缴费明细(姓名顺序)"], &["打印日期：2024-05-01"]]);
        assert_eq!(above_header(&title).unwrap(), Identity::default());
    }

    #[test]
    fn a_bare_valid_id_in_the_title_names_the_person() {
        let title = grid(&[&[&format!("李明（{ID}）的个人账户明细")]]);
        assert_eq!(above_header(&title).unwrap().person_id.as_deref(), Some(ID));
        let masked = grid(&[&["李明（110105********002X）的个人账户明细"]]);
        assert_eq!(above_header(&masked).unwrap().person_id, None);
    }

    #[test]
    fn an_app_title_gives_the_name_before_the_id_and_any_check_digit() {
        // 330106199001011237: its check digit should be X; accepted as any ID cell is.
        let title = grid(&[&["李明 330106199001011237 个人账户明细"]]);
        let got = above_header(&title).unwrap();
        assert_eq!(got.person_id.as_deref(), Some("330106199001011237"));
        assert_eq!(got.name.as_deref(), Some("李明"));
        let bracket = grid(&[&[&format!("参保人 欧阳明月（{ID}）的个人账户明细")]]);
        assert_eq!(
            above_header(&bracket).unwrap().name.as_deref(),
            Some("欧阳明月")
        );
        let long = grid(&[&[&format!("个人账户明细 {ID}")]]);
        assert_eq!(above_header(&long).unwrap().name, None);
        let masked = grid(&[
            &["钱进 330106********0255 个人账户明细"],
            &[&format!("证件号码：{ID}")],
        ]);
        let got = above_header(&masked).unwrap();
        assert_eq!(got.person_id.as_deref(), Some(ID));
        assert_eq!(got.name.as_deref(), Some("钱进"));
        // Not a date in the middle: an order number, not an ID.
        let order = grid(&[&["流水号 330106199013451237"]]);
        assert_eq!(above_header(&order).unwrap().person_id, None);
    }
}
