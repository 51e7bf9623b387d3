//! The parse memo: the last few values parsed in a column, so that a value repeated row
//! after row (an ID, a name, a status) is parsed once per run of rows.

use std::sync::Arc;

use super::Row;
use crate::aliases::Field;
use crate::records::{
    AccountStatus, Category, ContributionType, Direction, EntryKind, Insurance, PaymentStatus,
    Text, Who,
};
use crate::values::{Cell, ValueResult};

/// The last few values parsed in a column. Consecutive rows of one person repeat the same
/// ID, name, status and employer, and a statement's kinds alternate among a handful
/// (101, 门诊消费…): most cells are parsed once per run, and equal texts share one
/// allocation instead of one per row.
pub(super) struct Memo<T> {
    /// (cell bytes, value), most recent first.
    recent: Vec<(Vec<u8>, T)>,
}

/// Enough for the kinds a statement alternates among; few enough to search on every row.
const MEMO_SIZE: usize = 4;

impl<T> Default for Memo<T> {
    fn default() -> Self {
        Memo { recent: Vec::new() }
    }
}

impl<T: Clone> Memo<T> {
    /// The value of column `col` of `row`, parsed by `parse` unless the cell's text is one
    /// seen lately.
    #[inline]
    pub(super) fn get<R: Row + ?Sized>(
        &mut self,
        row: &R,
        col: usize,
        parse: impl FnOnce(&Cell) -> T,
    ) -> T {
        if let Some(raw) = row.raw(col) {
            if let Some(v) = self.find(raw) {
                return v;
            }
            let v = parse(&row.cell(col));
            self.remember(raw, &v);
            return v;
        }
        let cell = row.cell(col);
        // Only text is remembered: a number and a text may print alike yet read apart.
        let Cell::Text(t) = &cell else {
            return parse(&cell);
        };
        if let Some(v) = self.find(t.as_bytes()) {
            return v;
        }
        let v = parse(&cell);
        self.remember(t.as_bytes(), &v);
        v
    }

    fn find(&mut self, key: &[u8]) -> Option<T> {
        let i = self.recent.iter().position(|(k, _)| same_bytes(k, key))?;
        // Moved to the front: the next row most likely repeats it.
        if i > 0 {
            self.recent[..=i].rotate_right(1);
        }
        Some(self.recent[0].1.clone())
    }

    fn remember(&mut self, key: &[u8], v: &T) {
        if self.recent.len() < MEMO_SIZE {
            self.recent.insert(0, (key.to_vec(), v.clone()));
            return;
        }
        // The oldest entry's buffer is reused for the newest.
        self.recent.rotate_right(1);
        let (k, old) = &mut self.recent[0];
        k.clear();
        k.extend_from_slice(key);
        *old = v.clone();
    }
}

/// `a == b` for the short cells memos hold (IDs, names, codes) without a call to
/// `memcmp`, which was the most time of any one function in reading a table: the first
/// and last eight bytes are compared as two words, the middle of a longer cell as bytes.
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n < 8 {
        return a.iter().zip(b).all(|(x, y)| x == y);
    }
    let word =
        |s: &[u8], at: usize| u64::from_ne_bytes(s[at..at + 8].try_into().unwrap_or_default());
    word(a, 0) == word(b, 0)
        && word(a, n - 8) == word(b, n - 8)
        && (n <= 16 || a[8..n - 8].iter().zip(&b[8..n - 8]).all(|(x, y)| x == y))
}

/// One memo per coded or free-text column of a table.
pub(super) struct Memos {
    pub(super) person: Memo<ValueResult<(Text, bool)>>,
    pub(super) person_number: Memo<Option<Text>>,
    pub(super) text: [Memo<Option<Text>>; Field::COUNT],
    pub(super) status: Memo<ValueResult<PaymentStatus>>,
    pub(super) contribution_type: Memo<ValueResult<ContributionType>>,
    pub(super) insurance: Memo<ValueResult<Insurance>>,
    pub(super) category: Memo<ValueResult<Category>>,
    pub(super) account_status: Memo<ValueResult<AccountStatus>>,
    pub(super) entry_kind: Memo<(EntryKind, Direction)>,
    pub(super) who: Arc<Who>,
}

impl Memos {
    /// The row's `Who`: the previous row's when it names the same person the same way.
    pub(super) fn who(
        &mut self,
        id: Option<&Text>,
        number: Option<Text>,
        name: Option<Text>,
    ) -> Arc<Who> {
        let same = |w: &Who| {
            id.is_none_or(|id| *id == w.person_id) && w.person_number == number && w.name == name
        };
        if !same(&self.who) {
            self.who = Arc::new(Who {
                person_id: id.cloned().unwrap_or_default(),
                person_number: number,
                name,
            });
        }
        Arc::clone(&self.who)
    }
}

impl Default for Memos {
    fn default() -> Self {
        Memos {
            person: Memo::default(),
            person_number: Memo::default(),
            text: std::array::from_fn(|_| Memo::default()),
            status: Memo::default(),
            contribution_type: Memo::default(),
            insurance: Memo::default(),
            category: Memo::default(),
            account_status: Memo::default(),
            entry_kind: Memo::default(),
            who: Arc::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_bytes_is_equality() {
        for n in 0..40usize {
            let a: Vec<u8> = (0..n as u8).map(|b| b.wrapping_mul(37)).collect();
            assert!(same_bytes(&a, &a.clone()));
            for at in 0..n {
                let mut b = a.clone();
                b[at] ^= 0x40;
                assert!(!same_bytes(&a, &b), "length {n}, byte {at}");
            }
            assert!(!same_bytes(&a, &a[..n.saturating_sub(1)]) || n == 0);
        }
    }
}
