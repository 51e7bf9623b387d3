//! One row below the header to one record, or a rejection naming the cell that stopped
//! it, or a skip (blank, total, note, repeated header).

use std::sync::Arc;

use super::header::{ColumnMap, Layout, STATEMENT_AMOUNTS};
use super::memo::{Memo, Memos};
use super::{LastNormal, MAX_CELL_BYTES, Reason, Rejection, Row, SampleRow, SkipKind, TableOutput};
use crate::aliases::{self, Field, normalize_header};
use crate::ingest::layouts::identity::Identity;
use crate::ingest::layouts::long::{self, NotMedical, Side};
use crate::ingest::layouts::rules::LayoutRule;
use crate::money::Money;
use crate::records::{
    Contribution, ContributionType, Direction, EntryKind, Insurance, Kind, Origin, PaymentStatus,
    RosterEntry, StatementEntry, Text, Who,
};
use crate::values::{self, Cell, MonthRange, ValueError, ValueResult};

const TOTAL_WORDS: [&str; 4] = ["合计", "总计", "小计", "total"];
const NOTE_MARKS: [&str; 10] = [
    "注",
    "说明",
    "备注",
    "制表",
    "打印",
    "审核",
    "经办人",
    "数据来源",
    "导出",
    "note",
];

/// 合计, 本页小计, 总计：12人, Total — a short cell naming a total: the word begins or ends
/// it. 联合计算机公司 holds 合计 in the middle and is a name.
pub(crate) fn is_total_label(text: &str) -> bool {
    let n = normalize_header(text);
    n.chars().count() <= 12
        && TOTAL_WORDS
            .iter()
            .any(|w| n.starts_with(w) || n.ends_with(w))
}

fn starts_with_any(text: &str, words: &[&str]) -> bool {
    let n = normalize_header(text);
    words.iter().any(|w| n.starts_with(w))
}

/// A remark that says it is one: a note mark followed by a colon or a number (注：…,
/// 说明: …, 注1、…). Its text may run on over several cells when it holds a comma.
fn is_remark(text: &str) -> bool {
    let t = text.trim();
    NOTE_MARKS.iter().any(|mark| {
        t.strip_prefix(mark).is_some_and(|rest| {
            rest.trim_start()
                .starts_with(|c: char| matches!(c, '：' | ':' | '、' | '1'..='9' | '１'..='９'))
        })
    })
}

fn person(cell: &Cell) -> ValueResult<(Text, bool)> {
    values::person_key(cell).map(|k| k.map(|k| (Text::from(k.id), k.bad_check_digit)))
}

fn shared_text(cell: &Cell) -> Option<Text> {
    values::text(cell).map(Text::from)
}

/// Who a row is about, as [`RowCheck::identify`] found it: its key (and whether an
/// 18-digit ID failed its check digit), person number and name.
struct RowPerson {
    key: Option<(Text, bool)>,
    person_number: Option<Text>,
    name: Option<Text>,
}

/// Reads one row's cells, remembering the leftmost bad one so the message points at it.
struct RowCheck<'a, R: ?Sized> {
    map: &'a ColumnMap,
    /// The sheet's month where it has no period column (named above the header or in the
    /// sheet name).
    sheet_period: Option<crate::records::Period>,
    row: &'a R,
    memos: &'a mut Memos,
    first: Option<(usize, String, Reason)>,
    /// The layout rule whose value mappings apply (SPEC 2.6 `[layout.values.FIELD]`).
    rule: Option<&'a LayoutRule>,
    /// Back-payment cells of the row that could not be read (SPEC 2.7): named in the
    /// rejections once the row is accepted.
    bad_parts: Vec<(usize, String, ValueError)>,
}

