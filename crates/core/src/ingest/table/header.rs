//! Finding the header: which row it is, which column holds which field, and what kind
//! of table it heads.

use crate::aliases::{self, Field, normalize_header};
use crate::ingest::layouts::groups::{self, BackPayPart, Under};
use crate::ingest::layouts::identity::{self, Identity, TwoIdentities};
use crate::ingest::layouts::infer::{self, Looks, Reading, ValueClass};
use crate::ingest::layouts::long::{self, LongFormat};
use crate::ingest::layouts::period;
use crate::ingest::layouts::rules::{LayoutRule, Target};
use crate::records::Kind;
use crate::values::Cell;
use crate::values::MonthRange;

/// How many rows from the top may hold titles, notes and blanks before the header.
pub const HEADER_SCAN_ROWS: usize = 30;

/// The most non-empty cells a row may have for inference to read it as a header.
const MAX_INFERRED_COLUMNS: usize = 256;

/// Rows below the first header found that may still hold a better one (a two-row
/// header's lower row); further down a header starts another table.
const HEADER_REFINE_ROWS: usize = 2;

/// Which column holds which field, for one table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnMap {
    pub(super) cols: [Option<usize>; Field::COUNT],
    /// A second person-identifier column (个人编号 beside 身份证号).
    pub(super) person_number: Option<usize>,
    /// The header text of every column, as written.
    names: Vec<String>,
    /// Columns whose header named a field another column already held.
    pub duplicates: Vec<String>,
    /// Some column's name came from a group label in the row above: the header is two rows.
    pub(super) two_rows: bool,
    /// Columns that may hold the period: period aliases and 缴费年月 (ranked last).
    period_like: Vec<PeriodLike>,
    /// Columns of groups (养老 over 个人 / 单位, rates) that are not read, with the reason.
    grouped_unread: Vec<(usize, &'static str)>,
    /// Back-payment groups (`医疗2025年7月-8月补差`): the months and their columns.
    pub(super) back_pay: Vec<BackPayGroup>,
    /// What reading the groups found that a person should know.
    pub(super) notes: Vec<String>,
    /// The sheet is long format: one row per side (SPEC 2.1).
    pub(super) long: Option<LongFormat>,
    /// Columns no alias names, read by their words or values (SPEC 2.6).
    inferred: Vec<InferredColumn>,
    /// Columns not read that look like a month, an amount, a tier or an insurance.
    looks: Vec<(usize, Looks)>,
    /// Two columns that could equally be one field: the sheet cannot be read without a
    /// person saying which (the reason names them and the rule that would settle it).
    question: Option<String>,
    /// Columns named by an alias and then set aside, with the reason (the employer's part
    /// of a credit beside a total).
    dropped: Vec<(usize, &'static str)>,
    /// Columns a layout rule names: never read otherwise.
    ruled: Vec<usize>,
    /// The status column asks "in arrears?" (是否欠费): its 是 means unpaid.
    arrears: bool,
}

/// A column read by inference: which, as what, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
struct InferredColumn {
    col: usize,
    field: Field,
    why: String,
}

/// A column read by inference (summary.json `inputs[].inferred`): its header as written,
/// the field it was read as, and why.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Inferred {
    pub column: String,
    pub field: String,
    pub why: String,
}

/// A reading proposed for a column by [`ColumnMap::infer`], before the columns are weighed
/// against each other.
struct Proposal {
    col: usize,
    field: Field,
    rank: u8,
    why: String,
}

/// A column of a table that was not read, and why (summary.json `ignored_columns`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct IgnoredColumn {
    pub column: String,
    pub reason: &'static str,
}

/// An [`IgnoredColumn`] read back (a part of a run on another machine).
#[derive(serde::Deserialize)]
struct IgnoredColumnText {
    column: String,
    reason: String,
}

impl<'de> serde::Deserialize<'de> for IgnoredColumn {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<IgnoredColumn, D::Error> {
        let c = IgnoredColumnText::deserialize(d)?;
        let reason = unread::known(&c.reason)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown reason {:?}", c.reason)))?;
        Ok(IgnoredColumn {
            column: c.column,
            reason,
        })
    }
}

/// Why columns are left unread (summary.json `ignored_columns[].reason`).
pub mod unread {
    pub const REPEATS_A_FIELD: &str = "repeats a field another column holds";
    pub const OTHER_SCHEME: &str = "under another scheme's group";
    pub const NOT_A_FIELD: &str = "not a column the tool reads";
    pub const NOT_OF_THIS_KIND: &str = "not read in a table of this kind";
    pub const RATE: &str = "a rate";
    pub const UNREADABLE_MONTHS: &str = "a back-payment group whose months cannot be read";
    pub use crate::ingest::layouts::infer::{
        LOOKS_LIKE_AMOUNT, LOOKS_LIKE_INSURANCE, LOOKS_LIKE_MONTH, LOOKS_LIKE_TIER,
    };
    pub const PART_OF_TOTAL: &str = "a part of the credit a total column states";
    pub const EMPLOYER_PART_ONLY: &str =
        "the employer's part of the credit, without the employee's part";
    pub const RULED_OUT: &str = "not read, as a layout rule says";
    pub const RULED_ELSEWHERE: &str = "a layout rule names another column for this field";

    /// A reason read back (a part of a run on another machine): one of the reasons above.
    pub fn known(text: &str) -> Option<&'static str> {
        [
            REPEATS_A_FIELD,
            OTHER_SCHEME,
            NOT_A_FIELD,
            NOT_OF_THIS_KIND,
            RATE,
            UNREADABLE_MONTHS,
            LOOKS_LIKE_AMOUNT,
            LOOKS_LIKE_INSURANCE,
            LOOKS_LIKE_MONTH,
            LOOKS_LIKE_TIER,
            PART_OF_TOTAL,
            EMPLOYER_PART_ONLY,
            RULED_OUT,
            RULED_ELSEWHERE,
        ]
        .into_iter()
        .find(|r| *r == text)
    }
}
use unread::{
    NOT_A_FIELD, NOT_OF_THIS_KIND, OTHER_SCHEME, RATE, REPEATS_A_FIELD, UNREADABLE_MONTHS,
};

/// A back-payment group of a grouped header and its columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackPayGroup {
    pub months: MonthRange,
    /// The per-month difference of base.
    pub base: Option<usize>,
    pub employee: Option<usize>,
    pub employer: Option<usize>,
}

impl BackPayGroup {
    fn holds(&self, c: usize) -> bool {
        [self.base, self.employee, self.employer].contains(&Some(c))
    }
}

/// The back-payment groups of a header as its columns are met.
#[derive(Default)]
struct BackPayGroups(Vec<BackPayGroup>);

