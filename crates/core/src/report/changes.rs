//! changes.csv: findings new since a previous run's findings.csv, and findings resolved
//! since then — what the daily mail says changed.

use std::collections::HashMap;

use super::tables::FINDINGS_COLUMNS;

/// A finding's identity across runs: who, when, what, how much. The message is left out,
/// so a change of `--lang` is not a change of findings.
fn key(r: &csv::StringRecord) -> Vec<String> {
    [0, 1, 2, 3, 4, 6, 7]
        .iter()
        .map(|&i| r.get(i).unwrap_or("").to_string())
        .collect()
}

fn records(bytes: &[u8]) -> Result<Vec<csv::StringRecord>, csv::Error> {
    csv::Reader::from_reader(bytes).records().collect()
}

/// Counts of the changes, and changes.csv.
pub struct Changes {
    pub new: usize,
    pub resolved: usize,
    pub csv: Vec<u8>,
}

/// Compares two findings.csv files (the previous run's and this run's).
pub fn compare(previous: &[u8], current: &[u8]) -> Result<Changes, csv::Error> {
    let (before, now) = (records(previous)?, records(current)?);
    // Findings are a multiset: two equal CREDIT_UNEXPECTED in one month are two findings.
    let mut left: HashMap<Vec<String>, usize> = HashMap::new();
    for r in &before {
        *left.entry(key(r)).or_default() += 1;
    }
    let mut new = Vec::new();
    for r in &now {
        match left.get_mut(&key(r)) {
            Some(n) if *n > 0 => *n -= 1,
            _ => new.push(r),
        }
    }
    let mut right: HashMap<Vec<String>, usize> = HashMap::new();
    for r in &now {
        *right.entry(key(r)).or_default() += 1;
    }
    let mut resolved = Vec::new();
    for r in &before {
        match right.get_mut(&key(r)) {
            Some(n) if *n > 0 => *n -= 1,
            _ => resolved.push(r),
        }
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec![crate::columns::CHANGES_FIRST_COLUMN];
    header.extend(FINDINGS_COLUMNS);
    w.write_record(&header)?;
    for (change, rows) in [("new", &new), ("resolved", &resolved)] {
        for r in rows.iter() {
            // Cells come from findings.csv, already safe; checked again all the same.
            let mut row = vec![change.to_string()];
            row.extend(r.iter().map(|cell| super::safe_cell(cell).into_owned()));
            w.write_record(&row)?;
        }
    }
    let csv = w
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(Changes {
        new: new.len(),
        resolved: resolved.len(),
        csv,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str =
        "person_id,name,period,period_to,code,severity,expected,actual,difference,message\n";

    #[test]
    fn new_and_resolved_as_multisets() {
        let before = format!(
            "{HEAD}A,甲,2024-03,,CREDIT_MISSING,error,120.00,0.00,-120.00,x\nA,甲,2024-02,,CREDIT_UNEXPECTED,warning,,5.00,,y\nA,甲,2024-02,,CREDIT_UNEXPECTED,warning,,5.00,,y\n"
        );
        let after = format!(
            "{HEAD}A,甲,2024-02,,CREDIT_UNEXPECTED,warning,,5.00,,y (en)\nB,乙,2024-04,,CREDIT_SHORT,error,120.00,100.00,-20.00,z\n"
        );
        let c = compare(before.as_bytes(), after.as_bytes()).unwrap();
        assert_eq!((c.new, c.resolved), (1, 2));
        let text = String::from_utf8(c.csv).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], format!("change,{}", HEAD.trim_end()));
        assert!(lines[1].starts_with("new,B,乙,2024-04,,CREDIT_SHORT"));
        assert!(lines[2].starts_with("resolved,A,甲,2024-03,,CREDIT_MISSING"));
        assert!(lines[3].starts_with("resolved,A,甲,2024-02,,CREDIT_UNEXPECTED"));
    }
}
