//! Generates a large contribution-records CSV for the ingest benchmark.
//!
//!     cargo run --release --example gen_rows -- ROWS OUT.csv [--gbk]
//!
//! Deterministic (a fixed-seed LCG): the same arguments give the same bytes. Each person
//! has 36 months; names, employers and amounts vary so the parser sees realistic cells.

use std::io::{BufWriter, Write};

use encoding_rs::GB18030;
use yibao_recon::values::id_check_char;

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

const SURNAMES: [&str; 10] = ["张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴"];
const GIVEN: [&str; 10] = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰"];
const EMPLOYERS: [&str; 4] = [
    "示例科技有限公司",
    "某某物流有限公司",
    "华东制造股份有限公司",
    "城南医院",
];

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let rows: u64 = args
        .get(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let out = args
        .get(2)
        .map(String::as_str)
        .unwrap_or("bench/data/contributions.csv");
    let gbk = args.iter().any(|a| a == "--gbk");
    let mut text = String::with_capacity(rows as usize * 120);
    text.push_str(
        "姓名,身份证号,费款所属期,缴费基数,个人缴费,单位缴费,缴费状态,险种类型,单位名称\n",
    );
    let mut rng = Lcg(42);
    let months = 36u64;
    let mut person = 0u64;
    let mut written = 0u64;
    while written < rows {
        let first17 = format!(
            "{:06}{:04}{:02}{:02}{:03}",
            320100 + rng.next() % 100,
            1960 + rng.next() % 45,
            1 + rng.next() % 12,
            1 + rng.next() % 28,
            person % 1000
        );
        let id = format!("{first17}{}", id_check_char(&first17).unwrap_or('0'));
        let name = format!(
            "{}{}{}",
            SURNAMES[(rng.next() % 10) as usize],
            GIVEN[(rng.next() % 10) as usize],
            GIVEN[(rng.next() % 10) as usize]
        );
        let employer = EMPLOYERS[(rng.next() % 4) as usize];
        let base_cents = 300_000 + rng.next() % 2_000_000;
        for m in 0..months {
            if written == rows {
                break;
            }
            let (y, mo) = (2021 + m / 12, 1 + m % 12);
            let emp = base_cents * 2 / 100;
            let er = base_cents * 8 / 100;
            let status = if rng.next().is_multiple_of(50) {
                "未缴"
            } else {
                "已缴"
            };
            text.push_str(&format!(
                "{name},{id},{y}{mo:02},{}.{:02},{}.{:02},{}.{:02},{status},职工基本医疗保险,{employer}\n",
                base_cents / 100,
                base_cents % 100,
                emp / 100,
                emp % 100,
                er / 100,
                er % 100,
            ));
            written += 1;
        }
        person += 1;
    }
    if let Some(dir) = std::path::Path::new(out).parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut w = BufWriter::new(std::fs::File::create(out)?);
    if gbk {
        w.write_all(&GB18030.encode(&text).0)?;
    } else {
        w.write_all(text.as_bytes())?;
    }
    w.flush()
}