impl<R: Row + ?Sized> RowCheck<'_, R> {
    fn fail(&mut self, col: usize, value: String, reason: Reason) {
        if self.first.as_ref().is_none_or(|(c, _, _)| col < *c) {
            self.first = Some((col, value, reason));
        }
    }

    fn has(&self, field: Field) -> bool {
        self.map.has(field)
    }

    #[inline]
    fn settle<T>(&mut self, col: usize, result: ValueResult<T>) -> Option<T> {
        match result {
            Ok(v) => v,
            Err(e) => {
                let value = self.row.cell(col).to_text().into_owned();
                self.fail(col, value, Reason::Value(e));
                None
            }
        }
    }

    /// The text a layout rule maps this row's cell of `field` to, if it does.
    #[inline]
    fn mapped(&self, field: Field, col: usize) -> Option<Cell<'static>> {
        match self.rule {
            None => None,
            Some(rule) => self.mapped_by(rule, field, col),
        }
    }

    #[inline(never)]
    fn mapped_by(&self, rule: &LayoutRule, field: Field, col: usize) -> Option<Cell<'static>> {
        if !rule.maps(field) {
            return None;
        }
        let cell = self.row.cell(col);
        rule.value(field, &cell.to_text())
            .map(|v| Cell::Text(std::borrow::Cow::Owned(v.to_string())))
    }

    /// A value parsed afresh on every row (amounts, periods, dates).
    #[inline]
    fn value<T>(&mut self, field: Field, parse: fn(&Cell) -> ValueResult<T>) -> Option<T> {
        let col = self.map.column(field)?;
        let result = match self.mapped(field, col) {
            Some(cell) => parse(&cell),
            None => parse(&self.row.cell(col)),
        };
        self.settle(col, result)
    }

    /// A value parsed from column `col`, which no field names (a long sheet's amount).
    #[inline]
    fn value_at<T>(&mut self, col: usize, parse: fn(&Cell) -> ValueResult<T>) -> Option<T> {
        let result = parse(&self.row.cell(col));
        self.settle(col, result)
    }

    /// A coded value, remembered from the row above when the text is the same.
    #[inline]
    fn coded<T: Clone>(
        &mut self,
        field: Field,
        memo: fn(&mut Memos) -> &mut Memo<ValueResult<T>>,
        parse: fn(&Cell) -> ValueResult<T>,
    ) -> Option<T> {
        let col = self.map.column(field)?;
        let result = match self.mapped(field, col) {
            Some(cell) => parse(&cell),
            None => memo(self.memos).get(self.row, col, parse),
        };
        self.settle(col, result)
    }

    /// Marks a required field whose cell is empty.
    #[inline]
    fn require<T>(&mut self, field: Field, v: Option<T>) -> Option<T> {
        if v.is_none()
            && let Some(col) = self.map.column(field)
            && self.row.cell(col).is_blank()
        {
            self.fail(col, String::new(), Reason::Missing(field));
        }
        v
    }

    /// Who the row is about: its own ID, person number and name, each else the person
    /// named above the header or on the command line (`given`). A row's own ID wins; one
    /// that differs from the given ID is noted in `other_person_rows`.
    fn identify(
        &mut self,
        given: Option<&Identity>,
        other_person_rows: &mut Vec<u32>,
        row_no: u32,
    ) -> RowPerson {
        let own = self.coded(Field::PersonId, |m| &mut m.person, person);
        let key = match (own, given) {
            (Some(own), Some(given)) => {
                if given.person_id.as_ref().is_some_and(|id| *id != own.0) {
                    other_person_rows.push(row_no);
                }
                Some(own)
            }
            (None, Some(given)) if given.key().is_some() => given.key().map(|k| (k.clone(), false)),
            (own, _) => self.require(Field::PersonId, own),
        };
        let person_number = self
            .map
            .person_number
            .and_then(|c| {
                self.memos.person_number.get(self.row, c, |cell| {
                    values::person_key(cell)
                        .ok()
                        .flatten()
                        .map(|k| Text::from(k.id))
                })
            })
            .or_else(|| given.and_then(|g| g.person_number.clone()));
        let name = self
            .text(Field::Name)
            .or_else(|| given.and_then(|g| g.name.clone()));
        RowPerson {
            key,
            person_number,
            name,
        }
    }

    #[inline]
    fn text(&mut self, field: Field) -> Option<Text> {
        let col = self.map.column(field)?;
        if let Some(cell) = self.mapped(field, col) {
            return shared_text(&cell);
        }
        self.memos.text[field.index()].get(self.row, col, shared_text)
    }
}

/// The most characters of a rejected cell (and of its column's header) rejected.csv shows;
/// a longer one is cut there and ends in `…`. Every value a field holds is shorter.
pub const SHOWN_CHARS: usize = 80;

