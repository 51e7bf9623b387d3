//! The exports people hold (DOMAIN.md §6), laid out as the public code that reads or
//! writes them has them: each read in full, its columns to the right fields. Fixtures are
//! written here; names and numbers are made up.

use crate::common;

use common::{gbk, id, read_all, write};
use yibao_recon::ingest::{Batch, InputFile, ingest};
use yibao_recon::records::{Category, ContributionType, EntryKind, Insurance, PaymentStatus};

fn assert_read_in_full(batch: &Batch) {
    assert!(
        batch.skipped_inputs.is_empty(),
        "skipped: {:?}",
        batch.skipped_inputs
    );
    assert!(batch.failures.is_empty(), "failed: {:?}", batch.failures);
    for s in &batch.sources {
        let c = &s.counts;
        assert_eq!(c.read, c.accepted + c.rejected + c.skipped, "{}", s.path);
    }
}

/// Yinhai Ta3 contributions: 保险号 beside 身份证号码, 个人缴 / 单位缴 (their amounts were
/// not read: every month expected 0.00 and `ok`), 到帐标志 with 帐, 做账期号 the booking
/// month, 离退休标志, 应缴类型 正常应缴 / 补缴.
#[test]
fn ta3_contributions_read_their_amounts() {
    let dir = tempfile::tempdir().unwrap();
    let pid = id("42010619800101001");
    let mut text = String::from(
        "单位编号,单位名称,险种类型,个人编号,姓名,身份证号码,离退休标志,应缴类型,做账期号,费款所属期,到帐标志,实缴月数,工资,缴费基数,应缴合计,单位缴,单位缴费比例,个人缴,个人缴费比例,已缴合计,单位已缴,个人已缴,划账户合计,个人划账户比例,单位划账户比例,经办日期,到账日期,冲销标志\n",
    );
    for m in 1..=3 {
        text.push_str(&format!(
            "8001,示例公司,职工基本医疗保险,1000123,王芳,{pid},在职,正常应缴,2024{m:02},2024{m:02},已到帐,1,6000,6000,720,600,0.1,120,0.02,720,600,120,120,0.02,0,2024-{m:02}-15,2024-{m:02}-20,否\n"
        ));
    }
    text.push_str("合计,,,,,,,,,,,,,,2160,1800,,360,,,,,,,,,,\n");
    let p = write(dir.path(), "ta3_jfmx.csv", gbk(&text));
    let batch = read_all(&[&p]);
    assert_read_in_full(&batch);
    assert_eq!(batch.contributions.len(), 3);
    assert_eq!(batch.sources[0].counts.skipped_total, 1);
    let c = &batch.contributions[0];
    assert_eq!(&*c.who.person_id, pid.as_str());
    assert_eq!(c.who.person_number.as_deref(), Some("1000123"));
    assert_eq!(c.employee_amount.unwrap().to_string(), "120.00");
    assert_eq!(c.employer_amount.unwrap().to_string(), "600.00");
    assert_eq!(c.base.unwrap().to_string(), "6000.00");
    assert_eq!(c.status, PaymentStatus::Paid);
    assert_eq!(c.contribution_type, ContributionType::Normal);
    assert_eq!(c.insurance, Insurance::Employee);
    assert_eq!(c.category, Some(Category::Active));
    assert_eq!(c.period.to_string(), "2024-01");
    assert_eq!(
        c.paid_month.map(|p| p.to_string()).as_deref(),
        Some("2024-01")
    );
}

