//! Library-level tests: every input shape SPEC lists is read into the right records, and
//! exactly the bad rows are rejected, each with its reason.

use crate::common;

use chrono::NaiveDate;
use common::{assert_conserved, gbk, id, read_all, reasons, utf16be_bom, utf16le_bom, write};
use rust_decimal::Decimal;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use yibao_recon::ingest::Batch;
use yibao_recon::money::Money;
use yibao_recon::records::{
    AccountStatus, Category, ContributionType, EntryKind, Insurance, Kind, PaymentStatus, Period,
};

/// An amount as records hold it (whole cents).
fn dec(s: &str) -> Money {
    Money::from_decimal(s.parse::<Decimal>().unwrap()).unwrap()
}

fn p(y: i32, m: u32) -> Period {
    Period::new(y, m).unwrap()
}

#[test]
fn gbk_city_portal_with_payment_month_beside_period() {
    let dir = tempfile::tempdir().unwrap();
    let a = id("42010619881130002");
    let text = format!(
        "个人缴费明细\r\n个人编号,姓名,证件号码,险种类型,费款所属年月,缴费年月,人员缴费基数,个人应缴,单位应缴,到账标记,应缴类型\r\n\
         1000235,陈静,{a},职工基本医疗保险,2024-03,202405,\"7,500.00\",150.00,600.00,足额缴费,补收\r\n\
         1000235,陈静,{a},职工基本医疗保险,2024-04,202404,7500,150,600,未到账,10\r\n"
    );
    let f = write(dir.path(), "portal.csv", gbk(&text));
    let b = read_all(&[&f]);
    assert_conserved(&b);
    assert_eq!(b.sources[0].kind, Kind::Contributions);
    assert_eq!(b.sources[0].format, "GB18030");
    let c = &b.contributions;
    assert_eq!(c.len(), 2);
    assert_eq!(&*c[0].who.person_id, a);
    assert_eq!(c[0].who.person_number.as_deref(), Some("1000235"));
    assert_eq!(c[0].who.name.as_deref(), Some("陈静"));
    assert_eq!(c[0].period, p(2024, 3));
    assert_eq!(c[0].paid_month, Some(p(2024, 5)));
    assert_eq!(c[0].base, Some(dec("7500")));
    assert_eq!(c[0].employee_amount, Some(dec("150")));
    assert_eq!(c[0].employer_amount, Some(dec("600")));
    assert_eq!(c[0].status, PaymentStatus::Paid);
    assert_eq!(c[0].contribution_type, ContributionType::BackPayment);
    assert_eq!(c[0].origin.row, 3);
    assert_eq!(c[1].status, PaymentStatus::Unpaid);
    assert_eq!(c[1].contribution_type, ContributionType::Normal);
}

#[test]
fn utf16_le_and_be_tab_separated() {
    let dir = tempfile::tempdir().unwrap();
    let a = id("31011519950105003");
    let text = format!(
        "社会保障号码\t姓名\t所属期\t缴费基数\t个人缴费\r\n{a}\t赵磊\t2024年3月\t5,000.00\t100.00\r\n"
    );
    let le = write(dir.path(), "le.txt", utf16le_bom(&text));
    let be = write(dir.path(), "be.tsv", utf16be_bom(&text));
    let b = read_all(&[&le, &be]);
    assert_conserved(&b);
    // The same row in two files counts once; the later file's copy is skipped (SPEC 2.1),
    // a note naming the first.
    assert_eq!(b.contributions.len(), 1);
    assert!(b.rejected.is_empty());
    let skipped: u64 = b.sources.iter().map(|s| s.counts.skipped_same_period).sum();
    assert_eq!(skipped, 1);
    assert!(
        b.warnings().iter().any(|w| w.contains("be.tsv row 2")),
        "{:?}",
        b.warnings()
    );
    for c in &b.contributions {
        assert_eq!(c.who.name.as_deref(), Some("赵磊"));
        assert_eq!(c.period, p(2024, 3));
        assert_eq!(c.base, Some(dec("5000")));
    }
    let formats: Vec<&str> = b.sources.iter().map(|s| s.format.as_str()).collect();
    assert_eq!(formats, ["UTF-16BE", "UTF-16LE"]);
}