impl BackPayGroups {
    fn add(&mut self, months: MonthRange, part: BackPayPart, col: usize) {
        let i = match self.0.iter().position(|g| g.months == months) {
            Some(i) => i,
            None => {
                self.0.push(BackPayGroup {
                    months,
                    base: None,
                    employee: None,
                    employer: None,
                });
                self.0.len() - 1
            }
        };
        let slot = match part {
            BackPayPart::Base => &mut self.0[i].base,
            BackPayPart::Employee => &mut self.0[i].employee,
            BackPayPart::Employer => &mut self.0[i].employer,
        };
        slot.get_or_insert(col);
    }
}

/// What each column means under its group label (see [`groups`]); `Plain` where there is
/// no group. A group is a run of columns under one label.
fn group_meanings(raw: &[String], groups: &[String]) -> Vec<Under> {
    let mut out = vec![Under::Plain; raw.len()];
    let mut start = 0;
    while start < groups.len().min(raw.len()) {
        let label = &groups[start];
        let end = (start..groups.len().min(raw.len()))
            .find(|&c| groups[c] != *label)
            .unwrap_or(groups.len().min(raw.len()));
        if !label.is_empty() {
            let subs: Vec<&str> = raw[start..end].iter().map(String::as_str).collect();
            for (i, meaning) in groups::read_group(label, &subs).into_iter().enumerate() {
                out[start + i] = meaning;
            }
        }
        start = end;
    }
    out
}

/// A column that may hold the period, and its alias's rank (lower is preferred).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct PeriodLike {
    col: usize,
    rank: usize,
}

/// Group labels over a header row, merged cells spread over the columns they span (calamine
/// gives a merged cell's value in its first column only). A row with a single label is a
/// title, not groups; a row that names the person (`姓名 | 李明 | 身份证号 | 330106…`,
/// `姓名：李明`) is identity above the header, never part of it (SPEC 2.6).
fn group_labels(above: &[String]) -> Vec<String> {
    if above.iter().filter(|t| !t.trim().is_empty()).count() < 2 {
        return Vec::new();
    }
    if identity::names_someone(above) {
        return Vec::new();
    }
    let mut current = String::new();
    above
        .iter()
        .map(|t| {
            if !t.trim().is_empty() {
                current = t.trim().to_string();
            }
            current.clone()
        })
        .collect()
}

impl ColumnMap {
    /// Maps a header row. `above` is the row over it: when that row labels groups of
    /// columns (a merged 医疗保险 over 个人 and 单位), a column is also tried under the name
    /// `医疗保险(个人)`, and columns under another insurance (养老保险…) are left out.
    fn from_header(raw: &[String], above: Option<&[String]>) -> ColumnMap {
        let mut cols = [None; Field::COUNT];
        let mut ranks = [usize::MAX; Field::COUNT];
        let mut person_number = None;
        let mut payment_month = None;
        let mut period_like = Vec::new();
        let mut duplicates = Vec::new();
        let mut names = raw.to_vec();
        let mut two_rows = false;
        let mut grouped_unread = Vec::new();
        let mut back_pay = BackPayGroups::default();
        let mut notes = Vec::new();
        let groups = above.map(group_labels).unwrap_or_default();
        let meanings = group_meanings(raw, &groups);
        for (c, text) in raw.iter().enumerate() {
            let mut n = normalize_header(text);
            if n.is_empty() {
                // A cell merged down from the row above (姓名 over two header rows).
                match above.and_then(|a| a.get(c)).filter(|_| !groups.is_empty()) {
                    Some(up) if aliases::lookup(&normalize_header(up)).is_some() => {
                        n = normalize_header(up);
                        names[c] = up.trim().to_string();
                        two_rows = true;
                    }
                    _ => continue,
                }
            } else if let Some(group) = groups.get(c).filter(|g| !g.is_empty()) {
                let grouped = || format!("{}({})", group.trim(), text.trim());
                match &meanings[c] {
                    Under::Plain => {
                        if aliases::lookup(&n).is_none() {
                            let combined = normalize_header(&grouped());
                            if aliases::lookup(&combined).is_some() {
                                n = combined;
                                names[c] = grouped();
                                two_rows = true;
                            }
                        }
                    }
                    Under::Field(field) => {
                        n = normalize_header(field.name());
                        names[c] = grouped();
                        two_rows = true;
                    }
                    Under::BackPay(months, part) => {
                        names[c] = grouped();
                        two_rows = true;
                        back_pay.add(*months, *part, c);
                        continue;
                    }
                    unread => {
                        names[c] = grouped();
                        two_rows = true;
                        let reason = match unread {
                            Under::Rate => RATE,
                            Under::OtherScheme => OTHER_SCHEME,
                            Under::UnreadableMonths => {
                                notes.push(format!(
                                    "column group {}: its months cannot be read; its columns are not read",
                                    group.trim()
                                ));
                                UNREADABLE_MONTHS
                            }
                            _ => NOT_A_FIELD,
                        };
                        grouped_unread.push((c, reason));
                        continue;
                    }
                }
            }
            if aliases::is_payment_month(&n) {
                payment_month.get_or_insert(c);
                period_like.push(PeriodLike {
                    col: c,
                    rank: usize::MAX,
                });
                continue;
            }
            let Some((field, rank)) = aliases::lookup(&n) else {
                continue;
            };
            if field == Field::Period && !aliases::RANGE_STARTS.contains(&n.as_str()) {
                period_like.push(PeriodLike { col: c, rank });
            }
            let i = field.index();
            match cols[i] {
                None => {
                    cols[i] = Some(c);
                    ranks[i] = rank;
                }
                Some(prev) if rank < ranks[i] => {
                    if field == Field::PersonId {
                        person_number.get_or_insert(prev);
                    } else {
                        duplicates.push(names[prev].clone());
                    }
                    cols[i] = Some(c);
                    ranks[i] = rank;
                }
                Some(_) => {
                    if field == Field::PersonId && rank > ranks[i] {
                        person_number.get_or_insert(c);
                    } else {
                        duplicates.push(names[c].clone());
                    }
                }
            }
        }
        // SPEC: 缴费年月 is the period on its own, the payment month beside another period.
        if let Some(c) = payment_month {
            let (p, d) = (Field::Period.index(), Field::PaidDate.index());
            if cols[p].is_none() {
                cols[p] = Some(c);
            } else if cols[d].is_none() {
                cols[d] = Some(c);
            }
        }
        ColumnMap {
            cols,
            person_number,
            names,
            duplicates,
            two_rows,
            period_like,
            grouped_unread,
            back_pay: back_pay.0,
            notes,
            long: None,
            inferred: Vec::new(),
            looks: Vec::new(),
            question: None,
            dropped: Vec::new(),
            ruled: Vec::new(),
            arrears: false,
        }
    }