fn shown(text: &str) -> String {
    match text.char_indices().nth(SHOWN_CHARS) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

impl TableOutput {
    pub fn skip(&mut self, kind: SkipKind) {
        self.counts.skip(kind);
    }

    pub(super) fn reject(
        &mut self,
        map: &ColumnMap,
        row_no: u32,
        (col, value, reason): (usize, String, Reason),
    ) {
        self.counts.read += 1;
        self.counts.rejected += 1;
        self.list(map, row_no, (col, value, reason));
    }

    /// Lists a rejection (rejected.csv's line): its column and value cut to
    /// [`SHOWN_CHARS`] characters — a long cell that a thousand rows share, one string in
    /// the workbook, is not written out a thousand times whole — and, past the listing
    /// limit of the read ([`super::TableOptions::listed_rejections`]), only counted.
    fn list(
        &mut self,
        map: &ColumnMap,
        row_no: u32,
        (col, value, reason): (usize, String, Reason),
    ) {
        if self.rejected.len() >= self.listed_at_most.0 {
            self.unlisted += 1;
            return;
        }
        self.rejected.push(Rejection {
            origin: Origin {
                source: 0,
                row: row_no,
            },
            column: shown(map.header(col).trim()),
            value: if value.chars().nth(SHOWN_CHARS).is_some() {
                shown(&value)
            } else {
                value
            },
            reason,
        });
    }

    /// Reads one row below the header.
    pub(super) fn data_row<R: Row + ?Sized>(
        &mut self,
        layout: &Layout,
        memos: &mut Memos,
        keep: bool,
        row_no: u32,
        row: &R,
    ) {
        if self.new_table_at.is_some() {
            return; // the rows from a new header on are a table of their own
        }
        match skip_kind(layout, row) {
            Some(Outside::Skip(skip)) => return self.skip(skip),
            Some(Outside::NewTable) => {
                self.new_table_at = Some(row_no);
                return;
            }
            None => {}
        }
        if let Some(col) = layout.map.column(Field::Reversed)
            && values::is_reversed(&row.cell(col))
        {
            self.skip(SkipKind::Reversed);
            return;
        }
        let side = match layout.map.long {
            Some(l) => match long::classify(
                &row.cell(l.insurance).to_text(),
                &row.cell(l.side).to_text(),
            ) {
                Ok(side) => Some((l, side)),
                Err(NotMedical::NoSide) => return self.skip(SkipKind::NoSide),
                Err(NotMedical::OtherInsurance) => return self.skip(SkipKind::OtherInsurance),
            },
            None => None,
        };
        let map = &layout.map;
        let short = row.bytes_len().is_some_and(|n| n <= MAX_CELL_BYTES);
        let too_long = if short {
            None
        } else {
            map.cols
                .iter()
                .flatten()
                .chain(map.person_number.iter())
                .copied()
                .find(|&c| row.cell_len(c) > MAX_CELL_BYTES)
        };
        if let Some(col) = too_long {
            let text = row.cell(col).to_text().chars().take(40).collect::<String>() + "…";
            self.reject(
                map,
                row_no,
                (col, text, Reason::CellTooLong(row.cell_len(col))),
            );
            return;
        }
        let mut check = RowCheck {
            map,
            sheet_period: layout.period,
            row,
            memos,
            first: None,
            rule: layout.values_rule.as_ref(),
            bad_parts: Vec::new(),
        };
        // SPEC 2.6: a table of several insurances keeps its medical rows only (a long
        // sheet's rows were told apart above).
        let insurance = match layout.kind {
            Kind::Contributions => {
                let insurance =
                    check.coded(Field::Insurance, |m| &mut m.insurance, values::insurance);
                if let Some(Insurance::Other(named)) = &insurance
                    && layout.map.long.is_none()
                    && values::names_a_scheme(named)
                {
                    return self.skip(SkipKind::OtherInsurance);
                }
                insurance
            }
            _ => None,
        };
        let origin = Origin {
            source: 0,
            row: row_no,
        };
        let RowPerson {
            key,
            person_number,
            name,
        } = check.identify(
            layout.identity.as_ref(),
            &mut self.other_person_rows,
            row_no,
        );
        self.person_numbers |= person_number.is_some();
        let who = check
            .memos
            .who(key.as_ref().map(|(id, _)| id), person_number, name);
        let parsed = match layout.kind {
            Kind::Contributions => {
                contribution(&mut check, origin, who, insurance).map(|(mut c, r)| {
                    if let Some((l, side)) = side {
                        let amount = check.value_at(l.amount, values::money);
                        match side {
                            Side::Employee => c.employee_amount = amount,
                            Side::Employer => c.employer_amount = amount,
                        }
                    }
                    let back_pay = check.back_pay();
                    Parsed::Contribution(c, r, back_pay)
                })
            }
            Kind::Statement => entry(&mut check, origin, who).map(|(e, dir)| Parsed::Entry(e, dir)),
            Kind::Roster => roster(&mut check, origin, who).map(Parsed::Roster),
        };
        if let Some(problem) = check.first.take() {
            self.reject(map, row_no, problem);
            return;
        }
        let (Some((_, bad_check_digit)), Some(parsed)) = (key, parsed) else {
            // Detection guarantees the required columns; a row that gets here anyway is
            // rejected rather than lost.
            let col = map.column(Field::PersonId).unwrap_or(0);
            self.reject(
                map,
                row_no,
                (col, String::new(), Reason::Missing(Field::PersonId)),
            );
            return;
        };
        if bad_check_digit {
            self.bad_check_digit_rows.push(row_no);
        }
        self.counts.read += 1;
        self.counts.accepted += 1;
        if let Parsed::Contribution(c, _, _) = &parsed {
            // A long sheet's 个人 and 单位 rows of one month are one record, not several.
            if layout.map.long.is_none() {
                self.note_several_rows(c, row_no);
            }
            if !check.bad_parts.is_empty() {
                for (col, value, e) in std::mem::take(&mut check.bad_parts) {
                    self.list(map, row_no, (col, value, Reason::BackPayPart(e)));
                }
            }
        }
        if !keep {
            return;
        }
        if let Parsed::Contribution(c, _, _) = &parsed
            && layout.map.long.is_none()
            && !layout.map.has(Field::Insurance)
            && self.sample.len() < SAMPLE_ROWS
        {
            self.sample.push(SampleRow {
                person: c.who.person_id.clone(),
                period: c.period,
                normal: c.contribution_type == ContributionType::Normal,
                employee: c.employee_amount,
            });
        }
        match parsed {
            Parsed::Contribution(c, range, back_pay) => {
                for paid in back_pay {
                    paid.rows(&c, &mut self.contributions);
                }
                if c.contribution_type == ContributionType::Other {
                    self.other_type_rows.push(row_no);
                }
                let before = self.contributions.len();
                split_months(c, range, &mut self.contributions);
                if let Some((_, side)) = side {
                    let added = self.contributions.len() - before;
                    self.sides.extend(std::iter::repeat_n(side, added));
                }
            }
            Parsed::Entry(e, dir) => {
                if dir == Direction::Out {
                    if e.amount.is_negative() {
                        self.outflows_signed += 1;
                    } else {
                        self.outflows_unsigned += 1;
                    }
                }
                self.entries.push(e);
                self.directions.push(dir);
            }
            Parsed::Roster(r) => self.roster.push(r),
        }
    }

    /// SPEC 2.7: a normal medical row of the same person and period as the row read just
    /// before it is summed with it; the rows are named in a warning, and where their bases
    /// differ a second warning says the largest is kept.
    fn note_several_rows(&mut self, c: &Contribution, row_no: u32) {
        let normal = c.contribution_type == ContributionType::Normal
            && !matches!(c.insurance, Insurance::Other(_));
        if !normal {
            return;
        }
        let person = Arc::as_ptr(&c.who) as usize;
        if let Some(last) = &self.last_normal
            && last.period == c.period
            && last.person == person
        {
            if self.several_rows.last() != Some(&last.row) {
                self.several_rows.push(last.row);
            }
            self.several_rows.push(row_no);
            if let (Some(a), Some(b)) = (last.base, c.base)
                && a != b
            {
                if self.several_bases_rows.last() != Some(&last.row) {
                    self.several_bases_rows.push(last.row);
                }
                self.several_bases_rows.push(row_no);
            }
        }
        self.last_normal = Some(LastNormal {
            person,
            period: c.period,
            base: c.base,
            row: row_no,
        });
    }

    /// The same output, its row numbers shifted by `offset` (a table read from the middle
    /// of a file, its rows counted from there).
    pub fn shifted(mut self, offset: u32) -> TableOutput {
        if offset == 0 {
            return self;
        }
        let damaged_spots = self.damaged_spots;
        let mut out = TableOutput {
            suggestion: self.suggestion.take(),
            listed_at_most: self.listed_at_most,
            ..TableOutput::default()
        };
        out.absorb(self, offset);
        out.damaged_spots = damaged_spots;
        out
    }

    /// Appends a later part of the same table, its row numbers shifted by `offset`.
    pub(super) fn absorb(&mut self, mut part: TableOutput, offset: u32) {
        if self.new_table_at.is_some() {
            return; // read again as the new table's rows
        }
        self.new_table_at = part.new_table_at.map(|r| r.saturating_add(offset));
        let shift = |o: &mut Origin| o.row = o.row.saturating_add(offset);
        part.contributions
            .iter_mut()
            .for_each(|r| shift(&mut r.origin));
        part.entries.iter_mut().for_each(|r| shift(&mut r.origin));
        part.roster.iter_mut().for_each(|r| shift(&mut r.origin));
        part.rejected.iter_mut().for_each(|r| shift(&mut r.origin));
        part.bad_check_digit_rows
            .iter_mut()
            .for_each(|r| *r = r.saturating_add(offset));
        self.counts.add(&part.counts);
        self.contributions.append(&mut part.contributions);
        self.entries.append(&mut part.entries);
        self.roster.append(&mut part.roster);
        self.rejected.append(&mut part.rejected);
        self.unlisted += part.unlisted;
        let at_most = self.listed_at_most.0;
        if self.rejected.len() > at_most {
            self.unlisted += (self.rejected.len() - at_most) as u64;
            self.rejected.truncate(at_most);
        }
        self.bad_check_digit_rows
            .append(&mut part.bad_check_digit_rows);
        part.other_person_rows
            .iter_mut()
            .for_each(|r| *r = r.saturating_add(offset));
        self.other_person_rows.append(&mut part.other_person_rows);
        for rows in [
            &mut part.other_type_rows,
            &mut part.several_rows,
            &mut part.several_bases_rows,
        ] {
            rows.iter_mut().for_each(|r| *r = r.saturating_add(offset));
        }
        self.other_type_rows.append(&mut part.other_type_rows);
        self.several_rows.append(&mut part.several_rows);
        self.several_bases_rows.append(&mut part.several_bases_rows);
        self.directions.append(&mut part.directions);
        self.sides.append(&mut part.sides);
        self.person_numbers |= part.person_numbers;
        self.outflows_signed += part.outflows_signed;
        self.outflows_unsigned += part.outflows_unsigned;
    }

    /// Ends the table. A statement whose outflows are written mostly without a minus sign
    /// is unsigned: each row then takes its sign from its own kind (spending out, credits
    /// in), and a row written with a minus sign keeps it (a reversal, 冲正 -10.00), which
    /// says nothing about how the other rows are written.
    pub(super) fn finish(mut self) -> TableOutput {
        if self.outflows_unsigned > self.outflows_signed {
            for (e, dir) in self.entries.iter_mut().zip(&self.directions) {
                if e.amount.is_negative() {
                    continue;
                }
                match dir {
                    Direction::In => {}
                    Direction::Out => e.amount = -e.amount,
                    Direction::AsWritten => {}
                }
            }
        }
        self.directions = Vec::new();
        if !self.sides.is_empty() {
            self.combine_sides();
        }
        self.mixes_insurances = mixes_insurances(std::mem::take(&mut self.sample));
        self
    }

    /// A long sheet's medical rows of one person, period, type and status as one: the 个人
    /// rows' amounts the employee's, the 单位 rows' the employer's, the base from the 个人
    /// row else the 单位 row, stated credits added; the first row's origin stands for them.
    fn combine_sides(&mut self) {
        use std::collections::HashMap;
        let rows = std::mem::take(&mut self.contributions);
        let sides = std::mem::take(&mut self.sides);
        let mut at: HashMap<_, usize> = HashMap::new();
        let mut base_side: Vec<Side> = Vec::new();
        for (c, side) in rows.into_iter().zip(sides) {
            let key = SideKey {
                person_id: c.who.person_id.clone(),
                period: c.period,
                contribution_type: c.contribution_type,
                status: c.status,
            };
            let Some(&i) = at.get(&key) else {
                at.insert(key, self.contributions.len());
                base_side.push(side);
                self.contributions.push(c);
                continue;
            };
            let into = &mut self.contributions[i];
            let add = Money::add_known;
            into.employee_amount = add(into.employee_amount, c.employee_amount);
            into.employer_amount = add(into.employer_amount, c.employer_amount);
            into.stated_credit = add(into.stated_credit, c.stated_credit);
            let better_base = base_side[i] == Side::Employer && side == Side::Employee;
            if c.base.is_some() && (into.base.is_none() || better_base) {
                into.base = c.base;
                base_side[i] = side;
            }
            into.tier = into.tier.clone().or(c.tier);
        }
    }
}

/// How many rows of a contributions table without an insurance column are looked at to
/// tell whether it holds several insurances.
const SAMPLE_ROWS: usize = 2000;

/// SPEC 2.6: a table evidently holds several insurances without saying which row is which
/// when, in at least four months of five (and at least three), one person's normal rows
/// for one month repeat with other amounts — 8% for 养老, 2% for 医疗, 0.5% for 失业. An
/// adjustment row now and then is summed, as Part 1 says; rows of one side each (one with
/// the employee's amount, one without) are not repeats.
fn mixes_insurances(mut sample: Vec<SampleRow>) -> bool {
    sample.retain(|r| r.normal && r.employee.is_some());
    sample.sort_unstable();
    let mut months = 0;
    let mut repeated = 0;
    for same in sample.chunk_by(|a, b| a.person == b.person && a.period == b.period) {
        months += 1;
        if same.len() > 1 && same.iter().any(|r| r.employee != same[0].employee) {
            repeated += 1;
        }
    }
    months >= 3 && repeated * 5 >= months * 4
}

/// The rows of a long sheet that combine into one (see `TableOutput::combine_sides`).
#[derive(PartialEq, Eq, Hash)]
struct SideKey {
    person_id: Text,
    period: crate::records::Period,
    contribution_type: ContributionType,
    status: PaymentStatus,
}

/// What a row's back-payment group (`医疗2025年7月-8月补差`) holds: per-month rows for
/// its months, made once the row's own record is read.
struct BackPaid {
    months: MonthRange,
    base: Option<Money>,
    employee: Option<Money>,
    employer: Option<Money>,
}

impl BackPaid {
    /// Back-payment rows for the group's months: amounts split evenly in cents, the
    /// difference of base repeated, paid in the row's own period (SPEC 2.1).
    fn rows(self, row: &Contribution, out: &mut Vec<Contribution>) {
        let n = self.months.months();
        for i in 0..n {
            let Some(period) = self.months.start.plus(i) else {
                break; // not reached: the range lies within the years
            };
            out.push(Contribution {
                period,
                base: self.base,
                employee_amount: self.employee.map(|m| m.share(i, n)),
                employer_amount: self.employer.map(|m| m.share(i, n)),
                stated_credit: None,
                contribution_type: ContributionType::BackPayment,
                paid_month: Some(row.period),
                insurance: Insurance::Employee,
                ..row.clone()
            });
        }
    }
}

enum Parsed {
    /// The row, its months, its back-payment parts.
    Contribution(Contribution, MonthRange, Vec<BackPaid>),
    Entry(StatementEntry, Direction),
    Roster(RosterEntry),
}

#[inline]
fn skip_kind<R: Row + ?Sized>(layout: &Layout, row: &R) -> Option<Outside> {
    let pid_col = layout.map.column(Field::PersonId);
    let pid_cell = pid_col.map(|c| row.cell(c)).unwrap_or(Cell::Empty);
    let pid_text = pid_cell.to_text();
    // Fast path for the million ordinary rows: an identifier starting with a digit is data.
    if pid_text
        .trim_start()
        .starts_with(|c: char| c.is_ascii_digit())
    {
        return None;
    }
    let nonblank: Vec<usize> = (0..row.width())
        .filter(|&i| !row.cell(i).is_blank())
        .collect();
    let Some(&first) = nonblank.first() else {
        return Some(Outside::Skip(SkipKind::Blank));
    };
    let pid_is_id = values::person_key(&pid_cell).is_ok_and(|k| k.is_some());
    if !pid_is_id || is_total_label(&pid_text) {
        let total = nonblank
            .iter()
            .any(|&i| is_total_label(&row.cell(i).to_text()));
        if total {
            return Some(Outside::Skip(SkipKind::Total));
        }
    }
    match header_again(layout, row, &nonblank) {
        Some(HeaderAgain::Repeated) => return Some(Outside::Skip(SkipKind::Header)),
        Some(HeaderAgain::NewTable) => return Some(Outside::NewTable),
        None => {}
    }
    if aliases::lookup(&normalize_header(&pid_text)).is_some_and(|(f, _)| f == Field::PersonId) {
        return Some(Outside::Skip(SkipKind::Header));
    }
    let required: &[Field] = match layout.kind {
        Kind::Contributions => &[Field::PersonId, Field::Period],
        Kind::Statement => &[Field::PersonId, Field::Date],
        Kind::Roster => &[Field::PersonId],
    };
    let required_blank = required
        .iter()
        .all(|f| layout.map.column(*f).is_none_or(|c| row.cell(c).is_blank()));
    // A lone text with no ID (a remark, or the title of a table stacked below) is a note;
    // so is a remark mid-file that a comma split over cells (注：以上数据仅供参考,以…), as
    // long as no cell of it holds an ID.
    let lone = nonblank.len() == 1 && !pid_is_id;
    let remark = !pid_is_id
        && is_remark(&row.cell(first).to_text())
        && !nonblank
            .iter()
            .any(|&i| values::person_key(&row.cell(i)).is_ok_and(|k| k.is_some()));
    if remark {
        return Some(Outside::Skip(SkipKind::Note));
    }
    if lone
        || required_blank
            && (nonblank.len() == 1 || starts_with_any(&row.cell(first).to_text(), &NOTE_MARKS))
    {
        return Some(Outside::Skip(SkipKind::Note));
    }
    None
}

/// A row below the header that is not data.
enum Outside {
    Skip(SkipKind),
    /// A header that differs from the table's: a table of its own starts here.
    NewTable,
}

/// A header row met again below the first.
enum HeaderAgain {
    /// Every cell equals the first header's (a paged export).
    Repeated,
    /// It heads a table of some kind, and differs (a statement under contributions).
    NewTable,
}

/// Whether a row is a header: the first one again, or another that heads a table on its
/// own. Only rows with two or more cells naming fields are looked at.
fn header_again<R: Row + ?Sized>(
    layout: &Layout,
    row: &R,
    nonblank: &[usize],
) -> Option<HeaderAgain> {
    let cells: Vec<String> = (0..row.width())
        .map(|i| normalize_header(&row.cell(i).to_text()))
        .collect();
    let named = nonblank
        .iter()
        .filter(|&&i| aliases::lookup(&cells[i]).is_some())
        .count();
    if named < 2 {
        return None;
    }
    if layout.is_header(&cells) {
        return Some(HeaderAgain::Repeated);
    }
    let texts: Vec<String> = (0..row.width())
        .map(|i| row.cell(i).to_text().into_owned())
        .collect();
    match super::header::detect(&[texts], None, None) {
        super::header::Detection::Found(_) => Some(HeaderAgain::NewTable),
        _ => None,
    }
}

/// The first year a period of the employee medical insurance can have (the scheme began
/// in 1998; 1990 leaves room for pilots).
const FIRST_YEAR: i32 = 1990;

fn contribution_period(cell: &Cell) -> ValueResult<crate::records::Period> {
    match values::period(cell)? {
        Some(p) if p.year() < FIRST_YEAR => Err(ValueError::TooEarly),
        p => Ok(p),
    }
}

fn statement_date(cell: &Cell) -> ValueResult<chrono::NaiveDateTime> {
    use chrono::Datelike;
    match values::date_time(cell)? {
        Some(d) if d.year() < FIRST_YEAR => Err(ValueError::TooEarly),
        d => Ok(d),
    }
}

fn base(cell: &Cell) -> ValueResult<Money> {
    match values::money(cell)? {
        Some(b) if b.is_negative() => Err(ValueError::NegativeBase),
        b => Ok(b),
    }
}

impl<R: Row + ?Sized> RowCheck<'_, R> {
    /// The months a contribution row covers (SPEC 2.1): its period, or a range in one
    /// cell (费款所属期起止), or a start and an end column; checked against 累计月数.
    #[inline]
    fn months_covered(&mut self) -> Option<MonthRange> {
        let (range, col) = match (
            self.map.column(Field::Period),
            self.map.column(Field::PeriodRange),
        ) {
            (None, Some(col)) => {
                let range = self.value(Field::PeriodRange, values::month_range);
                let range = self.require(Field::PeriodRange, range)?;
                if range.start.year() < FIRST_YEAR {
                    self.fail_at(col, ValueError::TooEarly);
                    return None;
                }
                (range, col)
            }
            (None, None) => {
                let month = self.sheet_period?;
                (MonthRange::new(month, None).ok()?, 0)
            }
            (col, _) => {
                let start = self.value(Field::Period, contribution_period);
                let start = self.require(Field::Period, start)?;
                let end = self.value(Field::PeriodEnd, values::period);
                let col = col?;
                match MonthRange::new(start, end) {
                    Ok(range) => (range, col),
                    Err(e) => {
                        self.fail_at(col, e);
                        return None;
                    }
                }
            }
        };
        if let Some(months) = self.value(Field::Months, values::money)
            && months != Money::from_cents(range.months() * 100)
        {
            self.fail_at(col, ValueError::RangeMonths);
            return None;
        }
        Some(range)
    }

    /// The row's back-payment groups that hold an amount. SPEC 2.7: a cell of a group that
    /// cannot be read rejects that group's part only (returned to be named in rejected.csv);
    /// the row's own month is kept.
    fn back_pay(&mut self) -> Vec<BackPaid> {
        let map = self.map;
        if map.back_pay.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut bad = Vec::new();
        for g in &map.back_pay {
            let mut unread = None;
            let mut read = |col: Option<usize>| {
                let c = col?;
                let cell = self.row.cell(c);
                match values::money(&cell) {
                    Ok(v) => v,
                    Err(e) => {
                        unread.get_or_insert((c, cell.to_text().into_owned(), e));
                        None
                    }
                }
            };
            let (base, employee, employer) = (read(g.base), read(g.employee), read(g.employer));
            if let Some(problem) = unread {
                bad.push(problem);
                continue;
            }
            let paid = [employee, employer]
                .iter()
                .any(|m| m.is_some_and(|m| !m.is_zero()));
            if paid {
                out.push(BackPaid {
                    months: g.months,
                    base,
                    employee,
                    employer,
                });
            }
        }
        if !bad.is_empty() {
            self.bad_parts = bad;
        }
        out
    }

    /// Marks the cell in `col` as bad for `error`.
    fn fail_at(&mut self, col: usize, error: ValueError) {
        let value = self.row.cell(col).to_text().into_owned();
        self.fail(col, value, Reason::Value(error));
    }

    /// The credit the row states for the account: 划入个人账户金额 and its kin, plus
    /// 单位划入个账 where the file names the employer's part apart.
    #[inline]
    fn stated_credit(&mut self) -> Option<Money> {
        let own = self.value(Field::StatedCredit, values::money);
        let employer = self.value(Field::StatedCreditEmployer, values::money);
        Money::add_known(own, employer)
    }
}

