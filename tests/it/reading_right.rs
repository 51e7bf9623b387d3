//! Reading right (SPEC 2.1 "Reading right"): each case a hostile review found in the
//! reader, as a file written here, read through `ingest`. Each failed before it was mended.

use crate::common;

use common::{assert_conserved, id, read_all, reasons, write};

/// Two stray quotes 500 rows apart made the 499 rows between one cell: they vanished and
/// the run exited 0. Now the two rows with the stray quotes are rejected and the rows
/// between are read.
#[test]
fn unbalanced_quotes_reject_their_row_and_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let pid = id("33010619900808010");
    let mut text = String::from("身份证号,姓名,费款所属期,个人缴费,备注\n");
    for i in 0..600 {
        let note = match i {
            10 | 510 => "\"手工调整",
            _ => "",
        };
        let (y, m) = (2000 + i / 12, i % 12 + 1);
        text.push_str(&format!("{pid},张三,{y}-{m:02},100.00,{note}\n"));
    }
    let p = write(dir.path(), "c.csv", text);
    let batch = read_all(&[&p]);
    assert_conserved(&batch);
    let c = &batch.sources[0].counts;
    assert_eq!((c.read, c.accepted, c.rejected), (601, 598, 2));
    let rejected = reasons(&batch);
    assert_eq!(
        rejected,
        vec![
            (12, "备注".to_string(), "unbalanced_quote".to_string()),
            (512, "备注".to_string(), "unbalanced_quote".to_string()),
        ]
    );
    let message = batch.rejected[0]
        .reason
        .message(yibao_recon::lang::Lang::En);
    assert!(message.contains("row 12 would run to row 512"), "{message}");
}

/// A quoted cell over a few lines (an address, a remark) is still one cell.
#[test]
fn a_quoted_cell_over_two_lines_is_one_cell() {
    let dir = tempfile::tempdir().unwrap();
    let pid = id("33010619900808010");
    let text = format!(
        "身份证号,姓名,费款所属期,个人缴费,备注\n{pid},张三,2024-01,100.00,\"第一行\n第二行\"\n{pid},张三,2024-02,100.00,\n"
    );
    let p = write(dir.path(), "c.csv", text);
    let batch = read_all(&[&p]);
    assert_conserved(&batch);
    assert_eq!(batch.contributions.len(), 2);
    assert!(batch.rejected.is_empty());
}

/// One bad byte in a UTF-8 file, before any Chinese text, made the whole file GB18030:
/// its header became mojibake and the file was skipped.
#[test]
fn one_bad_byte_keeps_a_utf8_file_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let pid = id("33010619900808010");
    let mut bytes = b"Export \xff 2024\n".to_vec();
    bytes.extend_from_slice("身份证号,姓名,费款所属期,个人缴费\n".as_bytes());
    for m in 1..=12 {
        bytes.extend_from_slice(format!("{pid},张三,2024-{m:02},100.00\n").as_bytes());
    }
    let p = write(dir.path(), "c.csv", bytes);
    let batch = read_all(&[&p]);
    assert!(
        batch.skipped_inputs.is_empty(),
        "{:?}",
        batch.skipped_inputs
    );
    assert_eq!(batch.sources[0].format, "UTF-8");
    assert_eq!(batch.contributions.len(), 12);
    assert_eq!(batch.contributions[0].who.name.as_deref(), Some("张三"));
    let warnings = batch.warnings();
    assert!(
        warnings.iter().any(|w| w.contains("1 invalid byte")),
        "{warnings:?}"
    );
}