    /// SPEC 2.6: a layout rule's columns win over aliases (and inference, which comes
    /// after). A column the rule names that the header does not have is a note.
    fn apply_rule(&mut self, rule: &LayoutRule) {
        for c in 0..self.names.len() {
            let Some(target) = rule.column(&self.names[c]) else {
                continue;
            };
            for slot in self.cols.iter_mut().filter(|s| **s == Some(c)) {
                *slot = None;
            }
            if self.person_number == Some(c) {
                self.person_number = None;
            }
            self.grouped_unread.retain(|(g, _)| *g != c);
            self.duplicates.retain(|d| d.trim() != self.names[c].trim());
            self.ruled.push(c);
            match target {
                Target::Ignore => {
                    self.period_like.retain(|p| p.col != c);
                    self.dropped.push((c, unread::RULED_OUT));
                }
                Target::PersonNumber => {
                    self.period_like.retain(|p| p.col != c);
                    self.person_number = Some(c);
                }
                Target::Field(field) => {
                    if let Some(before) = self.cols[field.index()].replace(c) {
                        let paid = Field::PaidDate.index();
                        if field == Field::Period
                            && aliases::is_payment_month(&normalize_header(&self.names[before]))
                            && self.cols[paid].is_none()
                        {
                            // 缴费年月 was the period only for want of another: the month paid.
                            self.cols[paid] = Some(before);
                        } else {
                            self.dropped.push((before, unread::RULED_ELSEWHERE));
                        }
                    }
                    match field {
                        // The rule settles SPEC 2.1's two month columns.
                        Field::Period => self.period_like.retain(|p| p.col == c),
                        _ => self.period_like.retain(|p| p.col != c),
                    }
                }
            }
        }
        let missing: Vec<&str> = rule
            .columns
            .iter()
            .filter(|(key, _)| !self.names.iter().any(|n| normalize_header(n) == *key))
            .map(|(key, _)| key.as_str())
            .collect();
        if !missing.is_empty() {
            self.notes.push(format!(
                "{}: no column {} in this table",
                rule.origin,
                missing.join(", ")
            ));
        }
    }

    /// Whether column `c` is read, or its reading settled already (a field, the person
    /// number, a group's column, a month column).
    fn is_settled(&self, c: usize) -> bool {
        self.cols.contains(&Some(c))
            || self.person_number == Some(c)
            || self.grouped_unread.iter().any(|(g, _)| *g == c)
            || self.back_pay.iter().any(|g| g.holds(c))
            || self.period_like.iter().any(|p| p.col == c)
            || self.ruled.contains(&c)
    }

    /// SPEC 2.6: the columns no alias names, read by their header's words, then by their
    /// values (`data`, the rows below the header in hand). A reading is taken when no
    /// other column holds that field; several for one field are weighed by rank (实缴
    /// before 应缴, a period's words before a bare 年月); two of equal rank leave a
    /// question (the sheet is skipped naming them), months aside — SPEC 2.1's two-column
    /// rule settles those. Columns a person would expect read that are not are kept in
    /// `looks`, for a warning. A coded column whose values are tier names is the tier.
    fn infer(&mut self, data: &[Vec<String>]) {
        let values = |c: usize| {
            data.iter()
                .filter_map(move |r| r.get(c))
                .map(String::as_str)
        };
        let mut proposals: Vec<Proposal> = Vec::new();
        for c in 0..self.names.len() {
            if self.is_settled(c) {
                continue;
            }
            let n = normalize_header(&self.names[c]);
            if n.is_empty() {
                continue;
            }
            let by_values = infer::by_values(values(c));
            let value_why = |(class, k, of): (ValueClass, usize, usize)| {
                format!("values: {k} of {of} are {}", infer::class_words(class))
            };
            match infer::by_words(&n) {
                Some((Reading::Field(Field::Insurance, _), _))
                    if by_values.is_some_and(|v| v.0 == ValueClass::Tier) =>
                {
                    proposals.push(Proposal {
                        col: c,
                        field: Field::Tier,
                        rank: 0,
                        why: value_why(by_values.unwrap_or((ValueClass::Tier, 0, 0))),
                    });
                }
                // A 时间 / 日期 column holding months, not days, is a month column: the
                // period in contributions (襄阳's 时间: 2024-03).
                Some((Reading::Field(Field::Date, _), why))
                    if by_values.is_some_and(|v| v.0 == ValueClass::Month) =>
                {
                    proposals.push(Proposal {
                        col: c,
                        field: Field::Period,
                        rank: 1,
                        why: format!(
                            "header words: {why}; {}",
                            value_why(by_values.unwrap_or((ValueClass::Month, 0, 0)))
                        ),
                    })
                }
                Some((Reading::Field(field, rank), why)) => proposals.push(Proposal {
                    col: c,
                    field,
                    rank,
                    why: format!("header words: {why}"),
                }),
                Some((Reading::Looks(l), _)) => self.looks.push((c, l)),
                Some((Reading::Nothing, _)) => {}
                Some((Reading::Generic, _)) | None => {
                    let generic = matches!(infer::by_words(&n), Some((Reading::Generic, _)));
                    match by_values.and_then(|v| Some((infer::field_of(v.0, generic)?, v))) {
                        // A month or a date that only its values show is taken only
                        // where a header word agrees; else said, not read.
                        Some((Field::Period, _)) => self.looks.push((c, Looks::Month)),
                        Some((field, v)) if generic || !matches!(field, Field::Date) => proposals
                            .push(Proposal {
                                col: c,
                                field,
                                rank: 5,
                                why: value_why(v),
                            }),
                        Some(_) => {}
                        None => match by_values {
                            Some((ValueClass::Amount, _, _)) if generic => {}
                            Some((ValueClass::Amount, _, _))
                                if infer::written_as_money(values(c)) =>
                            {
                                self.looks.push((c, Looks::Amount))
                            }
                            _ if generic && infer::are_scheme_codes(values(c)) => {
                                proposals.push(Proposal {
                                    col: c,
                                    field: Field::Insurance,
                                    rank: 5,
                                    why: "values: national scheme codes".to_string(),
                                })
                            }
                            _ => {}
                        },
                    }
                }
            }
        }
        // A coded column whose values are tier names (人员类别 holding 一档/二档) is the tier.
        if !self.has(Field::Tier) {
            for f in [Field::Category, Field::Insurance, Field::ContributionType] {
                if let Some(c) = self.column(f)
                    && let Some(v @ (ValueClass::Tier, _, _)) = infer::by_values(values(c))
                {
                    self.cols[f.index()] = None;
                    self.cols[Field::Tier.index()] = Some(c);
                    self.inferred.push(InferredColumn {
                        col: c,
                        field: Field::Tier,
                        why: format!("values: {} of {} are tier names", v.1, v.2),
                    });
                    break;
                }
            }
        }
        self.settle_proposals(proposals);
    }