#[inline]
fn contribution<R: Row + ?Sized>(
    check: &mut RowCheck<R>,
    origin: Origin,
    who: Arc<Who>,
    insurance: Option<Insurance>,
) -> Option<(Contribution, MonthRange)> {
    let range = check.months_covered();
    let c = Contribution {
        origin,
        who,
        period: range?.start,
        base: check.value(Field::Base, base),
        employee_amount: check.value(Field::EmployeeAmount, values::money),
        employer_amount: check.value(Field::EmployerAmount, values::money),
        stated_credit: check.stated_credit(),
        status: match check.coded(Field::Status, |m| &mut m.status, values::payment_status) {
            // 是否欠费: 是 means unpaid.
            Some(s) if check.map.status_says_arrears() => s.inverted(),
            Some(s) => s,
            None => PaymentStatus::Paid,
        },
        contribution_type: check
            .coded(
                Field::ContributionType,
                |m| &mut m.contribution_type,
                values::contribution_type,
            )
            .unwrap_or(ContributionType::Normal),
        paid_month: check.value(Field::PaidDate, values::period),
        insurance: insurance.unwrap_or(Insurance::Employee),
        tier: check.text(Field::Tier),
        category: check.coded(Field::Category, |m| &mut m.category, values::category),
        birth_date: check.value(Field::BirthDate, values::date),
        employer: check.text(Field::Employer),
    };
    Some((c, range?))
}