/// Yinhai Ta3 statement: 保险号 and 身份证号码, the national names as kinds, 本次收支金额
/// unsigned beside 收入 / 支出, a 合计 row.
#[test]
fn ta3_statement_reads_national_names() {
    let dir = tempfile::tempdir().unwrap();
    let pid = id("42010619800101001");
    let text = format!(
        "保险号,姓名,性别,身份证号码,账户收支类型,本次收支金额,收入,支出,余额,医疗类别,备注,经办人,经办时间,医疗机构编号,医疗机构名称,支付地点,统筹区,险种类型\n\
1000123,王芳,女,{pid},个人账户划账,120.00,120.00,,120.00,,,,2024-02-05,,,,,职工基本医疗保险\n\
1000123,王芳,女,{pid},个人账户支出,30.00,,30.00,90.00,门诊,,,2024-02-10,H001,某医院,,,职工基本医疗保险\n\
1000123,王芳,女,{pid},划拨继承人,90.00,,90.00,0.00,,,,2024-03-01,,,,,职工基本医疗保险\n\
合计,,,,,,120.00,120.00,,,,,,,,,,\n"
    );
    let p = write(dir.path(), "ta3_zhmx.csv", gbk(&text));
    let batch = read_all(&[&p]);
    assert_read_in_full(&batch);
    let kinds: Vec<(EntryKind, String)> = batch
        .entries
        .iter()
        .map(|e| (e.kind, e.amount.to_string()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (EntryKind::Credit, "120.00".to_string()),
            (EntryKind::Spending, "-30.00".to_string()),
            (EntryKind::TransferOut, "-90.00".to_string()),
        ]
    );
}

/// The national platform's account export: 证件号码, names for kinds, income rows only,
/// no balance; an XLSX saved under the name `test.xls`.
#[test]
fn national_platform_income_export_as_misnamed_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    let pid = id("32010219700101001");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let header = [
        "姓名",
        "证件号码",
        "医保区划",
        "年度",
        "收支时间",
        "账户收支类型",
        "收支总金额",
        "经办机构编号",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let rows = [
        ("2024-01-20 10:00:00", "个人账户划账", 150.0),
        ("2024-02-20 10:00:00", "个人账户划账", 150.0),
        ("2024-06-30 10:00:00", "个人账户年度结息", 3.2),
        ("2024-07-01 10:00:00", "上年结转收入", 800.0),
        ("2024-07-05 10:00:00", "补录个人账户", 150.0),
    ];
    for (r, (at, kind, amount)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, "李明").unwrap();
        sheet.write_string(r, 1, &pid).unwrap();
        sheet.write_string(r, 2, "320100").unwrap();
        sheet.write_string(r, 3, "2024").unwrap();
        sheet.write_string(r, 4, *at).unwrap();
        sheet.write_string(r, 5, *kind).unwrap();
        sheet.write_number(r, 6, *amount).unwrap();
        sheet.write_string(r, 7, "320100001").unwrap();
    }
    let p = write(dir.path(), "test.xls", book.save_to_buffer().unwrap());
    let batch = read_all(&[&p]);
    assert_read_in_full(&batch);
    let kinds: Vec<EntryKind> = batch.entries.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        vec![
            EntryKind::Credit,
            EntryKind::Credit,
            EntryKind::Interest,
            EntryKind::CarryOver,
            EntryKind::Credit,
        ]
    );
    assert!(batch.entries.iter().all(|e| !e.amount.is_negative()));
}

/// A phone app's account flow saved as a table: identity only in the title rows.
#[test]
fn app_statement_with_identity_in_the_title() {
    let dir = tempfile::tempdir().unwrap();
    let pid = id("32010219850315002");
    let text = format!(
        "医保个人账户明细\n姓名：李明　身份证号：{pid}\n查询时间：2024-08-01\n交易时间,交易类型,交易金额,账户余额\n2024-05-10,个人账户划入,200.00,200.00\n2024-06-10,个人账户划入,200.00,400.00\n2024-06-15,药店购药,35.50,364.50\n"
    );
    let p = write(dir.path(), "app.csv", text);
    let batch = read_all(&[&p]);
    assert_read_in_full(&batch);
    assert_eq!(batch.entries.len(), 3);
    assert!(batch.entries.iter().all(|e| *e.who.person_id == *pid));
    assert_eq!(batch.entries[0].who.name.as_deref(), Some("李明"));
    assert_eq!(batch.entries[2].amount.to_string(), "-35.50");
    assert_eq!(batch.sources[0].counts.skipped_title, 3);
}