    /// Weighs the proposals of [`ColumnMap::infer`] field by field.
    fn settle_proposals(&mut self, mut proposals: Vec<Proposal>) {
        proposals.sort_by_key(|p| (p.field, p.rank, p.col));
        let mut i = 0;
        while i < proposals.len() {
            let field = proposals[i].field;
            let end = proposals[i..]
                .iter()
                .position(|p| p.field != field)
                .map_or(proposals.len(), |k| i + k);
            let group = &proposals[i..end];
            i = end;
            if self.has(field) {
                for p in group {
                    if let Some(l) = looks_of(field) {
                        self.looks.push((p.col, l));
                    }
                }
                continue;
            }
            if field == Field::Period && group.len() > 1 {
                // SPEC 2.1's two month columns decide (`settle_periods`).
                for p in group {
                    self.period_like.push(PeriodLike {
                        col: p.col,
                        rank: 1000 + usize::from(p.rank),
                    });
                }
                self.cols[field.index()] = Some(group[0].col);
                self.inferred.push(InferredColumn {
                    col: group[0].col,
                    field,
                    why: group[0].why.clone(),
                });
                continue;
            }
            let best = group[0].rank;
            let tied: Vec<&Proposal> = group.iter().filter(|p| p.rank == best).collect();
            if tied.len() > 1 {
                let names: Vec<String> = tied
                    .iter()
                    .map(|p| self.header(p.col).trim().to_string())
                    .collect();
                self.question.get_or_insert_with(|| {
                    format!(
                        "columns {} could each be {}; say which in a layout rules file (--layout FILE): [layout.columns] \"{}\" = \"{}\"",
                        names.join(", "),
                        field.name(),
                        names[0],
                        field.name()
                    )
                });
                // Held for telling the table's kind; the question keeps it from being read.
                self.cols[field.index()] = Some(tied[0].col);
                continue;
            }
            let p = tied[0];
            self.cols[field.index()] = Some(p.col);
            self.inferred.push(InferredColumn {
                col: p.col,
                field,
                why: p.why.clone(),
            });
            for other in group.iter().filter(|o| o.col != p.col) {
                if let Some(l) = looks_of(field) {
                    self.looks.push((other.col, l));
                }
            }
        }
    }

    /// Whether `field`'s column was read by inference, not named by an alias.
    fn is_inferred(&self, field: Field) -> bool {
        self.column(field)
            .is_some_and(|c| self.inferred.iter().any(|i| i.col == c && i.field == field))
    }

    /// Moves an inferred reading from one field to another (a date is the payment date in
    /// contributions), or to `looks` when the other field is held.
    fn move_inferred(&mut self, from: Field, to: Option<Field>) {
        if !self.is_inferred(from) {
            return;
        }
        let Some(c) = self.cols[from.index()].take() else {
            return;
        };
        match to.filter(|t| !self.has(*t)) {
            Some(to) => {
                self.cols[to.index()] = Some(c);
                for i in self.inferred.iter_mut().filter(|i| i.col == c) {
                    i.field = to;
                }
            }
            None => {
                self.inferred.retain(|i| i.col != c);
                self.period_like.retain(|p| p.col != c);
                if let Some(l) = looks_of(from) {
                    self.looks.push((c, l));
                }
            }
        }
    }

    /// The columns read by inference, for summary.json.
    pub fn inferred(&self, kind: Kind) -> Vec<Inferred> {
        let fields = Field::used_by(kind);
        let mut out: Vec<Inferred> = self
            .inferred
            .iter()
            .filter(|i| self.column(i.field) == Some(i.col) && fields.contains(&i.field))
            .map(|i| Inferred {
                column: self.header(i.col).trim().to_string(),
                field: i.field.name().to_string(),
                why: i.why.clone(),
            })
            .collect();
        out.dedup();
        out
    }

    /// SPEC 2.1: 缴费人识别号 is the person's ID only when every non-empty value below it
    /// (among the rows looked at) is an ID number; an employer's credit code there is not.
    fn check_payer_ids(&mut self, data: &[Vec<String>]) {
        let Some(col) = self.column(Field::PersonId) else {
            return;
        };
        if normalize_header(self.header(col)) != aliases::PAYER_ID {
            return;
        }
        let all_ids = data
            .iter()
            .filter_map(|row| row.get(col))
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
            .take(200)
            .all(crate::values::is_id_number);
        if !all_ids {
            self.cols[Field::PersonId.index()] = self.person_number.take();
        }
    }

    /// Reads the header as long format when it is one (see [`long`]): the insurance from
    /// its column, the amount of each row from the amount column by the row's side, no
    /// per-side amount columns.
    fn settle_long(&mut self, data: &[Vec<String>]) {
        let Some(found) = long::detect(&self.names, data) else {
            return;
        };
        self.cols[Field::Insurance.index()] = Some(found.insurance);
        if self.cols[Field::Tier.index()] == Some(found.side) {
            self.cols[Field::Tier.index()] = None;
        }
        self.cols[Field::EmployeeAmount.index()] = None;
        self.cols[Field::EmployerAmount.index()] = None;
        let used: Vec<String> = [found.insurance, found.side, found.amount]
            .iter()
            .map(|&c| self.names[c].clone())
            .collect();
        self.duplicates.retain(|n| !used.contains(n));
        self.long = Some(found);
    }

    /// The named columns left unread in a table of `kind`, each with its reason.
    pub fn ignored(&self, kind: Kind) -> Vec<IgnoredColumn> {
        let fields = Field::used_by(kind);
        let mut out = Vec::new();
        for (c, name) in self.names.iter().enumerate() {
            let name = name.trim();
            let long_column = self
                .long
                .is_some_and(|l| [l.insurance, l.side, l.amount].contains(&c));
            if name.is_empty() || self.person_number == Some(c) || long_column {
                continue;
            }
            let field = Field::ALL.iter().find(|f| self.column(**f) == Some(c));
            let grouped = self.grouped_unread.iter().find(|(g, _)| *g == c);
            let looks = self
                .looks
                .iter()
                .find(|(l, _)| *l == c)
                .map(|(_, l)| l.reason());
            let reason = match (field, grouped) {
                (Some(f), _) if fields.contains(f) => continue,
                (Some(_), _) => looks.unwrap_or(NOT_OF_THIS_KIND),
                (None, Some((_, why))) => why,
                (None, None) if self.back_pay.iter().any(|g| g.holds(c)) => continue,
                (None, None) if self.duplicates.iter().any(|d| d.trim() == name) => REPEATS_A_FIELD,
                (None, None) if self.dropped.iter().any(|(d, _)| *d == c) => self
                    .dropped
                    .iter()
                    .find(|(d, _)| *d == c)
                    .map_or(NOT_A_FIELD, |(_, r)| r),
                (None, None) => looks.unwrap_or(NOT_A_FIELD),
            };
            out.push(IgnoredColumn {
                column: name.to_string(),
                reason,
            });
        }
        out
    }