#[test]
fn semicolon_csv_with_english_headers_and_bom() {
    let dir = tempfile::tempdir().unwrap();
    let a = id("44030419921001005");
    let text = format!(
        "\u{feff}person_id;name;period;base;employee_amount;insurance;tier\n{a};刘洋;2024/3;4500;360;灵活就业人员;一档\n{};x;2024.04;4500;360;城乡居民;\n",
        a.to_lowercase()
    );
    let f = write(dir.path(), "flex.csv", text);
    let b = read_all(&[&f]);
    assert_conserved(&b);
    let c = &b.contributions;
    assert_eq!(c.len(), 2);
    assert_eq!(c[0].insurance, Insurance::Flexible);
    assert_eq!(c[0].tier.as_deref(), Some("一档"));
    assert_eq!(c[1].insurance, Insurance::Resident);
    assert_eq!(&*c[1].who.person_id, a, "lower-case x is upper-cased");
    assert_eq!(c[1].period, p(2024, 4));
}

#[test]
fn statement_with_income_expense_and_codes() {
    let dir = tempfile::tempdir().unwrap();
    let a = id("32010219850315123");
    let text = format!(
        "证件号码,账户收支类型,收支时间,收入,支出,余额,所属期,医疗机构名称\n\
         {a},101,2024-02-05 09:30:00,160.00,,1410.00,202401,\n\
         {a},201,2024/3/18 15:02,,86.50,1323.50,,南京市第一医院\n\
         {a},205,20240509,,120.00,1203.50,,\n\
         {a},203,2024年6月1日,,1203.50,0.00,,\n"
    );
    let f = write(dir.path(), "st.csv", text);
    let b = read_all(&[&f]);
    assert_conserved(&b);
    assert_eq!(b.sources[0].kind, Kind::Statement);
    let e = &b.entries;
    let kinds: Vec<EntryKind> = e.iter().map(|x| x.kind).collect();
    assert_eq!(
        kinds,
        [
            EntryKind::Credit,
            EntryKind::Spending,
            EntryKind::Family,
            EntryKind::Clearing
        ]
    );
    let amounts: Vec<Money> = e.iter().map(|x| x.amount).collect();
    assert_eq!(
        amounts,
        [dec("160"), dec("-86.5"), dec("-120"), dec("-1203.5")]
    );
    assert_eq!(e[0].period, Some(p(2024, 1)));
    assert_eq!(e[0].balance, Some(dec("1410")));
    assert_eq!(
        e[1].at,
        NaiveDate::from_ymd_opt(2024, 3, 18)
            .unwrap()
            .and_hms_opt(15, 2, 0)
            .unwrap()
    );
    assert_eq!(e[1].institution.as_deref(), Some("南京市第一医院"));
}

#[test]
fn statement_with_unsigned_amounts_takes_sign_from_text_kind() {
    let dir = tempfile::tempdir().unwrap();
    let a = id("32010419710722004");
    let text = format!(
        "身份证号,交易日期,摘要,交易金额,共济人员\n{a},2024-02-06,个人账户划入,120.00,\n{a},2024-02-07,家庭共济,50.00,王小明\n{a},2024-02-08,其他,5.00,\n"
    );
    let f = write(dir.path(), "st.csv", text);
    let b = read_all(&[&f]);
    assert_conserved(&b);
    let e = &b.entries;
    assert_eq!(e[0].amount, dec("120"));
    assert_eq!(e[1].amount, dec("-50"));
    assert_eq!(
        e[1].beneficiary.as_deref(),
        Some("王小明"),
        "共济人员 in a statement is the beneficiary"
    );
    assert_eq!(e[2].kind, EntryKind::Unclassified);
    assert_eq!(e[2].amount, dec("5"));
}

#[test]
fn roster_with_spans_and_family() {
    let dir = tempfile::tempdir().unwrap();
    let a = id("31011519950105003");
    let text = format!(
        "身份证号,姓名,出生日期,人员类别,退休年月,参保状态,开始年月,结束年月,共济人员\n\
         {a},赵磊,1995-01-05,退休,2024-01,暂停,202404,,张三;李四、王五\n"
    );
    let f = write(dir.path(), "roster.csv", text);
    let b = read_all(&[&f]);
    assert_conserved(&b);
    let r = &b.roster[0];
    assert_eq!(b.sources[0].kind, Kind::Roster);
    assert_eq!(r.birth_date, NaiveDate::from_ymd_opt(1995, 1, 5));
    assert_eq!(r.category, Some(Category::Retired));
    assert_eq!(r.retired_from, Some(p(2024, 1)));
    assert_eq!(r.account_status, Some(AccountStatus::Inactive));
    assert_eq!(r.status_from, Some(p(2024, 4)));
    assert_eq!(r.status_to, None);
    assert_eq!(r.family, ["张三", "李四", "王五"]);
}