/// The same ID written with separators, spaces or full-width digits is one person; two IDs
/// in one cell are refused rather than read as one long identifier.
#[test]
fn one_id_written_several_ways_is_one_person() {
    let dir = tempfile::tempdir().unwrap();
    let pid = id("33010619900808010");
    let dashed = format!("{}-{}-{}", &pid[..6], &pid[6..14], &pid[14..]);
    let spaced = format!("{} {} {}", &pid[..6], &pid[6..14], &pid[14..]);
    let wide: String = pid
        .chars()
        .map(|c| char::from_u32(c as u32 + 0xfee0).unwrap())
        .collect();
    let other = id("11010519491231002");
    let text = format!(
        "身份证号,姓名,费款所属期,个人缴费\n{pid},张三,2024-01,100\n{dashed},张三,2024-02,100\n\"{spaced}\",张三,2024-03,100\n{wide},张三,2024-04,100\n\"{pid} {other}\",张三,2024-05,100\n"
    );
    let p = write(dir.path(), "c.csv", text);
    let batch = read_all(&[&p]);
    assert_conserved(&batch);
    let ids: Vec<&str> = batch
        .contributions
        .iter()
        .map(|c| &*c.who.person_id)
        .collect();
    assert_eq!(ids, vec![pid.as_str(); 4]);
    assert_eq!(
        reasons(&batch),
        vec![(6, "身份证号".to_string(), "two_ids".to_string())]
    );
}

/// Decimal commas are refused, never read as a hundred times the amount.
#[test]
fn decimal_commas_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let pid = id("33010619900808010");
    let text = format!(
        "身份证号;费款所属期;个人缴费\n{pid};2024-01;120,00\n{pid};2024-02;1,5\n{pid};2024-03;1.234,56\n{pid};2024-04;(-100)\n{pid};2024-05;\"1,234.50\"\n"
    );
    let p = write(dir.path(), "c.csv", text);
    let batch = read_all(&[&p]);
    assert_conserved(&batch);
    let codes: Vec<(u32, String)> = reasons(&batch)
        .into_iter()
        .map(|(row, _, code)| (row, code))
        .collect();
    assert_eq!(
        codes,
        (2..=5)
            .map(|r| (r, "not_an_amount".to_string()))
            .collect::<Vec<_>>()
    );
    assert_eq!(batch.contributions.len(), 1);
    assert_eq!(
        batch.contributions[0].employee_amount.unwrap().to_string(),
        "1234.50"
    );
}