/// A row covering several months as one row per month: amounts and stated credit split
/// evenly in cents (remainder on the last month), the base repeated (SPEC 2.1).
fn split_months(c: Contribution, range: MonthRange, out: &mut Vec<Contribution>) {
    let n = range.months();
    if n == 1 {
        out.push(c);
        return;
    }
    for i in 0..n {
        let Some(period) = range.start.plus(i) else {
            break; // not reached: the range was checked to lie within the years
        };
        let share = |m: Option<Money>| m.map(|m| m.share(i, n));
        out.push(Contribution {
            period,
            employee_amount: share(c.employee_amount),
            employer_amount: share(c.employer_amount),
            stated_credit: share(c.stated_credit),
            ..c.clone()
        });
    }
}

#[inline]
fn entry<R: Row + ?Sized>(
    check: &mut RowCheck<R>,
    origin: Origin,
    who: Arc<Who>,
) -> Option<(StatementEntry, Direction)> {
    let at = check.value(Field::Date, statement_date);
    let at = check.require(Field::Date, at);
    // SPEC 2.7: income and expense columns give the sign of every row whose value sits in
    // one of them, unclassified kinds included; an amount column is read only for rows
    // whose income and expense cells are empty.
    let income = check.value(Field::Income, values::money);
    let expense = check.value(Field::Expense, values::money);
    let signed_by_column = match (income, expense) {
        (None, None) => None,
        (i, e) => Some(i.unwrap_or_default() - e.unwrap_or_default().abs()),
    };
    let by_column = signed_by_column.is_some();
    let amount = match signed_by_column {
        Some(a) => Some(a),
        None if check.has(Field::Amount) => check.value(Field::Amount, values::money),
        None => None,
    };
    let balance = check.value(Field::Balance, values::money);
    let period = check.value(Field::Period, values::period);
    let (kind, dir) = match check.map.column(Field::EntryKind) {
        Some(c) => check.memos.entry_kind.get(check.row, c, values::entry_kind),
        None => (EntryKind::Unclassified, Direction::AsWritten),
    };
    if amount.is_none() && check.first.is_none() {
        let col = STATEMENT_AMOUNTS
            .iter()
            .find_map(|f| check.map.column(*f))
            .unwrap_or(0);
        check.fail(col, String::new(), Reason::NoAmount);
    }
    // With separate income and expense columns the sign is written; keep it as it is.
    let dir = if check.has(Field::Amount) && !by_column {
        dir
    } else {
        Direction::AsWritten
    };
    let e = StatementEntry {
        origin,
        who,
        at: at?,
        kind,
        kind_text: check.text(Field::EntryKind).unwrap_or_default(),
        amount: amount?,
        balance,
        period,
        beneficiary: check.text(Field::Beneficiary),
        institution: check.text(Field::Institution),
    };
    Some((e, dir))
}