/// An HR workbook of real shape: instructions sheet, title and note rows, Excel date
/// cells, IDs stored as numbers, a total row, a note below; exactly the bad rows rejected.
#[test]
fn hr_workbook_with_titles_notes_totals_and_date_cells() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hr.xlsx");
    let good = id("32010219850315123");
    let mut wb = Workbook::new();
    let ym = Format::new().set_num_format("yyyy-mm");
    let info = wb.add_worksheet().set_name("使用说明").unwrap();
    info.write_string(0, 0, "本工作簿包含缴费明细").unwrap();
    let ws = wb.add_worksheet().set_name("缴费").unwrap();
    ws.write_string(0, 0, "示例公司 2024年职工医保缴费明细")
        .unwrap();
    ws.write_string(1, 3, "单位:元").unwrap();
    let header = [
        "姓名",
        "身份证号码",
        "台账年月",
        "当年月缴费基数",
        "医疗个人缴费额",
        "医疗单位缴费额",
    ];
    for (c, h) in header.iter().enumerate() {
        ws.write_string(3, c as u16, *h).unwrap();
    }
    // row 5 (index 4): good, Excel date cell for the period
    ws.write_string(4, 0, "张伟").unwrap();
    ws.write_string(4, 1, &good).unwrap();
    ws.write_datetime_with_format(4, 2, ExcelDateTime::from_ymd(2024, 3, 1).unwrap(), &ym)
        .unwrap();
    ws.write_number(4, 3, 8000.0).unwrap();
    ws.write_number(4, 4, 160.0).unwrap();
    ws.write_number(4, 5, 640.0).unwrap();
    // row 6: a 15-digit ID stored as a number: exact, accepted
    ws.write_string(5, 0, "老王").unwrap();
    ws.write_number(5, 1, 110105491231002.0).unwrap();
    ws.write_string(5, 2, "202403").unwrap();
    ws.write_number(5, 4, 100.0).unwrap();
    // row 7: an 18-digit ID stored as a number: digits lost, rejected
    ws.write_string(6, 0, "小李").unwrap();
    ws.write_number(6, 1, 320102198503151234.0).unwrap();
    ws.write_string(6, 2, "202403").unwrap();
    ws.write_number(6, 4, 100.0).unwrap();
    // row 8: ID in scientific notation as text: rejected
    ws.write_string(7, 0, "小赵").unwrap();
    ws.write_string(7, 1, "3.20102E+17").unwrap();
    ws.write_string(7, 2, "202403").unwrap();
    // row 9: unreadable amount: rejected
    ws.write_string(8, 0, "小钱").unwrap();
    ws.write_string(8, 1, &good).unwrap();
    ws.write_string(8, 2, "2024-04").unwrap();
    ws.write_string(8, 4, "一百六").unwrap();
    // row 10 blank, row 11 total, row 12 note
    ws.write_string(10, 0, "合计").unwrap();
    ws.write_number(10, 4, 360.0).unwrap();
    ws.write_string(11, 0, "注:数据截至2024年4月").unwrap();
    wb.save(&path).unwrap();

    let b = read_all(&[&path]);
    assert_conserved(&b);
    assert_eq!(b.sources.len(), 1);
    assert_eq!(b.sources[0].sheet.as_deref(), Some("缴费"));
    assert_eq!(b.skipped_inputs.len(), 1);
    assert_eq!(b.skipped_inputs[0].sheet.as_deref(), Some("使用说明"));
    let c = &b.sources[0].counts;
    assert_eq!((c.read, c.accepted, c.rejected, c.skipped), (12, 2, 3, 7));
    assert_eq!(
        (
            c.skipped_title,
            c.skipped_header,
            c.skipped_blank,
            c.skipped_total,
            c.skipped_note
        ),
        (2, 1, 2, 1, 1)
    );
    assert_eq!(
        reasons(&b),
        [
            (7, "身份证号码".to_string(), "id_precision_lost".to_string()),
            (8, "身份证号码".to_string(), "id_scientific".to_string()),
            (9, "医疗个人缴费额".to_string(), "not_an_amount".to_string()),
        ]
    );
    let k = &b.contributions;
    assert_eq!(k[0].period, p(2024, 3));
    assert_eq!(k[0].base, Some(dec("8000")));
    assert_eq!(k[0].employee_amount, Some(dec("160")));
    assert_eq!(&*k[1].who.person_id, "110105491231002");
}