/// Without any identity the statement is skipped, and the reason names --person.
#[test]
fn statement_without_identity_is_skipped_naming_person() {
    let dir = tempfile::tempdir().unwrap();
    let text = "交易时间,交易类型,交易金额,账户余额\n2024-05-10,个人账户划入,200.00,200.00\n";
    let p = write(dir.path(), "copied.csv", text);
    let batch = read_all(&[&p]);
    assert_eq!(batch.sources.len(), 0);
    assert_eq!(batch.skipped_inputs.len(), 1);
    assert!(
        batch.skipped_inputs[0].reason.contains("--person"),
        "{:?}",
        batch.skipped_inputs
    );
    // Named on the command line, the same file is read.
    let pid = id("32010219850315002");
    let given =
        yibao_recon::ingest::layouts::identity::Identity::given(&pid, Some("李明")).unwrap();
    let batch = ingest(&[InputFile {
        path: p.clone(),
        forced: None,
        person: Some(std::sync::Arc::new(given)),
        layout: None,
        follow: false,
    }]);
    assert_read_in_full(&batch);
    assert_eq!(batch.entries.len(), 1);
    assert_eq!(&*batch.entries[0].who.person_id, pid.as_str());
}

/// Two people above the header: the sheet is skipped, never read as either.
#[test]
fn two_identities_above_the_header_skip_the_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "身份证号：{}\n身份证号：{}\n交易时间,交易类型,交易金额\n2024-05-10,个人账户划入,200.00\n",
        id("32010219850315002"),
        id("11010519491231002")
    );
    let p = write(dir.path(), "two.csv", text);
    let batch = read_all(&[&p]);
    assert_eq!(batch.skipped_inputs.len(), 1);
    assert_eq!(
        batch.skipped_inputs[0].reason,
        "two identities above the header"
    );
}

/// The Wuhan portal's page: five rows above the header with the logged-in person, no ID
/// column, and two month columns. Whichever of 缴费年月 / 台账年月 holds the earlier month
/// in most rows is the period (SPEC 2.1), the other the payment month.
#[test]
fn wuhan_portal_page_takes_the_earlier_month_column_as_period() {
    let dir = tempfile::tempdir().unwrap();
    let pid = id("42010619800101001");
    let head = format!(
        "武汉市社会保险个人缴费明细\n姓名：王芳\n身份证号码：{pid}\n查询险种：医疗保险\n打印日期：2024-08-01\n险种类型,缴费年月,台账年月,应缴类型,缴费方式,缴费基数,应缴金额,个人缴费金额,划入个人账户金额,划入统筹金额,补缴利息,滞纳金,缴费标识,单位编号,单位名称\n"
    );
    // Booked a month or two after the month paid for: 缴费年月 is the period here.
    let mut booked_later = head.clone();
    for (paid, booked) in [
        ("202401", "202402"),
        ("202402", "202403"),
        ("202403", "202405"),
    ] {
        booked_later.push_str(&format!(
            "职工基本医疗保险,{paid},{booked},正常应缴,银行代扣,6000,720,120,120,600,0,0,已到账,8001,示例公司\n"
        ));
    }
    let p = write(dir.path(), "wuhan.csv", gbk(&booked_later));
    let batch = read_all(&[&p]);
    assert_read_in_full(&batch);
    let periods: Vec<(String, String)> = batch
        .contributions
        .iter()
        .map(|c| (c.period.to_string(), c.paid_month.unwrap().to_string()))
        .collect();
    assert_eq!(
        periods,
        vec![
            ("2024-01".to_string(), "2024-02".to_string()),
            ("2024-02".to_string(), "2024-03".to_string()),
            ("2024-03".to_string(), "2024-05".to_string()),
        ]
    );
    assert!(batch.contributions.iter().all(|c| *c.who.person_id == *pid));
    assert_eq!(
        batch.contributions[0].employee_amount.unwrap().to_string(),
        "120.00"
    );

    // The other way round (paid in a later month for an earlier 台账年月): 台账年月.
    let mut paid_later = head;
    for (paid, booked) in [("202403", "202401"), ("202403", "202402")] {
        paid_later.push_str(&format!(
            "职工基本医疗保险,{paid},{booked},补缴,银行代扣,6000,720,120,120,600,0,0,已到账,8001,示例公司\n"
        ));
    }
    let p = write(dir.path(), "wuhan_backpay.csv", gbk(&paid_later));
    let batch = read_all(&[&p]);
    let periods: Vec<String> = batch
        .contributions
        .iter()
        .map(|c| c.period.to_string())
        .collect();
    assert_eq!(periods, vec!["2024-01", "2024-02"]);
}

