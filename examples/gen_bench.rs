//! Generates a scale benchmark data set: N people × M months of contributions and
//! statements, in many files — about 60% UTF-8 CSV, 30% GBK CSV, 10% XLSX — with the noise
//! of real data (late, short, missing and duplicate credits, gaps, unpaid months, tier
//! changes, spending, family sharing).
//!
//!     cargo run --release --example gen_bench -- PEOPLE MONTHS OUT_DIR [SEED] [csv]
//!
//! With `csv`, the workbook share is written as UTF-8 CSV instead (the 1M-people set).
//! Deterministic: the same arguments give the same files.

use std::fmt::Write as _;
use std::path::Path;

use encoding_rs::GB18030;
use rust_xlsxwriter::Workbook;
use yibao_recon::values::id_check_char;

struct Rng(u64);

impl Rng {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }
}

const SURNAMES: [&str; 10] = ["张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴"];
const GIVEN: [&str; 10] = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰"];
const EMPLOYERS: [&str; 5] = [
    "示例科技有限公司",
    "某某物流有限公司",
    "华东制造股份有限公司",
    "城南医院",
    "滨江小学",
];

enum Format {
    Utf8,
    Gbk,
    Xlsx,
}

fn write_table(
    dir: &Path,
    name: &str,
    format: &Format,
    header: &[&str],
    rows: &[Vec<String>],
) -> std::io::Result<()> {
    match format {
        Format::Utf8 | Format::Gbk => {
            let mut text = header.join(",");
            text.push('\n');
            for r in rows {
                text.push_str(&r.join(","));
                text.push('\n');
            }
            let bytes = match format {
                Format::Gbk => GB18030.encode(&text).0.into_owned(),
                _ => text.into_bytes(),
            };
            std::fs::write(dir.join(format!("{name}.csv")), bytes)
        }
        Format::Xlsx => {
            let mut wb = Workbook::new();
            let ws = wb.add_worksheet();
            let xl = |e: rust_xlsxwriter::XlsxError| std::io::Error::other(e.to_string());
            ws.write_string(0, 0, "导出数据").map_err(xl)?;
            for (c, h) in header.iter().enumerate() {
                ws.write_string(1, c as u16, *h).map_err(xl)?;
            }
            for (r, row) in rows.iter().enumerate() {
                for (c, v) in row.iter().enumerate() {
                    ws.write_string(r as u32 + 2, c as u16, v).map_err(xl)?;
                }
            }
            wb.save(dir.join(format!("{name}.xlsx"))).map_err(xl)
        }
    }
}

fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", cents.abs() / 100, cents.abs() % 100)
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let people: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let months: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(36);
    let out = Path::new(
        args.get(3)
            .map(String::as_str)
            .unwrap_or("bench/data/scale"),
    );
    let seed: u64 = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(7);
    let csv_only = args.get(5).is_some_and(|s| s == "csv");
    std::fs::create_dir_all(out)?;
    let mut rng = Rng(seed);
    let c_header = [
        "身份证号",
        "姓名",
        "费款所属期",
        "缴费基数",
        "个人缴费",
        "单位缴费",
        "缴费状态",
        "险种类型",
        "缴费档次",
        "单位名称",
    ];
    let s_header = [
        "身份证号",
        "姓名",
        "交易时间",
        "交易类型",
        "发生金额",
        "共济人",
    ];
    // At least ten file pairs, so the 6 : 3 : 1 mix of UTF-8, GBK and XLSX shows.
    let groups = (people / 1_000).max(10).min(people.max(1));
    let group = people.div_ceil(groups);
    for g in 0..groups {
        let format = match g % 10 {
            0..=5 => Format::Utf8,
            6..=8 => Format::Gbk,
            _ if csv_only => Format::Utf8,
            _ => Format::Xlsx,
        };
        let (mut contributions, mut statement) = (Vec::new(), Vec::new());
        for p in g * group..((g + 1) * group).min(people) {
            let first17 = format!(
                "{:06}{:04}{:02}{:02}{:03}",
                320100 + p % 97,
                1960 + rng.next(45),
                1 + rng.next(12),
                1 + rng.next(28),
                p % 1000
            );
            let id = format!("{first17}{}", id_check_char(&first17).unwrap_or('0'));
            let name = format!(
                "{}{}{}",
                SURNAMES[rng.next(10) as usize],
                GIVEN[rng.next(10) as usize],
                GIVEN[rng.next(10) as usize]
            );
            let employer = EMPLOYERS[rng.next(5) as usize];
            let base = 300_000 + rng.next(2_000_000) as i64;
            let flexible = rng.next(20) == 0;
            let low_tier_from = if flexible && rng.next(3) == 0 {
                rng.next(months)
            } else {
                u64::MAX
            };
            for m in 0..months {
                if rng.next(60) == 0 {
                    continue; // a gap
                }
                let (y, mo) = (2022 + (m + 8) / 12, (m + 8) % 12 + 1); // from 2022-09
                let unpaid = rng.next(50) == 0;
                let tier = if m >= low_tier_from {
                    "4%档"
                } else if flexible {
                    "8%档"
                } else {
                    ""
                };
                let employee = base * 2 / 100;
                contributions.push(vec![
                    id.clone(),
                    name.clone(),
                    format!("{y}{mo:02}"),
                    money(base),
                    money(if flexible { base * 8 / 100 } else { employee }),
                    money(if flexible { 0 } else { base * 8 / 100 }),
                    (if unpaid { "欠缴" } else { "已缴" }).into(),
                    (if flexible {
                        "灵活就业人员"
                    } else {
                        "职工基本医疗保险"
                    })
                    .into(),
                    tier.into(),
                    employer.into(),
                ]);
                if unpaid || tier == "4%档" || rng.next(40) == 0 {
                    continue; // no credit: unpaid, no account, or missing
                }
                let mut credit = if flexible { base * 2 / 100 } else { employee };
                if rng.next(30) == 0 {
                    credit = credit * 9 / 10; // short
                }
                let late = if rng.next(15) == 0 {
                    1 + rng.next(3)
                } else {
                    0
                };
                let cm = m + 1 + late;
                let (cy, cmo) = (2022 + (cm + 8) / 12, (cm + 8) % 12 + 1);
                let copies = if rng.next(80) == 0 { 2 } else { 1 };
                for k in 0..copies {
                    statement.push(vec![
                        id.clone(),
                        name.clone(),
                        format!("{cy}-{cmo:02}-05 09:{:02}:{:02}", p % 60, k),
                        "101".into(),
                        money(credit),
                        String::new(),
                    ]);
                }
                if rng.next(4) == 0 {
                    let (kind, who) = if rng.next(10) == 0 {
                        ("205", "家属")
                    } else {
                        ("门诊消费", "")
                    };
                    let mut spent = String::new();
                    let _ = write!(spent, "{}", money(-(500 + rng.next(20_000) as i64)));
                    statement.push(vec![
                        id.clone(),
                        name.clone(),
                        format!("{cy}-{cmo:02}-20 15:{:02}:00", p % 60),
                        kind.into(),
                        spent,
                        who.into(),
                    ]);
                }
            }
        }
        write_table(
            out,
            &format!("contributions_{g:04}"),
            &format,
            &c_header,
            &contributions,
        )?;
        write_table(
            out,
            &format!("statement_{g:04}"),
            &format,
            &s_header,
            &statement,
        )?;
    }
    println!(
        "{people} people × {months} months in {} file pairs under {}",
        groups,
        out.display()
    );
    Ok(())
}