#[test]
fn files_and_rows_keep_their_order_whatever_the_input_order() {
    let dir = tempfile::tempdir().unwrap();
    let a = id("32010219850315123");
    let one = write(
        dir.path(),
        "a.csv",
        format!("身份证号,所属期,个人缴费\n{a},202401,1\n"),
    );
    let two = write(
        dir.path(),
        "b.csv",
        format!("身份证号,所属期,个人缴费\n{a},202402,2\n"),
    );
    let x = read_all(&[&one, &two]);
    let y = read_all(&[&two, &one, &two]);
    let periods = |b: &Batch| b.contributions.iter().map(|c| c.period).collect::<Vec<_>>();
    assert_eq!(periods(&x), periods(&y));
    assert_eq!(x.sources.len(), 2, "a file named twice is read once");
    assert_eq!(y.sources.len(), 2);
}

/// One row per rejection reason; each is rejected with that reason and nothing else is.
#[test]
fn one_row_per_rejection_reason() {
    let dir = tempfile::tempdir().unwrap();
    let a = id("32010219850315123");
    let contributions = format!(
        "身份证号,费款所属期,缴费基数,个人缴费,缴费状态,缴费类型,人员类别,出生日期\n\
         {a},202401,5000,100,已缴,正常,在职,1985-03-15\n\
         ,202402,5000,100,已缴,正常,在职,\n\
         {a},,5000,100,已缴,正常,在职,\n\
         {a},下个月,5000,100,已缴,正常,在职,\n\
         {a},202413,5000,100,已缴,正常,在职,\n\
         {a},202403,五千,100,已缴,正常,在职,\n\
         {a},202403,5000,99999999999999,已缴,正常,在职,\n\
         3.20102E+17,202403,5000,100,已缴,正常,在职,\n\
         张三,202403,5000,100,已缴,正常,在职,\n\
         {a},202403,5000,100,部分缴纳,正常,在职,\n\
         {a},202403,5000,100,已缴,其他,在职,\n\
         {a},202403,5000,100,已缴,正常,学生,\n\
         {a},202403,5000,100,已缴,正常,在职,1985-02-30\n\
         {a},202403,5000,100,已缴,正常,在职,某天\n"
    );
    let statement = format!(
        "身份证号,交易时间,交易类型,收入,支出\n{a},2024-02-05,101,160,\n{a},2024-02-06,201,,\n{a},,101,160,\n"
    );
    let roster = format!("身份证号,账户状态\n{a},正常\n{a},待定\n");
    let c = write(dir.path(), "c.csv", contributions);
    let s = write(dir.path(), "s.csv", statement);
    let r = write(dir.path(), "r.csv", roster);
    let b = read_all(&[&c, &s, &r]);
    assert_conserved(&b);
    let got: Vec<(String, u32, String)> = b
        .rejected
        .iter()
        .map(|x| {
            let src = b.source(x.origin);
            (
                src.path.rsplit('/').next().unwrap().to_string(),
                x.origin.row,
                x.reason.code(),
            )
        })
        .collect();
    let want: Vec<(String, u32, String)> = [
        ("c.csv", 3, "missing_person_id"),
        ("c.csv", 4, "missing_period"),
        ("c.csv", 5, "not_a_period"),
        ("c.csv", 6, "out_of_range"),
        ("c.csv", 7, "not_an_amount"),
        ("c.csv", 8, "amount_out_of_range"),
        ("c.csv", 9, "id_scientific"),
        ("c.csv", 10, "id_invalid"),
        ("c.csv", 11, "unknown_status"),
        ("c.csv", 13, "unknown_category"),
        ("c.csv", 14, "no_such_day"),
        ("c.csv", 15, "not_a_date"),
        ("r.csv", 3, "unknown_account_status"),
        ("s.csv", 3, "no_amount"),
        ("s.csv", 4, "missing_date"),
    ]
    .iter()
    .map(|(f, r, c)| (f.to_string(), *r, c.to_string()))
    .collect();
    assert_eq!(got, want);
    // 其他 is kept as type `other` (SPEC 2.1), not rejected.
    assert_eq!(b.contributions.len(), 2);
    assert_eq!(b.entries.len(), 1);
    assert_eq!(b.roster.len(), 1);
}