/// Rewrites an XLSX so that its formulas lose their saved results, as a workbook written
/// by a script (openpyxl, a report generator) has them: `<f>…</f>` with no `<v>`.
fn drop_formula_results(xlsx: &[u8]) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        let name = entry.name().unwrap().to_string();
        if name.starts_with("xl/worksheets/") {
            let mut xml = String::from_utf8(data).unwrap();
            while let Some(at) = xml.find("</f><v>") {
                let end = xml[at..].find("</v>").unwrap() + at + 4;
                xml.replace_range(at + 4..end, "");
            }
            data = xml.into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// A formula cell with no saved value was read as empty: its row went in with no amount.
/// Now the row is rejected with a reason that says to open and save the file.
#[test]
fn formulas_without_saved_results_are_rejected_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let pid = id("33010619900808010");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["身份证号", "费款所属期", "缴费基数", "个人缴费"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for r in 1..=3u32 {
        sheet.write_string(r, 0, &pid).unwrap();
        sheet.write_string(r, 1, format!("2024-0{r}")).unwrap();
        sheet.write_number(r, 2, 5000).unwrap();
    }
    sheet.write_number(1, 3, 100).unwrap();
    sheet
        .write_formula(2, 3, rust_xlsxwriter::Formula::new("=C3*0.02"))
        .unwrap();
    sheet
        .write_formula(3, 3, rust_xlsxwriter::Formula::new("=C4*0.02"))
        .unwrap();
    let bytes = drop_formula_results(&book.save_to_buffer().unwrap());
    let p = write(dir.path(), "script.xlsx", bytes);
    let batch = read_all(&[&p]);
    assert_conserved(&batch);
    assert_eq!(batch.contributions.len(), 1);
    assert_eq!(
        reasons(&batch),
        vec![
            (3, "个人缴费".to_string(), "unsaved_formula".to_string()),
            (4, "个人缴费".to_string(), "unsaved_formula".to_string()),
        ]
    );
    let zh = batch.rejected[0]
        .reason
        .message(yibao_recon::lang::Lang::Zh);
    assert!(zh.contains("Excel 或 WPS 打开并保存"), "{zh}");
}

/// IDs that Excel cut to 15 digits end in 000 and are shared by people with different
/// names: the warning says so and names the rows, instead of merging them silently.
#[test]
fn truncated_ids_shared_by_different_names_are_warned_with_rows() {
    let dir = tempfile::tempdir().unwrap();
    let text = "身份证号,姓名,费款所属期,个人缴费\n330106199008080000,张三,2024-01,100\n330106199008080000,张三,2024-02,100\n330106199008080000,李四,2024-01,100\n";
    let p = write(dir.path(), "c.csv", text);
    let batch = read_all(&[&p]);
    let warnings = batch.warnings();
    let note = warnings
        .iter()
        .find(|w| w.contains("cut off by Excel"))
        .unwrap_or_else(|| panic!("{warnings:?}"));
    assert!(note.contains("c.csv row 2"), "{note}");
    assert!(note.contains("c.csv row 4"), "{note}");
    assert!(note.contains("张三, 李四"), "{note}");
}

/// A statement table under a contribution table in one CSV (and in one sheet): the second
/// header starts a table of its own kind, named by where it starts; before, its rows were
/// read as contributions and rejected. A repeated header (every cell the first header's)
/// is skipped as a header, and reading goes on in the same table.
#[test]
fn a_second_header_starts_a_table_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let pid = id("33010619900808010");
    let mut text = String::from("缴费明细\n身份证号,姓名,费款所属期,个人缴费\n");
    for m in 1..=3 {
        text.push_str(&format!("{pid},张三,20240{m},100\n"));
    }
    // A paged export repeats its header: the same table goes on.
    text.push_str("身份证号,姓名,费款所属期,个人缴费\n");
    text.push_str(&format!("{pid},张三,202404,100\n"));
    text.push_str("\n账户明细\n证件号码,交易时间,交易类型,发生金额,余额\n");
    for m in 2..=5 {
        text.push_str(&format!("{pid},2024-0{m}-05,101,100,{}\n", (m - 1) * 100));
    }
    let p = write(dir.path(), "stacked.csv", &text);
    let b = read_all(&[&p]);
    assert_conserved(&b);
    assert!(b.rejected.is_empty(), "{:?}", reasons(&b));
    assert_eq!(b.sources.len(), 2);
    let (c, s) = (&b.sources[0], &b.sources[1]);
    assert_eq!(c.kind, yibao_recon::records::Kind::Contributions);
    assert_eq!(s.kind, yibao_recon::records::Kind::Statement);
    assert_eq!(s.sheet.as_deref(), Some("table 2 from row 10"));
    assert_eq!((c.counts.accepted, c.counts.skipped_header), (4, 2));
    assert_eq!(s.counts.accepted, 4);
    assert_eq!(b.contributions.len(), 4);
    assert_eq!(b.entries.len(), 4);
    // Rows keep the file's numbering: the statement's first entry is row 11.
    assert_eq!(b.entries.iter().map(|e| e.origin.row).min(), Some(11));
    let read: u64 = b.sources.iter().map(|s| s.counts.read).sum();
    assert_eq!(read, text.lines().count() as u64);

    // The same in a sheet.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, line) in text.lines().enumerate() {
        for (c, cell) in line.split(',').enumerate() {
            if !cell.is_empty() {
                sheet.write_string(r as u32, c as u16, cell).unwrap();
            }
        }
    }
    let x = write(dir.path(), "stacked.xlsx", book.save_to_buffer().unwrap());
    let b = read_all(&[&x]);
    assert_conserved(&b);
    assert!(b.rejected.is_empty(), "{:?}", reasons(&b));
    let kinds: Vec<_> = b
        .sources
        .iter()
        .map(|s| (s.kind, s.sheet.clone()))
        .collect();
    assert_eq!(kinds.len(), 2, "{kinds:?}");
    assert_eq!(b.sources[1].kind, yibao_recon::records::Kind::Statement);
    assert_eq!(
        b.sources[1].sheet.as_deref(),
        Some("Sheet1, table 2 from row 10")
    );
    assert_eq!(b.entries.len(), 4);
}