    /// SPEC 2.1's two period columns: of two month columns (period aliases and 缴费年月),
    /// neither of them 费款所属期 / 费款所属年月, the one holding the earlier month in most
    /// of the `data` rows where they differ is the period and the other the payment month
    /// (in the Yinhai Ta3 system 台账年月 is the booking month; elsewhere it is the period).
    /// On a tie, or with more than two, the higher-ranked alias stays the period, and the
    /// note returned says so.
    fn settle_periods(&mut self, data: &[Vec<String>]) -> Option<String> {
        let mut candidates = self.period_like.clone();
        candidates.sort_by_key(|p| p.rank);
        let [first, second] = candidates.as_slice() else {
            return (candidates.len() > 2).then(|| {
                format!(
                    "{} month columns ({}); {} is taken as the period",
                    candidates.len(),
                    candidates
                        .iter()
                        .map(|p| self.header(p.col).trim())
                        .collect::<Vec<_>>()
                        .join(", "),
                    self.header(candidates[0].col).trim()
                )
            });
        };
        // Beside 费款所属期 Part 1 decides: 缴费年月 is the payment month, any other a
        // column repeating the period (ignored).
        let definite = aliases::DEFINITE_PERIODS
            .iter()
            .any(|d| normalize_header(self.header(first.col)) == *d);
        if definite {
            return None;
        }
        let (mut period, mut paid) = (*first, *second);
        let mut note = None;
        let month = |row: &Vec<String>, col: usize| {
            row.get(col)
                .and_then(|t| crate::values::period(&Cell::Text(t.as_str().into())).ok())
                .flatten()
        };
        let (mut first_earlier, mut second_earlier) = (0, 0);
        for row in data {
            match (month(row, first.col), month(row, second.col)) {
                (Some(a), Some(b)) if a < b => first_earlier += 1,
                (Some(a), Some(b)) if b < a => second_earlier += 1,
                _ => {}
            }
        }
        if second_earlier > first_earlier {
            (period, paid) = (*second, *first);
        } else if second_earlier == first_earlier && first_earlier > 0 {
            note = Some(format!(
                "month columns {} and {} each hold the earlier month as often; {} is taken as the period",
                self.header(first.col).trim(),
                self.header(second.col).trim(),
                self.header(first.col).trim()
            ));
        }
        let (p, d) = (Field::Period.index(), Field::PaidDate.index());
        self.cols[p] = Some(period.col);
        if self.cols[d].is_none_or(|c| c == period.col) {
            self.cols[d] = Some(paid.col);
        }
        let paid_name = self.header(paid.col).to_string();
        let period_name = self.header(period.col).to_string();
        self.duplicates
            .retain(|n| *n != paid_name && *n != period_name);
        note
    }

    /// Whether the status column asks whether the month is in arrears (是否欠费, 欠费标志):
    /// its 是 means unpaid. Settled with the kind ([`ColumnMap::for_kind`]).
    pub(super) fn status_says_arrears(&self) -> bool {
        self.arrears
    }

    pub fn column(&self, field: Field) -> Option<usize> {
        self.cols[field.index()]
    }

    pub(super) fn has(&self, field: Field) -> bool {
        self.column(field).is_some()
    }

    fn has_any(&self, fields: &[Field]) -> bool {
        fields.iter().any(|f| self.has(*f))
    }

    /// How many columns the header names, empty ones included.
    pub(super) fn names_len(&self) -> usize {
        self.names.len()
    }

    /// The column of the person number beside the ID, if there is one.
    pub(super) fn person_number_column(&self) -> Option<usize> {
        self.person_number
    }

    /// How many columns the header has, up to its last named one.
    pub fn width(&self) -> usize {
        self.names
            .iter()
            .rposition(|n| !n.trim().is_empty())
            .map_or(0, |i| i + 1)
    }

    /// The header text of a column, as written.
    pub fn header(&self, col: usize) -> &str {
        self.names.get(col).map(String::as_str).unwrap_or("")
    }

    /// Adapts the map to the kind: in a statement 共济人员 is the relative a debit served.
    /// Inferred readings that mean something else in this kind: a date is the payment date
    /// in contributions, a month is no field of a statement (its period is named, never
    /// guessed); a statement dated only by 到账时间 is dated by it. In contributions a
    /// span's 开始年月 / 终止年月 (a roster's columns) are a range of months when there is
    /// no period column; the employer's part of a stated credit is read only beside the
    /// employee's part, never beside a total.
    pub(super) fn for_kind(mut self, kind: Kind) -> ColumnMap {
        match kind {
            Kind::Statement => {
                if !self.has(Field::Beneficiary) {
                    let (b, f) = (Field::Beneficiary.index(), Field::Family.index());
                    self.cols[b] = self.cols[f].take();
                }
                self.move_inferred(Field::Period, None);
                if !self.has(Field::Date) {
                    let d = Field::PaidDate.index();
                    self.cols[Field::Date.index()] = self.cols[d].take();
                }
            }
            Kind::Contributions => {
                self.move_inferred(Field::Date, Some(Field::PaidDate));
                let amounts = [
                    Field::Base,
                    Field::EmployeeAmount,
                    Field::EmployerAmount,
                    Field::StatedCredit,
                ];
                if !self.has_any(&[Field::Period, Field::PeriodRange])
                    && self.has_any(&amounts)
                    && let Some(from) = self.cols[Field::StatusFrom.index()].take()
                {
                    self.cols[Field::Period.index()] = Some(from);
                    if !self.has(Field::PeriodEnd) {
                        let to = self.cols[Field::StatusTo.index()].take();
                        self.cols[Field::PeriodEnd.index()] = to;
                    }
                }
                self.settle_stated_parts();
            }
            Kind::Roster => {}
        }
        self.arrears = self.column(Field::Status).is_some_and(|c| {
            let n = normalize_header(self.header(c));
            n.contains("欠费") || n.contains("欠缴")
        });
        self
    }

    /// 单位划入个账 adds to the stated credit (SPEC 2.1) — but not to a column that is
    /// itself the total (划入合计, 共划入账户, 划入个人账户全额), and alone it is only a part:
    /// then it is not read.
    fn settle_stated_parts(&mut self) {
        let Some(employer) = self.column(Field::StatedCreditEmployer) else {
            return;
        };
        let reason = match self.column(Field::StatedCredit) {
            None => unread::EMPLOYER_PART_ONLY,
            Some(c) => {
                let n = normalize_header(self.header(c));
                let total = ["合计", "共", "全额", "总", "个账", "个帐"];
                if !total.iter().any(|w| n.contains(w)) {
                    return;
                }
                unread::PART_OF_TOTAL
            }
        };
        self.cols[Field::StatedCreditEmployer.index()] = None;
        self.dropped.push((employer, reason));
    }

    /// The fields recognised, by their header text, for messages.
    fn recognised(&self) -> Vec<String> {
        let mut cols: Vec<usize> = self.cols.iter().flatten().copied().collect();
        cols.sort_unstable();
        cols.into_iter()
            .map(|c| self.names[c].trim().to_string())
            .collect()
    }
}