#[test]
fn excel_error_cells_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("err.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "身份证号").unwrap();
    ws.write_string(0, 1, "所属期").unwrap();
    ws.write_string(0, 2, "个人缴费").unwrap();
    ws.write_string(1, 0, id("32010219850315123")).unwrap();
    ws.write_string(1, 1, "202401").unwrap();
    ws.write_formula(
        1,
        2,
        rust_xlsxwriter::Formula::new("=NA()").set_result("#N/A"),
    )
    .unwrap();
    // As Excel saves it: its formula values are the spreadsheet's (SPEC 2.7).
    std::fs::write(&path, common::saved_by_excel(&wb.save_to_buffer().unwrap())).unwrap();
    let b = read_all(&[&path]);
    assert_conserved(&b);
    assert_eq!(
        reasons(&b),
        [(2, "个人缴费".to_string(), "spreadsheet_error".to_string())]
    );
}

#[test]
fn bad_check_digit_is_accepted_and_warned() {
    let dir = tempfile::tempdir().unwrap();
    let good = id("32010219850315123");
    let bad = format!(
        "{}{}",
        &good[..17],
        if good.ends_with('0') { '1' } else { '0' }
    );
    let f = write(
        dir.path(),
        "c.csv",
        format!("身份证号,所属期,个人缴费\n{bad},202401,1\n"),
    );
    let b = read_all(&[&f]);
    assert_eq!(b.contributions.len(), 1);
    assert_eq!(b.sources[0].bad_check_digit_rows, [2]);
    let w = b.warnings();
    assert_eq!(w.len(), 1);
    assert!(
        w[0].contains("check digit") && w[0].contains("rows 2"),
        "{w:?}"
    );
    assert!(!w[0].contains(&bad), "warnings never carry the ID");
}

/// A payroll workbook with a two-row header: 姓名 and 身份证号 merged down over both rows,
/// 养老保险 and 医疗保险 merged across their 个人/单位 columns. Only the medical columns are
/// read as the contributions.
#[test]
fn two_row_header_with_merged_group_cells() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("payroll.xlsx");
    let a = id("32010219850315123");
    let mut wb = Workbook::new();
    let f = Format::new();
    let ws = wb.add_worksheet();
    ws.merge_range(0, 0, 0, 7, "2024年3月社保缴费表", &f)
        .unwrap();
    ws.merge_range(1, 0, 2, 0, "姓名", &f).unwrap();
    ws.merge_range(1, 1, 2, 1, "身份证号", &f).unwrap();
    ws.merge_range(1, 2, 2, 2, "费款所属期", &f).unwrap();
    ws.merge_range(1, 3, 2, 3, "缴费基数", &f).unwrap();
    ws.merge_range(1, 4, 1, 5, "养老保险", &f).unwrap();
    ws.merge_range(1, 6, 1, 7, "医疗保险", &f).unwrap();
    for (c, h) in [(4, "个人"), (5, "单位"), (6, "个人"), (7, "单位")] {
        ws.write_string(2, c, h).unwrap();
    }
    let data: [&str; 4] = [&a, "2024-03", "8000", "640"];
    ws.write_string(3, 0, "张伟").unwrap();
    for (c, v) in data.iter().enumerate().take(3) {
        ws.write_string(3, c as u16 + 1, *v).unwrap();
    }
    for (c, v) in [(4, 640.0), (5, 1280.0), (6, 160.0), (7, 640.0)] {
        ws.write_number(3, c, v).unwrap();
    }
    ws.write_string(4, 0, "合计").unwrap();
    ws.write_number(4, 6, 160.0).unwrap();
    wb.save(&path).unwrap();

    let b = read_all(&[&path]);
    assert_conserved(&b);
    assert!(b.rejected.is_empty(), "{:?}", b.rejected);
    let c = &b.contributions[0];
    assert_eq!(c.base, Some(dec("8000")));
    assert_eq!(
        c.employee_amount,
        Some(dec("160")),
        "the medical 个人 column, not the pension one"
    );
    assert_eq!(c.employer_amount, Some(dec("640")));
    let counts = &b.sources[0].counts;
    assert_eq!(
        (
            counts.skipped_title,
            counts.skipped_header,
            counts.skipped_total
        ),
        (1, 2, 1)
    );
}