/// The tax bureau's 社保费 declaration (hr-toolkit): long format, one row per person ×
/// 参保费种 × side, 费款所属日期起 as Excel date cells, 本期应缴费额 the amount. The medical
/// 个人 and 单位 rows of a month combine into one record; 养老 rows are skipped as another
/// insurance, and every row is counted once.
#[test]
fn tax_declaration_long_format_combines_the_sides() {
    let dir = tempfile::tempdir().unwrap();
    let pid = id("32010219800101001");
    let mut book = rust_xlsxwriter::Workbook::new();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    let sheet = book.add_worksheet();
    let header = [
        "姓名",
        "身份证件号码",
        "参保费种",
        "征收品目",
        "费款所属日期起",
        "缴费基数",
        "费率",
        "本期应缴费额",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let rows = [
        ("职工基本医疗保险", "个人缴纳部分", 1, 0.02, 100.0),
        ("职工基本医疗保险", "单位缴纳部分", 1, 0.08, 400.0),
        ("企业职工基本养老保险", "个人缴纳部分", 1, 0.08, 400.0),
        ("职工基本医疗保险", "个人缴纳部分", 2, 0.02, 100.0),
        ("职工基本医疗保险", "单位缴纳部分", 2, 0.08, 400.0),
    ];
    for (r, (insurance, side, month, rate, amount)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, "赵六").unwrap();
        sheet.write_string(r, 1, &pid).unwrap();
        sheet.write_string(r, 2, *insurance).unwrap();
        sheet.write_string(r, 3, *side).unwrap();
        let d = rust_xlsxwriter::ExcelDateTime::from_ymd(2024, *month, 1).unwrap();
        sheet.write_datetime_with_format(r, 4, &d, &date).unwrap();
        sheet.write_number(r, 5, 5000.0).unwrap();
        sheet.write_number(r, 6, *rate).unwrap();
        sheet.write_number(r, 7, *amount).unwrap();
    }
    let p = write(
        dir.path(),
        "社保费申报明细.xlsx",
        book.save_to_buffer().unwrap(),
    );
    let batch = read_all(&[&p]);
    assert_read_in_full(&batch);
    let s = &batch.sources[0];
    assert_eq!(s.kind, yibao_recon::records::Kind::Contributions);
    assert_eq!(
        (s.counts.accepted, s.counts.skipped_other_insurance),
        (4, 1)
    );
    let got: Vec<(String, String, String, String)> = batch
        .contributions
        .iter()
        .map(|c| {
            (
                c.period.to_string(),
                c.employee_amount.unwrap().to_string(),
                c.employer_amount.unwrap().to_string(),
                c.base.unwrap().to_string(),
            )
        })
        .collect();
    let want = |m: &str| {
        (
            m.to_string(),
            "100.00".to_string(),
            "400.00".to_string(),
            "5000.00".to_string(),
        )
    };
    assert_eq!(got, vec![want("2024-01"), want("2024-02")]);
    assert!(
        batch
            .contributions
            .iter()
            .all(|c| c.insurance == Insurance::Employee),
        "the insurance comes from 参保费种"
    );
}