/// What a column proposed for `field`, and not read, looks like.
fn looks_of(field: Field) -> Option<Looks> {
    use Field::*;
    match field {
        Period | PaidDate | PeriodEnd | PeriodRange => Some(Looks::Month),
        Base | EmployeeAmount | EmployerAmount | StatedCredit | StatedCreditEmployer | Amount
        | Income | Expense | Balance => Some(Looks::Amount),
        Tier => Some(Looks::Tier),
        Insurance => Some(Looks::Insurance),
        _ => None,
    }
}

const CONTRIBUTION_SIGNS: &[Field] = &[
    Field::Base,
    Field::EmployeeAmount,
    Field::EmployerAmount,
    Field::Status,
    Field::ContributionType,
    Field::PaidDate,
    Field::Insurance,
    Field::Tier,
    Field::StatedCredit,
    Field::StatedCreditEmployer,
];
pub(super) const STATEMENT_AMOUNTS: &[Field] = &[Field::Amount, Field::Income, Field::Expense];
const ROSTER_SIGNS: &[Field] = &[
    Field::BirthDate,
    Field::Category,
    Field::RetiredFrom,
    Field::AccountStatus,
    Field::StatusFrom,
    Field::StatusTo,
    Field::Family,
];

/// What is missing for `map` to be a table of `kind`; empty when it is one. A statement or
/// contributions table needs no ID column when the person is `identified` otherwise (above
/// the header, or on the command line).
fn missing_for(kind: Kind, map: &ColumnMap, identified: bool) -> Vec<&'static str> {
    missing_for_with(kind, map, identified, false)
}

/// [`missing_for`], where `period_elsewhere` lets a contributions table go without a period
/// column (its month may be named above the header or in the sheet name).
pub(super) fn missing_for_with(
    kind: Kind,
    map: &ColumnMap,
    identified: bool,
    period_elsewhere: bool,
) -> Vec<&'static str> {
    let mut missing = Vec::new();
    let named_elsewhere = identified && kind != Kind::Roster;
    if !map.has(Field::PersonId) && !named_elsewhere {
        missing.push("person_id (身份证号/个人编号…)");
    }
    match kind {
        Kind::Contributions => {
            if !map.has_any(&[Field::Period, Field::PeriodRange]) && !period_elsewhere {
                missing.push("period (费款所属期…)");
            }
            if !map.has_any(CONTRIBUTION_SIGNS) && map.back_pay.is_empty() {
                missing.push("base, amounts or status (缴费基数/个人缴费/缴费状态…)");
            }
        }
        Kind::Statement => {
            if !map.has(Field::Date) {
                missing.push("date (交易时间…)");
            }
            if !map.has_any(STATEMENT_AMOUNTS) {
                missing.push("amount, or income/expense (发生金额/收入/支出…)");
            }
        }
        Kind::Roster => {
            if !map.has_any(ROSTER_SIGNS) {
                missing.push("a roster column (出生日期/人员类别/退休时间/账户状态/共济人员…)");
            }
            if map.has(Field::Period) || map.has(Field::Date) {
                missing.push("no period or date column (a roster has neither)");
            }
        }
    }
    missing
}

/// Where the header is and what the table holds.
#[derive(Clone, Debug)]
pub struct Layout {
    pub kind: Kind,
    /// 0-based index of the header row among the rows read.
    pub header_row: usize,
    pub map: ColumnMap,
    /// Who the rows are about where they do not say: from above the header, then the
    /// command line.
    pub identity: Option<Identity>,
    /// What the reading of the header decided that a person should know (for warnings).
    pub notes: Vec<String>,
    /// The month of a contributions sheet without a period column, named above the header
    /// or in the sheet name.
    pub period: Option<crate::records::Period>,
    /// The header row's cells, normalised: a row further down equal to it is a repeated
    /// header (a paged export); one that differs and heads a table starts a new table.
    pub header_cells: Vec<String>,
    /// The layout rule that maps this table's values, if one does.
    pub values_rule: Option<LayoutRule>,
}

impl Layout {
    /// Whether `cells` (normalised) are the header's, trailing empty cells aside.
    pub fn is_header(&self, cells: &[String]) -> bool {
        let trim = |v: &[String]| v.len() - v.iter().rev().take_while(|c| c.is_empty()).count();
        let (a, b) = (trim(&self.header_cells), trim(cells));
        a == b && self.header_cells[..a] == cells[..b]
    }
}

/// The outcome of looking for a header.
#[derive(Clone, Debug)]
pub enum Detection {
    Found(Box<Layout>),
    /// Nothing looked like a header of any kind: the table is skipped, not an error.
    NoKind {
        recognised: Vec<String>,
    },
    /// The kind was forced, and no row has its required columns.
    Missing {
        kind: Kind,
        missing: String,
    },
    /// A table of a kind, that cannot be read as one: skipped with this reason.
    Refused {
        reason: String,
    },
}

/// Row `r` of `rows` read as a header: its aliases, the group labels above it, then what
/// inference reads in the columns left (SPEC 2.6), the payer number checked.
pub(super) fn map_header(rows: &[Vec<String>], r: usize, rule: Option<&LayoutRule>) -> ColumnMap {
    let above = r.checked_sub(1).map(|a| rows[a].as_slice());
    let mut map = ColumnMap::from_header(&rows[r], above);
    map.check_payer_ids(&rows[r + 1..]);
    if let Some(rule) = rule {
        map.apply_rule(rule);
    }
    if looks_like_header(&rows[r]) {
        map.infer(&rows[r + 1..]);
    }
    map
}

/// Whether a row could be a header for inference to read: two cells of words or more, and
/// fewer than one in four of its non-empty cells data (numbers, months, dates, ID numbers,
/// `label：value` pairs).
pub(super) fn looks_like_header(row: &[String]) -> bool {
    let cells: Vec<&str> = row
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect();
    // Real headers have tens of columns; a row of thousands of cells (a hostile line) is
    // not read by inference, which looks at every cell below each.
    if cells.len() > MAX_INFERRED_COLUMNS {
        return false;
    }
    if cells.len() < 2 {
        return false;
    }
    // One data cell in four is enough to say no: a data row says so in its first cells.
    let mut data = 0;
    for c in &cells {
        if c.contains(':') || c.contains('：') || infer::is_data(c) {
            data += 1;
            if data * 4 >= cells.len() {
                return false;
            }
        }
    }
    cells.len() - data >= 2
}

/// Why a contributions table is skipped when its title, sheet or file names an insurance
/// other than medical and no column says which row is which (SPEC 2.6).
pub const OTHER_SCHEME_TABLE: &str = "the title, sheet or file names another insurance than medical, and no column says which insurance each row is";