/// The legacy formats, from samples made by samples/make_legacy.py (xlwt and odfpy).
#[test]
fn xls_and_ods_samples() {
    let xls = std::path::Path::new("samples/shapes/hr_legacy.xls");
    let ods = std::path::Path::new("samples/shapes/bureau_statement.ods");
    let b = read_all(&[xls, ods]);
    assert_conserved(&b);
    assert!(b.rejected.is_empty());
    let formats: Vec<(&str, Kind)> = b
        .sources
        .iter()
        .map(|s| (s.format.as_str(), s.kind))
        .collect();
    assert_eq!(
        formats,
        [("ods", Kind::Statement), ("xls", Kind::Contributions)]
    );
    let c = &b.contributions;
    assert_eq!(c.len(), 3);
    assert_eq!(
        c.iter().map(|c| c.period).collect::<Vec<_>>(),
        [p(2024, 1), p(2024, 2), p(2024, 3)]
    );
    assert_eq!(c[0].base, Some(dec("6200")));
    assert_eq!(c[0].employee_amount, Some(dec("124")));
    assert_eq!(c[0].status, PaymentStatus::Paid);
    let e = &b.entries;
    assert_eq!(e.len(), 7);
    assert_eq!(
        e[0].at.date(),
        NaiveDate::from_ymd_opt(2024, 2, 12).unwrap()
    );
    assert_eq!(e[0].kind, EntryKind::Credit);
    assert_eq!(e[0].amount, dec("100"));
    assert_eq!(e[5].kind, EntryKind::Spending);
    assert_eq!(e[5].amount, dec("-35.5"));
    assert_eq!(e[5].balance, Some(dec("964.5")));
}

/// `path` rewritten with its first sheet's last row moved to the front of the sheet data:
/// rows out of order, as some writers leave them (Excel never does).
fn last_row_first(path: &std::path::Path, to: &std::path::Path) {
    use std::io::{Read, Write};
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut text = Vec::new();
        entry.read_to_end(&mut text).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            let xml = String::from_utf8(text).unwrap();
            let last = xml.rfind("<row ").unwrap();
            let end = xml.rfind("</row>").unwrap() + "</row>".len();
            let first = xml.find("<row ").unwrap();
            let moved = format!(
                "{}{}{}{}",
                &xml[..first],
                &xml[last..end],
                &xml[first..last],
                &xml[end..]
            );
            assert_ne!(moved, xml);
            text = moved.into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&text).unwrap();
    }
    out.finish().unwrap();
}

/// XLSX sheets are read row by row as their cells stream in; a sheet whose rows come out
/// of order is read again from its sorted cells, to the same records, row numbers and
/// counts. A row with no cells between two rows with cells is a blank row.
#[test]
fn workbook_rows_out_of_order_read_as_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b2) = (id("32010219850315123"), id("11010519900101002"));
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "职工缴费明细").unwrap();
    for (c, h) in ["身份证号", "姓名", "费款所属期", "个人缴费"]
        .iter()
        .enumerate()
    {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    let rows: [(u32, &str, &str, &str, f64); 3] = [
        (2, &a, "张伟", "2024-01", 160.0),
        (3, &a, "张伟", "2024-02", 160.0),
        (6, &b2, "李娜", "2024-01", 99.5),
    ];
    for (r, who, name, period, amount) in rows {
        ws.write_string(r, 0, who).unwrap();
        ws.write_string(r, 1, name).unwrap();
        ws.write_string(r, 2, period).unwrap();
        ws.write_number(r, 3, amount).unwrap();
    }
    let in_order = dir.path().join("in_order.xlsx");
    wb.save(&in_order).unwrap();
    let shuffled = dir.path().join("shuffled.xlsx");
    last_row_first(&in_order, &shuffled);

    let (x, y) = (read_all(&[&in_order]), read_all(&[&shuffled]));
    assert_conserved(&x);
    assert_eq!(x.contributions.len(), 3);
    let rows: Vec<u32> = x.contributions.iter().map(|c| c.origin.row).collect();
    assert_eq!(rows, [3, 4, 7], "rows as Excel numbers them");
    assert_eq!(x.contributions[2].employee_amount, Some(dec("99.50")));
    let counts = &x.sources[0].counts;
    assert_eq!(
        (
            counts.skipped_title,
            counts.skipped_header,
            counts.skipped_blank
        ),
        (1, 1, 2),
        "rows 5 and 6 are blank"
    );
    assert_eq!(
        format!("{:?}", x.contributions),
        format!("{:?}", y.contributions)
    );
    assert_eq!(x.sources[0].counts, y.sources[0].counts);
}