/// A payroll workbook with one month per sheet and no period column: the month comes from
/// a label above the header, else the sheet's name; a sheet naming none is skipped with a
/// reason saying where a period was looked for.
#[test]
fn a_month_per_sheet_without_a_period_column() {
    let dir = tempfile::tempdir().unwrap();
    let pid = id("32010219800101001");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheets: [(&str, Option<&str>); 3] = [
        ("2024年3月", None),
        ("Sheet2", Some("所属期：2024年4月")),
        ("Sheet3", None),
    ];
    for (name, title) in sheets {
        let sheet = book.add_worksheet().set_name(name).unwrap();
        let mut r = 0;
        if let Some(t) = title {
            sheet.write_string(0, 0, t).unwrap();
            r = 1;
        }
        for (c, h) in ["姓名", "身份证号", "缴费基数", "个人缴费"]
            .iter()
            .enumerate()
        {
            sheet.write_string(r, c as u16, *h).unwrap();
        }
        sheet.write_string(r + 1, 0, "孙八").unwrap();
        sheet.write_string(r + 1, 1, &pid).unwrap();
        sheet.write_number(r + 1, 2, 5000.0).unwrap();
        sheet.write_number(r + 1, 3, 100.0).unwrap();
    }
    let p = write(
        dir.path(),
        "工资社保2024.xlsx",
        book.save_to_buffer().unwrap(),
    );
    let batch = read_all(&[&p]);
    let periods: Vec<String> = batch
        .contributions
        .iter()
        .map(|c| c.period.to_string())
        .collect();
    assert_eq!(periods, ["2024-03", "2024-04"]);
    assert_eq!(batch.skipped_inputs.len(), 1, "{:?}", batch.skipped_inputs);
    let skipped = &batch.skipped_inputs[0];
    assert_eq!(skipped.sheet.as_deref(), Some("Sheet3"));
    assert!(
        skipped.reason.contains("sheet name") && skipped.reason.contains("above the header"),
        "{}",
        skipped.reason
    );
}