/// The other scheme a contributions table's context names — its title rows, its sheet's
/// name, its file's name — when the context names no medical insurance: a sheet 养老保险
/// of a portal's workbook (one sheet per insurance) is not medical.
fn other_scheme_named(
    title: &[Vec<String>],
    sheet: Option<&str>,
    file: Option<&str>,
) -> Option<String> {
    const OTHER: [&str; 9] = [
        "养老",
        "失业",
        "工伤",
        "生育",
        "公积金",
        "大额",
        "大病",
        "公务员",
        "长期护理",
    ];
    // Medical words inside another scheme's name do not make it medical.
    const NOT_MEDICAL: [&str; 5] = ["大额医疗", "大病医疗", "补充医疗", "公务员医疗", "含生育"];
    let mut context: String = title
        .iter()
        .flatten()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    for part in [sheet, file].into_iter().flatten() {
        context.push(' ');
        context.push_str(part);
    }
    let context = crate::values::fold_width(&context).into_owned();
    let mut medical_test = context.clone();
    for phrase in NOT_MEDICAL {
        medical_test = medical_test.replace(phrase, "");
    }
    let other = OTHER
        .iter()
        .find(|w| medical_test.contains(*w) || (**w != "生育" && context.contains(*w)))?;
    let medical = ["医疗", "医保", "门诊"]
        .iter()
        .any(|w| medical_test.contains(w));
    (!medical).then(|| other.to_string())
}

/// A statement or contributions header without an ID column, above which nobody is named.
const NO_IDENTITY: &str = "no ID number: no ID column and none above the header; name the person with --person ID (and --name NAME)";
/// Two people named above the header.
/// Why a table is skipped: two people named above its header.
pub const TWO_IDENTITIES: &str = "two identities above the header";

/// Looks for the header among the first rows (raw texts of their cells). `given` is the
/// person named on the command line (`--person`), for a file whose rows do not say.
pub fn detect(rows: &[Vec<String>], forced: Option<Kind>, given: Option<&Identity>) -> Detection {
    detect_in_place(
        rows,
        Hints {
            forced,
            given,
            sheet: None,
            file: None,
            rule: None,
            header_at: None,
        },
    )
}

/// [`detect`] with the options a reader has: the sheet's and file's names, and the layout
/// rule that matches them; `header_at` is the index in `rows` of the row the rule names
/// as the header.
pub fn detect_table(
    rows: &[Vec<String>],
    opts: &super::TableOptions,
    header_at: Option<usize>,
) -> Detection {
    let rule = opts.rule();
    detect_in_place(
        rows,
        Hints {
            forced: opts.forced.or(rule.and_then(|r| r.kind)),
            given: opts.person.as_deref(),
            sheet: opts.sheet_name.as_deref(),
            file: opts.file_name.as_deref(),
            rule,
            header_at,
        },
    )
}

/// What a reader knows of a table before its header is found.
struct Hints<'a> {
    forced: Option<Kind>,
    given: Option<&'a Identity>,
    sheet: Option<&'a str>,
    file: Option<&'a str>,
    rule: Option<&'a LayoutRule>,
    /// The header row a rule names, as an index in the rows.
    header_at: Option<usize>,
}