/// The same far down a large file (read in parts on several threads): the table under the
/// 80,000 contribution rows is found, and its rows are numbered as the file's.
#[test]
fn a_table_stacked_far_down_a_large_file() {
    let dir = tempfile::tempdir().unwrap();
    let pid = id("33010619900808010");
    let mut text = String::from("身份证号,姓名,费款所属期,个人缴费\n");
    for i in 0..80_000 {
        text.push_str(&format!(
            "{pid},张三,{},100.00\n",
            200001 + (i % 12) + (i / 12 % 20) * 100
        ));
    }
    text.push_str("证件号码,交易时间,交易类型,发生金额\n");
    text.push_str(&format!(
        "{pid},2024-02-05,101,100\n{pid},2024-03-05,101,100\n"
    ));
    let p = write(dir.path(), "big.csv", &text);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let b = pool.install(|| read_all(&[&p]));
    assert_conserved(&b);
    assert!(
        b.rejected.is_empty(),
        "{:?}",
        &reasons(&b)[..3.min(b.rejected.len())]
    );
    assert_eq!(b.sources.len(), 2);
    assert_eq!(b.sources[0].counts.accepted, 80_000);
    assert_eq!(
        b.sources[1].sheet.as_deref(),
        Some("table 2 from row 80002")
    );
    let rows: Vec<u32> = b.entries.iter().map(|e| e.origin.row).collect();
    assert_eq!(rows, [80_003, 80_004]);
}

/// SPEC 2.7: a formula's saved value counts only in a workbook a spreadsheet program saved.
/// A library writes 0 as every formula's value (and asks Excel to recalculate on opening):
/// that 0 was read as 0.00 — a missing credit became a RATE_MISMATCH and exit 0. Now the
/// row is rejected as an unsaved formula; the same workbook saved by Excel is read.
#[test]
fn a_librarys_cached_zero_is_not_a_value() {
    let dir = tempfile::tempdir().unwrap();
    let pid = id("33010619900808010");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["身份证号", "费款所属期", "缴费基数", "个人缴费"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, &pid).unwrap();
    sheet.write_string(1, 1, "2024-01").unwrap();
    sheet.write_number(1, 2, 5000).unwrap();
    sheet
        .write_formula(1, 3, rust_xlsxwriter::Formula::new("=C2*0.02"))
        .unwrap();
    let library = book.save_to_buffer().unwrap();
    let p = write(dir.path(), "library.xlsx", &library);
    let batch = read_all(&[&p]);
    assert_conserved(&batch);
    assert_eq!(
        reasons(&batch),
        vec![(2, "个人缴费".to_string(), "unsaved_formula".to_string())]
    );
    let excel = common::rewrite_xlsx(&common::saved_by_excel(&library), |name, xml| {
        if name.starts_with("xl/worksheets/") {
            xml.replace("</f><v>0</v>", "</f><v>100</v>")
        } else {
            xml
        }
    });
    let p = write(dir.path(), "excel.xlsx", excel);
    let batch = read_all(&[&p]);
    assert!(batch.rejected.is_empty(), "{:?}", batch.rejected);
    assert_eq!(
        batch
            .contributions
            .iter()
            .next()
            .unwrap()
            .employee_amount
            .unwrap()
            .to_string(),
        "100.00"
    );
}