/// City portals and agencies (DOMAIN §6), each as its export lays it out: Xuzhou's
/// 当月应划账金额 / 当月是否到帐, Suzhou's 结算期 / 计入个人账户金额 / 到账标记, Chongqing's
/// 缴费基数(元) / 缴费标记, an HR agency's two-row header with 社保缴纳月 beside 所属社保月份
/// and 费用种类, and a city bill's group naming its side over 应缴金额.
#[test]
fn city_portals_and_agency_layouts() {
    let dir = tempfile::tempdir().unwrap();
    // A person each: one person's month in two files counts once (overlapping sources).
    let pids: Vec<String> = (1..=5)
        .map(|i| id(&format!("3201021980010100{i}")))
        .collect();
    let xuzhou = write(
        dir.path(),
        "xuzhou.csv",
        format!(
            "身份证号,姓名,费款所属期,当月应划账金额,当月是否到帐\n{p},丁,202401,160.00,是\n{p},丁,202402,160.00,否\n",
            p = pids[0]
        ),
    );
    let suzhou = write(
        dir.path(),
        "suzhou.csv",
        format!(
            "身份证号码,姓名,结算期,计入个人账户金额,到账标记,到账日期\n{p},丙,202401,150.00,已到账,2024-02-10\n",
            p = pids[1]
        ),
    );
    let chongqing = write(
        dir.path(),
        "chongqing.csv",
        format!(
            "证件号码,姓名,费款所属期,缴费基数(元),缴费标记,费款科目\n{p},乙,2024-01,5000,已缴,职工基本医疗保险\n",
            p = pids[2]
        ),
    );
    let ciic = write(
        dir.path(),
        "ciic.csv",
        gbk(&format!(
            "中智 社保缴纳明细\n姓名,证件号,社保缴纳月,所属社保月份,费用种类,医疗保险,,养老保险,\n,,,,,个人,单位,个人,单位\n甲,{p},202402,202401,标准,100,400,400,800\n甲,{p},202405,202402,补缴,100,400,400,800\n",
            p = pids[3]
        )),
    );
    let bill = write(
        dir.path(),
        "bill.csv",
        format!(
            "姓名,身份证号码,费款所属期,基本医疗保险（含生育）(单位缴纳),,基本医疗保险（含生育）(个人缴纳),,基本养老保险(单位缴纳)\n,,,缴费基数,应缴金额,缴费基数,应缴金额,应缴金额\n戊,{p},202403,6000,480.00,6000,120.00,960.00\n",
            p = pids[4]
        ),
    );
    let batch = read_all(&[&xuzhou, &suzhou, &chongqing, &ciic, &bill]);
    assert_read_in_full(&batch);
    let by_file = |name: &str| -> Vec<&yibao_recon::records::Contribution> {
        let sources: Vec<u32> = batch
            .sources
            .iter()
            .enumerate()
            .filter(|(_, s)| s.path.ends_with(name))
            .map(|(i, _)| i as u32)
            .collect();
        batch
            .contributions
            .iter()
            .filter(|c| sources.contains(&c.origin.source))
            .collect()
    };
    let x = by_file("xuzhou.csv");
    assert_eq!(x[0].stated_credit.unwrap().to_string(), "160.00");
    assert_eq!(
        (x[0].status, x[1].status),
        (PaymentStatus::Paid, PaymentStatus::Unpaid)
    );
    let s = by_file("suzhou.csv");
    assert_eq!(s[0].stated_credit.unwrap().to_string(), "150.00");
    assert_eq!(s[0].period.to_string(), "2024-01");
    let c = by_file("chongqing.csv");
    assert_eq!(c[0].base.unwrap().to_string(), "5000.00");
    assert_eq!(c[0].status, PaymentStatus::Paid);
    let a = by_file("ciic.csv");
    let got: Vec<(String, Option<String>, ContributionType, String)> = a
        .iter()
        .map(|c| {
            (
                c.period.to_string(),
                c.paid_month.map(|m| m.to_string()),
                c.contribution_type,
                c.employee_amount.unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "2024-01".to_string(),
                Some("2024-02".to_string()),
                ContributionType::Normal,
                "100.00".to_string()
            ),
            (
                "2024-02".to_string(),
                Some("2024-05".to_string()),
                ContributionType::BackPayment,
                "100.00".to_string()
            ),
        ]
    );
    let b = by_file("bill.csv");
    assert_eq!(b[0].employer_amount.unwrap().to_string(), "480.00");
    assert_eq!(b[0].employee_amount.unwrap().to_string(), "120.00");
    assert_eq!(b[0].base.unwrap().to_string(), "6000.00");
}

/// Yinhai Ta3's roster: no ID column, the person number (个人编号) the key; 参保状态,
/// 开始年月 / 终止年月, 离退休标识 and 退休日期 read.
#[test]
fn ta3_roster_keyed_by_person_number() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "ta3_roster.csv",
        "个人编号,险种类型,参保状态,参保日期,开始年月,终止年月,离退休标识,退休日期,单位编号,单位名称\n1000123,职工基本医疗保险,暂停,2010-01-01,202403,202405,在职,,8001,示例公司\n1000124,职工基本医疗保险,正常,2010-01-01,,,退休,2020-06-30,8001,示例公司\n",
    );
    let batch = read_all(&[&p]);
    assert_read_in_full(&batch);
    assert_eq!(batch.sources[0].kind, yibao_recon::records::Kind::Roster);
    let r = &batch.roster[0];
    assert_eq!(&*r.who.person_id, "1000123");
    assert_eq!(
        r.account_status,
        Some(yibao_recon::records::AccountStatus::Inactive)
    );
    assert_eq!(
        r.status_from.map(|p| p.to_string()).as_deref(),
        Some("2024-03")
    );
    assert_eq!(batch.roster[1].category, Some(Category::Retired));
    assert_eq!(
        batch.roster[1]
            .retired_from
            .map(|p| p.to_string())
            .as_deref(),
        Some("2020-06")
    );
}