fn detect_in_place(rows: &[Vec<String>], hints: Hints) -> Detection {
    let Hints {
        forced,
        given,
        sheet,
        file,
        rule,
        header_at,
    } = hints;
    let kinds: &[Kind] = match forced {
        Some(ref k) => std::slice::from_ref(k),
        None => &Kind::ALL,
    };
    let given = given.filter(|g| !g.is_empty());
    let mut best: Option<(usize, usize, Kind)> = None; // (score, row, kind)
    let mut best_map: Option<ColumnMap> = None; // the best row's, before `for_kind`
    let mut richest: Option<ColumnMap> = None;
    // A header that would do but for the person: why, if nothing else does.
    let mut unidentified: Option<&'static str> = None;
    for (r, row) in rows.iter().enumerate().take(HEADER_SCAN_ROWS) {
        // The first header found, or one of the two rows below it (the lower row of a
        // two-row header) heads the table: a header further down heads a table stacked
        // under this one (SPEC 2.1), read as a table of its own.
        if best.is_some_and(|(_, found, _)| r > found + HEADER_REFINE_ROWS) {
            break;
        }
        if header_at.is_some_and(|h| h != r) {
            continue;
        }
        let map = map_header(rows, r, rule);
        let _ = row;
        for &kind in kinds {
            let map = map.clone().for_kind(kind);
            if !missing_for_with(kind, &map, true, true).is_empty() {
                continue;
            }
            if !map.has(Field::PersonId) && given.is_none() {
                match identity::above_header(&rows[..r]) {
                    Ok(found) if !found.is_empty() => {}
                    Ok(_) => {
                        unidentified.get_or_insert(NO_IDENTITY);
                        continue;
                    }
                    Err(TwoIdentities) => {
                        unidentified = Some(TWO_IDENTITIES);
                        continue;
                    }
                }
            }
            let score = Field::used_by(kind).iter().filter(|f| map.has(**f)).count();
            // Higher score wins; on a tie the earlier row, then the kind listed first.
            if best.is_none_or(|(s, _, _)| score > s) {
                if best.is_none_or(|(_, row, _)| row != r) {
                    best_map = None;
                }
                best = Some((score, r, kind));
            }
        }
        if best.is_some_and(|(_, row, _)| row == r) && best_map.is_none() {
            best_map = Some(map.clone());
        }
        let count = map.cols.iter().flatten().count();
        if richest
            .as_ref()
            .is_none_or(|m| m.cols.iter().flatten().count() < count)
        {
            richest = Some(map);
        }
    }
    if let Some((_, r, kind)) = best {
        let mut map = best_map
            .unwrap_or_else(|| map_header(rows, r, rule))
            .for_kind(kind);
        if let Some(question) = map.question.take() {
            return Detection::Refused { reason: question };
        }
        let mut notes = std::mem::take(&mut map.notes);
        if kind == Kind::Contributions {
            map.settle_long(&rows[r + 1..]);
            notes.extend(map.settle_periods(&rows[r + 1..]));
        }
        let top = r - usize::from(map.two_rows);
        if kind == Kind::Contributions
            && map.long.is_none()
            && !map.has(Field::Insurance)
            && let Some(scheme) = other_scheme_named(&rows[..top], sheet, file)
        {
            return Detection::Refused {
                reason: format!("{OTHER_SCHEME_TABLE}: {scheme}"),
            };
        }
        let period =
            if kind == Kind::Contributions && !map.has_any(&[Field::Period, Field::PeriodRange]) {
                match period::find(&rows[..top], sheet, file) {
                    Ok(p) => Some(p),
                    Err(why) => {
                        return Detection::Refused {
                            reason: why.reason(),
                        };
                    }
                }
            } else {
                None
            };
        // The command line names the person first; the title rows fill in the rest.
        let above = match identity::above_header(&rows[..top]) {
            Ok(found) => found,
            Err(TwoIdentities) if map.has(Field::PersonId) => Identity::default(),
            Err(TwoIdentities) => {
                return Detection::Refused {
                    reason: TWO_IDENTITIES.to_string(),
                };
            }
        };
        let identity = match given {
            Some(g) => g.clone().or(&above),
            None => above,
        };
        // A 个人编号 column beside an ID named above the header (or on the command line) is
        // the rows' person number; the ID above is their key.
        if identity.person_id.is_some()
            && map.person_number.is_none()
            && let Some(c) = map.column(Field::PersonId)
            && aliases::is_person_number(&normalize_header(map.header(c)))
        {
            map.cols[Field::PersonId.index()] = None;
            map.person_number = Some(c);
        }
        return Detection::Found(Box::new(Layout {
            kind,
            header_row: r,
            map,
            identity: (!identity.is_empty() || identity.name.is_some()).then_some(identity),
            notes,
            period,
            header_cells: rows[r].iter().map(|c| normalize_header(c)).collect(),
            values_rule: rule.filter(|r| !r.values.is_empty()).cloned(),
        }));
    }
    if let Some(reason) = unidentified {
        return Detection::Refused {
            reason: reason.to_string(),
        };
    }
    let richest = richest.unwrap_or_else(|| ColumnMap::from_header(&[], None));
    match forced {
        Some(kind) => Detection::Missing {
            kind,
            missing: missing_for(kind, &richest.clone().for_kind(kind), false).join(", "),
        },
        None => Detection::NoKind {
            recognised: richest.recognised(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::table::test_rows::*;
    use crate::ingest::table::{TableOptions, read_table};
    use crate::money::Money;

    fn detect_in(rows: &[Vec<String>], forced: Option<Kind>) -> Detection {
        detect(rows, forced, None)
    }

    #[test]
    fn finds_header_below_title_and_blank_rows() {
        let grid: &[&[&str]] = &[
            &["2024年职工医保缴费明细"],
            &[""],
            &["单位：示例公司", "", "打印日期：2024-05-01"],
            &[
                "序号",
                "姓名",
                "身份证号",
                "费款所属期",
                "缴费基数",
                "个人缴费",
            ],
        ];
        let Detection::Found(l) = detect_in(&strings(grid), None) else {
            panic!("not found")
        };
        assert_eq!(l.kind, Kind::Contributions);
        assert_eq!(l.header_row, 3);
        assert_eq!(l.map.column(Field::PersonId), Some(2));
        assert_eq!(l.map.column(Field::Base), Some(4));
    }

    #[test]
    fn classifies_statement_and_roster() {
        let st: &[&[&str]] = &[&["证件号码", "交易时间", "交易类型", "收入", "支出", "余额"]];
        assert!(
            matches!(detect_in(&strings(st), None), Detection::Found(l) if l.kind == Kind::Statement)
        );
        let ro: &[&[&str]] = &[&["身份证号", "姓名", "出生日期", "人员类别", "退休时间"]];
        assert!(
            matches!(detect_in(&strings(ro), None), Detection::Found(l) if l.kind == Kind::Roster)
        );
        let other: &[&[&str]] = &[&["填表说明"], &["1. 请按模板填写"]];
        assert!(matches!(
            detect_in(&strings(other), None),
            Detection::NoKind { .. }
        ));
    }

    #[test]
    fn two_row_header_with_insurance_groups() {
        let grid: &[&[&str]] = &[
            &["职工社会保险缴费明细"],
            &[
                "姓名",
                "身份证号",
                "费款所属期",
                "养老保险",
                "",
                "医疗保险",
                "",
            ],
            &["", "", "", "个人", "单位", "个人", "单位"],
            &[
                "张三",
                "11010519491231002X",
                "202401",
                "400",
                "1600",
                "100",
                "800",
            ],
            &["本页小计", "", "", "400", "1600", "100", "800"],
        ];
        let (det, out) = read_table(rows(grid), std::iter::empty(), TableOptions::default());
        let Detection::Found(l) = det else {
            panic!("{det:?}")
        };
        assert_eq!(l.header_row, 2);
        assert_eq!(l.map.column(Field::EmployeeAmount), Some(5));
        assert_eq!(l.map.column(Field::EmployerAmount), Some(6));
        assert_eq!(l.map.header(5), "医疗保险(个人)");
        let c = &out.counts;
        assert_eq!(
            (
                c.skipped_title,
                c.skipped_header,
                c.skipped_total,
                c.accepted
            ),
            (1, 2, 1, 1)
        );
        assert_eq!(
            out.contributions[0].employee_amount,
            Some(Money::from_cents(10_000))
        );
    }

    #[test]
    fn payment_month_beside_period_is_the_paid_date() {
        let both: &[&[&str]] = &[&["身份证号", "费款所属期", "缴费年月", "个人缴费"]];
        let Detection::Found(l) = detect_in(&strings(both), None) else {
            panic!()
        };
        assert_eq!(l.map.column(Field::Period), Some(1));
        assert_eq!(l.map.column(Field::PaidDate), Some(2));
        let alone: &[&[&str]] = &[&["身份证号", "缴费年月", "个人缴费"]];
        let Detection::Found(l) = detect_in(&strings(alone), None) else {
            panic!()
        };
        assert_eq!(l.map.column(Field::Period), Some(1));
        assert_eq!(l.map.column(Field::PaidDate), None);
    }

    #[test]
    fn payer_number_is_the_id_only_when_every_value_is_one() {
        let grid: &[&[&str]] = &[
            &[
                "缴费人识别号",
                "缴费人名称",
                "费款所属期",
                "实缴金额",
                "个人缴费",
            ],
            &["11010519491231002X", "张三", "202401", "100", "100"],
        ];
        let Detection::Found(l) = detect_in(&strings(grid), None) else {
            panic!()
        };
        assert_eq!(l.map.column(Field::PersonId), Some(0));
        let grid: &[&[&str]] = &[
            &[
                "缴费人识别号",
                "缴费人名称",
                "费款所属期",
                "实缴金额",
                "个人缴费",
            ],
            &["11010519491231002X", "张三", "202401", "100", "100"],
            &["91320100MA1XY2AB3C", "示例公司", "202401", "800", ""],
        ];
        assert!(!matches!(
            detect_in(&strings(grid), None),
            Detection::Found(l) if l.map.column(Field::PersonId) == Some(0)
        ));
    }

    #[test]
    fn id_column_wins_over_person_number() {
        let grid: &[&[&str]] = &[&["个人编号", "身份证号", "所属期", "个人缴费"]];
        let Detection::Found(l) = detect_in(&strings(grid), None) else {
            panic!()
        };
        assert_eq!(l.map.column(Field::PersonId), Some(1));
        assert_eq!(l.map.person_number, Some(0));
    }

    #[test]
    fn forced_kind_without_its_columns_says_what_is_missing() {
        let grid: &[&[&str]] = &[&["身份证号", "姓名"]];
        match detect_in(&strings(grid), Some(Kind::Statement)) {
            Detection::Missing { kind, missing } => {
                assert_eq!(kind, Kind::Statement);
                assert!(missing.contains("date"), "{missing}");
            }
            other => panic!("{other:?}"),
        }
    }
}