#[inline]
fn roster<R: Row + ?Sized>(
    check: &mut RowCheck<R>,
    origin: Origin,
    who: Arc<Who>,
) -> Option<RosterEntry> {
    Some(RosterEntry {
        origin,
        who,
        birth_date: check.value(Field::BirthDate, values::date),
        category: check.coded(Field::Category, |m| &mut m.category, values::category),
        retired_from: check.value(Field::RetiredFrom, values::period),
        account_status: check.coded(
            Field::AccountStatus,
            |m| &mut m.account_status,
            values::account_status,
        ),
        status_from: check.value(Field::StatusFrom, values::period),
        status_to: check.value(Field::StatusTo, values::period),
        family: check
            .map
            .column(Field::Family)
            .map(|c| values::list(&check.row.cell(c)))
            .unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use crate::ingest::table::test_rows::*;
    use crate::ingest::table::{Detection, TableOptions, read_table};

    #[test]
    fn every_row_ends_accepted_rejected_or_skipped() {
        let grid: &[&[&str]] = &[
            &["缴费明细表"],
            &["姓名", "身份证号", "费款所属期", "个人缴费", "缴费状态"],
            &["张三", "11010519491231002X", "2024-01", "100.00", "已缴"],
            &["", "", "", "", ""],
            &["李四", "11010519491231002X", "2024-13", "100.00", "已缴"],
            &["王五", "11010519491231002X", "2024-02", "abc", "已缴"],
            &["赵六", "", "2024-02", "100", "已缴"],
            &["姓名", "身份证号", "费款所属期", "个人缴费", "缴费状态"],
            &["合计", "", "", "300.00", ""],
            &["注：本表仅供参考"],
        ];
        let all = rows(grid);
        let (det, out) = read_table(all, std::iter::empty(), TableOptions::default());
        assert!(matches!(det, Detection::Found(_)));
        let c = &out.counts;
        assert_eq!(c.read, 10);
        assert_eq!((c.accepted, c.rejected, c.skipped), (1, 3, 6));
        assert_eq!(c.read, c.accepted + c.rejected + c.skipped);
        assert_eq!(
            (
                c.skipped_title,
                c.skipped_header,
                c.skipped_blank,
                c.skipped_total,
                c.skipped_note
            ),
            (1, 2, 1, 1, 1)
        );
        let reasons: Vec<(u32, &str, String)> = out
            .rejected
            .iter()
            .map(|r| (r.origin.row, r.column.as_str(), r.reason.code()))
            .collect();
        assert_eq!(
            reasons,
            vec![
                (5, "费款所属期", "out_of_range".to_string()),
                (6, "个人缴费", "not_an_amount".to_string()),
                (7, "身份证号", "missing_person_id".to_string()),
            ]
        );
    }

    #[test]
    fn unsigned_statement_takes_sign_from_kind() {
        let grid: &[&[&str]] = &[
            &["身份证号", "交易时间", "交易类型", "发生金额"],
            &["11010519491231002X", "2024-02-05", "101", "100.00"],
            &["11010519491231002X", "2024-02-08", "门诊消费", "30.00"],
        ];
        let (_, out) = read_table(rows(grid), std::iter::empty(), TableOptions::default());
        let amounts: Vec<String> = out.entries.iter().map(|e| e.amount.to_string()).collect();
        assert_eq!(amounts, vec!["100.00", "-30.00"]);

        let signed: &[&[&str]] = &[
            &["身份证号", "交易时间", "交易类型", "发生金额"],
            &["11010519491231002X", "2024-02-05", "冲正", "-100.00"],
            &["11010519491231002X", "2024-02-08", "101", "100.00"],
        ];
        let (_, out) = read_table(rows(signed), std::iter::empty(), TableOptions::default());
        let amounts: Vec<String> = out.entries.iter().map(|e| e.amount.to_string()).collect();
        assert_eq!(amounts, vec!["-100.00", "100.00"]);
    }

    /// One reversal written with a minus sign does not make an unsigned statement signed:
    /// its spending rows still go out (on main they all turned into income).
    #[test]
    fn one_negative_reversal_does_not_flip_the_other_rows() {
        let grid: &[&[&str]] = &[
            &["身份证号", "交易时间", "交易类型", "发生金额"],
            &["11010519491231002X", "2024-02-05", "101", "100.00"],
            &["11010519491231002X", "2024-02-08", "门诊消费", "30.00"],
            &["11010519491231002X", "2024-02-09", "冲正", "-10.00"],
            &["11010519491231002X", "2024-02-10", "药店购药", "20.00"],
        ];
        let (_, out) = read_table(rows(grid), std::iter::empty(), TableOptions::default());
        let amounts: Vec<String> = out.entries.iter().map(|e| e.amount.to_string()).collect();
        assert_eq!(amounts, vec!["100.00", "-30.00", "-10.00", "-20.00"]);
    }

    /// 合计 in an employer's name is data; a total row is one without a valid ID.
    #[test]
    fn total_words_inside_data_are_data() {
        let grid: &[&[&str]] = &[
            &["个人编号", "姓名", "费款所属期", "单位名称", "个人缴费"],
            &["A1001", "张三", "2024-01", "联合计算机公司", "100.00"],
            &["A1002", "李四", "2024-01", "小计算器厂", "100.00"],
            &["", "王五", "2024-01", "联合计算机公司", "100.00"],
            &["", "本页合计", "", "", "200.00"],
            &["小计", "", "", "", "200.00"],
        ];
        let (_, out) = read_table(rows(grid), std::iter::empty(), TableOptions::default());
        assert_eq!(out.contributions.len(), 2);
        assert_eq!((out.counts.skipped_total, out.counts.rejected), (2, 1));
        assert_eq!(out.rejected[0].reason.code(), "missing_person_id");
    }
}
