//! SPEC 2.6: city portal exports whose column names SPEC's lists never held, laid out as the
//! public code cited in docs/layouts.md has them (fixtures in tests/fixtures/layouts/, made
//! by make_layouts.py). Each is read in full, each column to the field a clerk would read
//! it as; tables of several insurances keep their medical rows only.

use crate::common;

use std::path::Path;

use common::{gbk, read_all, write};
use yibao_recon::ingest::Batch;
use yibao_recon::records::{Contribution, EntryKind, Insurance, PaymentStatus};

fn fixture(name: &str) -> Batch {
    let path = Path::new("tests/fixtures/layouts").join(name);
    read_all(&[&path])
}

/// Nothing skipped, nothing failed, nothing rejected, and every source's rows add up.
fn assert_read_in_full(batch: &Batch) {
    assert!(
        batch.skipped_inputs.is_empty(),
        "{:?}",
        batch.skipped_inputs
    );
    assert!(batch.failures.is_empty(), "{:?}", batch.failures);
    assert!(batch.rejected.is_empty(), "{:?}", batch.rejected);
    for s in &batch.sources {
        let c = &s.counts;
        assert_eq!(c.read, c.accepted + c.rejected + c.skipped, "{}", s.path);
    }
}

fn money(m: Option<yibao_recon::money::Money>) -> String {
    m.map(|m| m.to_string()).unwrap_or_default()
}

fn first(batch: &Batch) -> &Contribution {
    batch.contributions.iter().next().expect("a contribution")
}

fn inferred(batch: &Batch) -> Vec<(String, String)> {
    batch
        .sources
        .iter()
        .flat_map(|s| &s.inferred)
        .map(|i| (i.column.clone(), i.field.clone()))
        .collect()
}

/// Qingdao: 应属年月 the period beside 缴费年月 (the payment month), 共划入账户 the credit
/// (单位划入账户 a part of it, not added), the person named in the title.
#[test]
fn qingdao_period_is_the_month_owed_and_the_total_credit_is_read() {
    let batch = fixture("qingdao_medical.csv");
    assert_read_in_full(&batch);
    assert_eq!(batch.contributions.len(), 6);
    let c = first(&batch);
    assert_eq!(c.period.to_string(), "2024-01");
    assert_eq!(
        c.paid_month.map(|p| p.to_string()).as_deref(),
        Some("2024-02")
    );
    assert_eq!(money(c.stated_credit), "180.00");
    assert_eq!(money(c.employee_amount), "120.00");
    assert_eq!(&*c.who.person_id, "370202198001010045");
    assert_eq!(c.status, PaymentStatus::Paid);
}

/// Zhuhai's 五险详情表: one row per insurance and month, told apart by 保险种类: the medical
/// rows only are read, the others skipped as another insurance — never summed.
#[test]
fn zhuhai_five_insurances_keep_the_medical_rows() {
    let batch = fixture("zhuhai_five_insurances.csv");
    assert_read_in_full(&batch);
    assert_eq!(batch.contributions.len(), 4);
    assert!(
        batch
            .contributions
            .iter()
            .all(|c| money(c.employee_amount) == "120.00" && c.insurance == Insurance::Employee)
    );
    let skipped = batch.sources[0].counts.skipped_by_reason();
    assert_eq!(skipped.get("other insurance"), Some(&16));
}

/// Linyi's table of every insurance, told apart by 险种信息.
#[test]
fn linyi_all_insurances_keep_the_medical_rows() {
    let batch = fixture("linyi_all_insurances.csv");
    assert_read_in_full(&batch);
    assert_eq!(batch.contributions.len(), 4);
    assert_eq!(money(first(&batch).employer_amount), "450.00");
}

/// Huangshi: the tier under 医疗缴费档次 (一档, then 二档), the person number above the
/// header beside the ID.
#[test]
fn huangshi_tier_column_is_read() {
    let batch = fixture("huangshi_tier.csv");
    assert_read_in_full(&batch);
    let tiers: Vec<String> = batch
        .contributions
        .iter()
        .map(|c| c.tier.as_deref().unwrap_or("").to_string())
        .collect();
    assert_eq!(tiers, ["一档", "一档", "一档", "二档", "二档", "二档"]);
    assert_eq!(first(&batch).who.person_number.as_deref(), Some("1000567"));
}

/// Shenzhen: 年月 a month by its word, 个人交 / 单位交 the amounts, 参保类别 holding tier
/// names the tier (inferred from its values); the identity row above the header (a label
/// cell, its value to the right) is not part of the header.
#[test]
fn shenzhen_tier_by_values_and_identity_row_apart_from_the_header() {
    let batch = fixture("shenzhen_medical.csv");
    assert_read_in_full(&batch);
    let c = first(&batch);
    assert_eq!(c.period.to_string(), "2024-01");
    assert_eq!(money(c.employee_amount), "160.00");
    assert_eq!(money(c.employer_amount), "400.00");
    assert_eq!(c.tier.as_deref(), Some("基本医疗一档"));
    assert_eq!(&*c.who.person_id, "370202198001010045");
    assert_eq!(
        inferred(&batch),
        [
            ("年月".to_string(), "period".to_string()),
            ("参保类别".to_string(), "tier".to_string()),
        ]
    );
}

/// Zhoushan: three month columns — 应缴年月 the period, 实缴年月 the payment month (a late
/// March), 到账年月 left aside; 个人划入 + 单位划入 the credit; 类型 read by its values.
#[test]
fn zhoushan_month_owed_is_the_period_and_the_month_paid_is_kept() {
    let batch = fixture("zhoushan_medical.csv");
    assert_read_in_full(&batch);
    let march = batch
        .contributions
        .iter()
        .find(|c| c.period.to_string() == "2024-03")
        .unwrap();
    assert_eq!(
        march.paid_month.map(|p| p.to_string()).as_deref(),
        Some("2024-05")
    );
    assert_eq!(money(march.stated_credit), "88.40");
    assert_eq!(money(march.employee_amount), "88.40");
    assert_eq!(money(march.employer_amount), "243.10");
}

/// Yunnan: 费款所属期号 the period beside 对应期号, 划入合计 the credit (its parts not added).
#[test]
fn yunnan_credit_total_is_read_once() {
    let batch = fixture("yunnan_credits.csv");
    assert_read_in_full(&batch);
    let c = first(&batch);
    assert_eq!(c.period.to_string(), "2024-01");
    assert_eq!(money(c.stated_credit), "100.00");
    assert_eq!(money(c.base), "5000.00");
}

/// Heilongjiang: 缴费属期, 实缴个人 before 应缴个人, 缴费类别 read as the type by its values,
/// 欠缴 an unpaid month.
#[test]
fn heilongjiang_paid_amounts_and_unpaid_month() {
    let batch = fixture("heilongjiang_medical.csv");
    assert_read_in_full(&batch);
    let april = batch
        .contributions
        .iter()
        .find(|c| c.period.to_string() == "2024-04")
        .unwrap();
    assert_eq!(april.status, PaymentStatus::Unpaid);
    assert_eq!(money(first(&batch).employee_amount), "100.00");
}

/// Hangzhou: 年月 and 个人缴; a month missing between others.
#[test]
fn hangzhou_month_column_by_its_word() {
    let batch = fixture("hangzhou_medical.csv");
    assert_read_in_full(&batch);
    let periods: Vec<String> = batch
        .contributions
        .iter()
        .map(|c| c.period.to_string())
        .collect();
    assert_eq!(
        periods,
        ["2024-01", "2024-02", "2024-04", "2024-05", "2024-06"]
    );
}

/// Statements dated by columns no list held: 变动日期 (Zhejiang), 入账时间 (Yangzhou); kinds
/// by their values under 类型.
#[test]
fn statements_dated_by_other_date_columns() {
    let batch = fixture("zhejiang_statement.csv");
    assert_read_in_full(&batch);
    assert_eq!(batch.entries.len(), 6);
    let spent = batch
        .entries
        .iter()
        .find(|e| e.kind == EntryKind::Spending)
        .unwrap();
    assert_eq!(spent.amount.to_string(), "-35.50");
    let batch = fixture("yangzhou_statement.csv");
    assert_read_in_full(&batch);
    assert!(batch.entries.iter().all(|e| e.kind == EntryKind::Credit));
    assert_eq!(
        batch.entries.iter().next().unwrap().at.to_string(),
        "2024-02-12 09:30:00"
    );
}

/// Dezhou: the person number the only identity; 其他支出 in the 支出 column is money out,
/// whatever 变更金额 (unsigned) says (SPEC 2.7 "signs from columns").
#[test]
fn dezhou_expense_column_gives_the_sign() {
    let batch = fixture("dezhou_statement.csv");
    assert_read_in_full(&batch);
    let last = batch.entries.iter().last().unwrap();
    assert_eq!(last.amount.to_string(), "-60.00");
    assert_eq!(&*last.who.person_id, "2000891");
}

/// Guilin: 参保险种 and 费款期号, 缴费工资 the base.
#[test]
fn guilin_period_number_and_wage_base() {
    let batch = fixture("guilin_medical.csv");
    assert_read_in_full(&batch);
    let c = first(&batch);
    assert_eq!(c.period.to_string(), "2024-01");
    assert_eq!(money(c.base), "4500.00");
    assert_eq!(c.insurance, Insurance::Employee);
}

/// Lanzhou: 缴费结算期 the period, 划账结算期 (the month credited) said but not read, the
/// two parts of the credit added.
#[test]
fn lanzhou_credit_parts_add_up() {
    let batch = fixture("lanzhou_credits.csv");
    assert_read_in_full(&batch);
    let c = first(&batch);
    assert_eq!(c.period.to_string(), "2023-07");
    assert_eq!(money(c.stated_credit), "100.00");
    let ignored = &batch.sources[0].ignored_columns;
    assert!(
        ignored
            .iter()
            .any(|i| i.column == "划账结算期" && i.reason.starts_with("looks like a month")),
        "{ignored:?}"
    );
}

/// Dalian: 起始月份 / 终止月份 a range of three months each row, split evenly.
#[test]
fn dalian_ranges_are_split() {
    let batch = fixture("dalian_ranges.csv");
    assert_read_in_full(&batch);
    assert_eq!(batch.contributions.len(), 6);
    assert_eq!(money(first(&batch).employee_amount), "120.00");
}

/// A sheet of a portal's workbook that names another insurance in its title, with no
/// column saying which insurance each row is, is not read as medical.
#[test]
fn a_table_titled_for_another_insurance_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "养老保险个人缴费明细\n姓名：王芳 身份证号：{}\n缴费年月,缴费基数,个人缴费,单位缴费\n202401,6000,480.00,960.00\n202402,6000,480.00,960.00\n",
        common::id("42010619850315002")
    );
    let p = write(dir.path(), "pension.csv", gbk(&text));
    let batch = read_all(&[&p]);
    assert!(batch.contributions.is_empty());
    assert!(
        batch.skipped_inputs[0].reason.contains("another insurance"),
        "{:?}",
        batch.skipped_inputs
    );
}

/// Rows that repeat person and month with other amounts in nearly every month, and no
/// column to tell them apart: several insurances, never summed as medical.
#[test]
fn a_table_mixing_insurances_without_a_column_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = format!(
        "社会保险缴费明细\n姓名：王芳 身份证号：{}\n缴费年月,缴费基数,个人缴费,单位缴费\n",
        common::id("42010619850315002")
    );
    for m in 1..=6 {
        for (own, unit) in [
            ("480.00", "960.00"),
            ("120.00", "450.00"),
            ("12.00", "30.00"),
        ] {
            text.push_str(&format!("2024{m:02},6000,{own},{unit}\n"));
        }
    }
    let p = write(dir.path(), "all.csv", gbk(&text));
    let batch = read_all(&[&p]);
    assert!(batch.contributions.is_empty());
    assert!(
        batch.skipped_inputs[0]
            .reason
            .contains("several insurances"),
        "{:?}",
        batch.skipped_inputs
    );
}

/// Two columns that could each be the employee's amount, neither named by an alias, of the
/// same rank: the sheet is skipped with a question naming both and the rule that settles
/// it — never a guess.
#[test]
fn two_equal_readings_ask_which() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "身份证号,费款所属期,个人缴费甲,个人缴费乙\n{},202401,120.00,100.00\n",
        common::id("42010619850315002")
    );
    let p = write(dir.path(), "two.csv", text);
    let batch = read_all(&[&p]);
    let reason = &batch.skipped_inputs[0].reason;
    assert!(
        reason.contains("个人缴费甲, 个人缴费乙") && reason.contains("[layout.columns]"),
        "{reason}"
    );
}

/// The month of `period` among the batch's contributions.
fn month<'a>(batch: &'a Batch, period: &str) -> &'a Contribution {
    batch
        .contributions
        .iter()
        .find(|c| c.period.to_string() == period)
        .unwrap_or_else(|| panic!("no {period}"))
}

/// Huai'an: 对应缴费期 the period, 实际缴费期 the payment month, 个人缴金额 / 单位缴金额,
/// the credit's two parts added, 种类 the insurance by its values.
#[test]
fn huaian_parts_and_months() {
    let batch = fixture("huaian_medical.csv");
    assert_read_in_full(&batch);
    let c = first(&batch);
    assert_eq!(c.period.to_string(), "2024-01");
    assert_eq!(money(c.employee_amount), "100.00");
    assert_eq!(money(c.employer_amount), "450.00");
    assert_eq!(money(c.stated_credit), "100.00");
}

/// Yibin: 缴费期号, 实缴 amounts before 应缴, 个人编号 beside the ID named above the header
/// is the person number, not a second person.
#[test]
fn yibin_person_number_beside_the_id_above() {
    let batch = fixture("yibin_medical.csv");
    assert_read_in_full(&batch);
    let c = first(&batch);
    assert_eq!(&*c.who.person_id, "420106198503150026");
    assert_eq!(c.who.person_number.as_deref(), Some("5110001"));
    assert!(batch.sources[0].other_person_rows.is_empty());
    assert_eq!(money(c.employee_amount), "80.00");
}

/// Foshan: 缴费起止时间 a range in one cell, 个人缴费(每月)(元) per month; the pension row
/// beside it skipped.
#[test]
fn foshan_range_cell_per_month_amounts() {
    let batch = fixture("foshan_ranges.csv");
    assert_read_in_full(&batch);
    assert_eq!(batch.contributions.len(), 3);
    assert_eq!(money(first(&batch).employee_amount), "33.33");
}

/// Huizhou: 开始年月 / 终止年月 a range (in a table of amounts), 医保个账应缴金额/月 the credit.
#[test]
fn huizhou_span_columns_are_a_range() {
    let batch = fixture("huizhou_ranges.csv");
    assert_read_in_full(&batch);
    assert_eq!(batch.contributions.len(), 6);
    assert_eq!(money(first(&batch).stated_credit), "16.66");
}

/// Maoming: 足额到账标志; 单位应缴划账户金额 alone (no employee part) is not the credit.
#[test]
fn maoming_employer_part_alone_is_not_the_credit() {
    let batch = fixture("maoming_medical.csv");
    assert_read_in_full(&batch);
    assert_eq!(first(&batch).stated_credit, None);
    assert_eq!(first(&batch).status, PaymentStatus::Paid);
}

/// Shaoguan: 账目年月, 缴费工资, 是否到款 否 an unpaid month.
#[test]
fn shaoguan_unpaid_month() {
    let batch = fixture("shaoguan_medical.csv");
    assert_read_in_full(&batch);
    assert_eq!(month(&batch, "2024-05").status, PaymentStatus::Unpaid);
    assert_eq!(money(first(&batch).base), "3800.00");
}

/// Chengdu: 缴费月份 and 划入账户金额; its consumption statement dated by 账户支付时间.
#[test]
fn chengdu_contributions_and_consumption() {
    let batch = fixture("chengdu_medical.csv");
    assert_read_in_full(&batch);
    assert_eq!(money(first(&batch).stated_credit), "120.00");
    let batch = fixture("chengdu_consumption.csv");
    assert_read_in_full(&batch);
    assert_eq!(batch.entries.len(), 6);
}

/// Luoyang: 计划月份 and 征缴月份, the earlier the period (SPEC 2.1); 记入个人部分 the credit.
#[test]
fn luoyang_planned_month_is_the_period() {
    let batch = fixture("luoyang_medical.csv");
    assert_read_in_full(&batch);
    let c = first(&batch);
    assert_eq!(c.period.to_string(), "2024-01");
    assert_eq!(
        c.paid_month.map(|p| p.to_string()).as_deref(),
        Some("2024-02")
    );
    assert_eq!(money(c.stated_credit), "80.00");
}

/// Anqing: 账目起始年月 / 账目截止年月, 建账年月 the booking month; the pension row skipped.
#[test]
fn anqing_account_months() {
    let batch = fixture("anqing_paydetails.csv");
    assert_read_in_full(&batch);
    assert_eq!(batch.contributions.len(), 1);
    assert_eq!(
        first(&batch).paid_month.map(|p| p.to_string()).as_deref(),
        Some("2024-02")
    );
}

/// Daqing: 对应所属期 and 月进账金额 (the month's credit), keyed by the ID above the header.
#[test]
fn daqing_monthly_credit() {
    let batch = fixture("daqing_credits.csv");
    assert_read_in_full(&batch);
    assert_eq!(money(first(&batch).stated_credit), "96.00");
    assert_eq!(&*first(&batch).who.person_id, "370202198001010045");
}

/// Hengshui: 费款年月, 划账户金额, three insurances told apart by 险种类型.
#[test]
fn hengshui_keeps_medical_rows() {
    let batch = fixture("hengshui_charges.csv");
    assert_read_in_full(&batch);
    assert_eq!(batch.contributions.len(), 3);
    assert_eq!(money(first(&batch).stated_credit), "100.00");
}

/// Zhaoqing: 个人化个账 (the portal's own typo) and 单位划个账, added.
#[test]
fn zhaoqing_typo_column() {
    let batch = fixture("zhaoqing_medical.csv");
    assert_read_in_full(&batch);
    assert_eq!(money(first(&batch).stated_credit), "90.00");
}

/// Nanchang: 是否欠费 — 是 means unpaid.
#[test]
fn nanchang_arrears_flag_is_read_the_right_way_round() {
    let batch = fixture("nanchang_medical.csv");
    assert_read_in_full(&batch);
    assert_eq!(month(&batch, "2024-04").status, PaymentStatus::Unpaid);
    assert_eq!(month(&batch, "2024-05").status, PaymentStatus::Paid);
}

/// The Nanning portal's export with the Ta3 dictionary's codes for column names (AAE003,
/// AAC130…): no alias or inference could know them. Without rules it is skipped and the
/// run is incomplete; `--layout nanning_rules.toml` (four column lines) reads it, and the
/// unpaid April is found.
#[test]
fn a_layout_rules_file_reads_what_nothing_else_could_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = Path::new("tests/fixtures/layouts");
    let inputs = [
        fixtures.join("nanning_codes.csv"),
        fixtures.join("nanning_statement.csv"),
    ];
    common::bin()
        .arg("reconcile")
        .args(&inputs)
        .args(["--as-of", "2024-08-31", "-q", "-o"])
        .arg(dir.path().join("without"))
        .assert()
        .code(2);
    let out = dir.path().join("with");
    common::bin()
        .arg("reconcile")
        .args(&inputs)
        .args(["--as-of", "2024-08-31", "-q", "--layout"])
        .arg(fixtures.join("nanning_rules.toml"))
        .arg("-o")
        .arg(&out)
        .assert()
        .code(1);
    let findings = common::read_csv(&out.join("findings.csv"));
    let codes: Vec<(&str, &str)> = findings
        .iter()
        .map(|f| (f["code"].as_str(), f["period"].as_str()))
        .collect();
    assert_eq!(codes, [("EMPLOYER_PAYMENT_MISSING", "2024-04")]);
    let months = common::read_csv(&out.join("months.csv"));
    assert_eq!(months.len(), 6);
    assert_eq!(months[0]["expected_from"], "stated");
}

/// The same rules from a job file's `layouts = [...]`.
#[test]
fn layout_rules_from_a_job_file() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = std::fs::canonicalize("tests/fixtures/layouts").unwrap();
    for name in [
        "nanning_codes.csv",
        "nanning_statement.csv",
        "nanning_rules.toml",
    ] {
        std::fs::copy(fixtures.join(name), dir.path().join(name)).unwrap();
    }
    let job = write(
        dir.path(),
        "job.toml",
        "inputs = [\"nanning_codes.csv\", \"nanning_statement.csv\"]\nlayouts = [\"nanning_rules.toml\"]\noutput = \"reports\"\nformats = [\"csv\", \"json\"]\nas_of = \"2024-08-31\"\n",
    );
    common::bin().args(["run", "-q"]).arg(&job).assert().code(1);
    let findings = common::read_csv(&dir.path().join("reports/findings.csv"));
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["code"], "EMPLOYER_PAYMENT_MISSING");
}

/// A rules file with a mistake stops the run before anything is read, naming the file,
/// the rule and the word; a rule naming a column the file lacks is a warning.
#[test]
fn a_bad_layout_rules_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(
        dir.path(),
        "bad.toml",
        "[[layout]]\n[layout.columns]\n\"AAE003\" = \"periode\"\n",
    );
    let out = common::bin()
        .args([
            "check",
            "tests/fixtures/layouts/nanning_codes.csv",
            "--lang",
            "en",
            "--layout",
        ])
        .arg(&bad)
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(out).unwrap();
    assert!(
        err.contains("bad.toml, layout 1") && err.contains("periode"),
        "{err}"
    );
    let extra = write(
        dir.path(),
        "extra.toml",
        "[[layout]]\n[layout.columns]\n\"AAE003\" = \"period\"\n\"AAC130\" = \"stated_credit\"\n\"不存在的列\" = \"tier\"\n",
    );
    let out = dir.path().join("out");
    common::bin()
        .args([
            "reconcile",
            "tests/fixtures/layouts/nanning_codes.csv",
            "-q",
            "--as-of",
            "2024-08-31",
            "--layout",
        ])
        .arg(&extra)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(0);
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert!(
        summary["warnings"]
            .to_string()
            .contains("no column 不存在的列"),
        "{}",
        summary["warnings"]
    );
}

/// `check --suggest-layout` writes a starting rules file: the skipped export's header row,
/// the likeliest kind, each column with its best reading commented; the file parses.
#[test]
fn check_suggests_a_layout() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules.toml");
    common::bin()
        .args([
            "check",
            "tests/fixtures/layouts/nanning_codes.csv",
            "--suggest-layout",
        ])
        .arg(&rules)
        .assert()
        .code(2);
    let text = std::fs::read_to_string(&rules).unwrap();
    assert!(text.contains("match = \"nanning_codes.csv\""), "{text}");
    assert!(text.contains("header_row = 2"), "{text}");
    assert!(text.contains("# \"AAE003\" = \"period\""), "{text}");
    assert!(text.contains("\"AAC002\" = \"person_id\""), "{text}");
    assert!(!text.contains("450102198602140026"), "IDs masked");
    yibao_recon::ingest::LayoutRules::parse(&text, "suggested").unwrap();
}

/// SPEC 2.6, one person across files: the app's statement known only by the 个人编号 in
/// its title, the same statement with an ID column added, and the contribution record. The
/// number is joined to the ID before the sources are compared: one person, each credit
/// counted once (700.00, not 1,400.00), no false duplicate credit or balance break.
#[test]
fn one_person_under_two_identities_is_counted_once() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("我的医保");
    std::fs::create_dir(&folder).unwrap();
    for (name, bytes) in common::one_person_two_identities() {
        write(&folder, &name, bytes);
    }
    let out = dir.path().join("out");
    common::reconcile_into(&[&folder], &out)
        .args(["--as-of", "2024-09-30"])
        .assert()
        .code(0);
    let persons = common::read_csv(&out.join("persons.csv"));
    assert_eq!(persons.len(), 1);
    assert_eq!(persons[0]["credits"], "700.00");
    assert_eq!(persons[0]["closing_balance"], "654.50");
    assert!(common::read_csv(&out.join("findings.csv")).is_empty());
}

/// SPEC 2.7, back-payment groups as the real HR template heads them: `基数, 个人, 金额, 单位,
/// 金额` under `医疗2024年7月-8月补差` with 个人 = `2%` (a rate; the 金额 after it the amount),
/// and `基数, 单位应缴, 个人应缴` under `医疗补缴(2024.07-2024.08)`. Both give back-payment
/// rows for July and August; the row's own month is kept. A cell of a group that cannot be
/// read rejects that part only, named in the rejections; the row is accepted.
#[test]
fn back_payment_groups_of_the_real_templates() {
    let dir = tempfile::tempdir().unwrap();
    let pid = common::id("33010619860303022");
    let template = format!(
        "序号,姓名,身份证,账单期,医疗,,,,,医疗2024年7月-8月补差,,,,\n,,,,基数,个人,个人金额,单位,单位金额,基数,个人,金额,单位,金额\n1,蒋寅,{pid},202409,6000,2%,120.00,8%,480.00,1000,2%,40.00,8%,160.00\n"
    );
    let p = write(dir.path(), "hr.csv", gbk(&template));
    let batch = read_all(&[&p]);
    assert_read_in_full(&batch);
    let months: Vec<(String, String, String)> = batch
        .contributions
        .iter()
        .map(|c| {
            (
                c.period.to_string(),
                money(c.employee_amount),
                money(c.employer_amount),
            )
        })
        .collect();
    assert_eq!(
        months,
        [
            (
                "2024-07".to_string(),
                "20.00".to_string(),
                "80.00".to_string()
            ),
            (
                "2024-08".to_string(),
                "20.00".to_string(),
                "80.00".to_string()
            ),
            (
                "2024-09".to_string(),
                "120.00".to_string(),
                "480.00".to_string()
            ),
        ]
    );
    let second = format!(
        "姓名,身份证,账单期,医疗,,,医疗补缴(2024.07-2024.08),,\n,,,基数,个人金额,单位金额,基数,单位应缴,个人应缴\n蒋寅,{pid},202409,6000,120.00,480.00,1000,160.00,40.00\n"
    );
    let p = write(dir.path(), "hr2.csv", gbk(&second));
    let batch = read_all(&[&p]);
    assert_eq!(batch.contributions.len(), 3, "{:?}", batch.sources);
    assert_eq!(money(first(&batch).employee_amount), "20.00");
    let broken = template.replace(",40.00,8%", ",四十,8%");
    let p = write(dir.path(), "hr3.csv", gbk(&broken));
    let batch = read_all(&[&p]);
    let c = &batch.sources[0].counts;
    assert_eq!((c.accepted, c.rejected), (1, 0));
    assert_eq!(batch.contributions.len(), 1, "the row's own month kept");
    assert_eq!(batch.rejected.len(), 1);
    assert_eq!(batch.rejected[0].column, "医疗2024年7月-8月补差(金额)");
    assert_eq!(batch.rejected[0].value, "四十");
    assert!(!batch.rejected[0].is_row());
}

/// SPEC issue 27 item 6: the tier column an HR trial held (`医疗档次`, with 二档), as a
/// column of its own and under a two-row header's 医疗 group: read, and a 二档 employee
/// gets no RATE_MISMATCH (the standard 2% says nothing of a tier without an account).
#[test]
fn hr_tier_column_is_read_and_tier_two_gets_no_rate_mismatch() {
    let dir = tempfile::tempdir().unwrap();
    let pid = common::id("33010619900101001");
    let mut plain = String::from("姓名,身份证号,费款所属期,缴费基数,个人缴费,单位缴费,医疗档次\n");
    let mut grouped =
        String::from("姓名,身份证号,费款所属期,医疗,,,\n,,,基数,个人金额,单位金额,档次\n");
    for m in 1..=6 {
        let (tier, own) = if m <= 3 {
            ("一档", "100.00")
        } else {
            ("二档", "10.00")
        };
        let row = format!("王芳,{pid},2024{m:02},5000,{own},300.00,{tier}\n");
        plain.push_str(&row);
        grouped.push_str(&row);
    }
    for (name, text) in [("plain.csv", plain), ("grouped.csv", grouped)] {
        let sub = dir.path().join(name.trim_end_matches(".csv"));
        std::fs::create_dir(&sub).unwrap();
        let p = write(&sub, name, gbk(&text));
        let batch = read_all(&[&p]);
        assert_read_in_full(&batch);
        assert_eq!(
            batch.contributions.iter().last().unwrap().tier.as_deref(),
            Some("二档"),
            "{name}"
        );
        let out = dir.path().join(format!("out-{name}"));
        common::reconcile_into(&[&p], &out)
            .args(["--as-of", "2024-08-31"])
            .assert()
            .code(0);
        let findings = common::read_csv(&out.join("findings.csv"));
        let codes: Vec<&str> = findings.iter().map(|f| f["code"].as_str()).collect();
        assert!(!codes.contains(&"RATE_MISMATCH"), "{name}: {codes:?}");
        assert!(codes.contains(&"TIER_CHANGE"), "{name}: {codes:?}");
    }
}

/// SPEC 2.7, roster spans: a 暂停 span left open is closed by the person's next span (正常
/// from May): March and April (the periods in it) are ACCOUNT_INACTIVE, and a later period
/// still in its window is CREDIT_PENDING, never inactive.
#[test]
fn an_open_inactive_span_ends_where_the_next_span_begins() {
    let dir = tempfile::tempdir().unwrap();
    let pid = common::id("33010619900101001");
    let mut contributions = String::from("身份证号,姓名,费款所属期,缴费基数,个人缴费,单位缴费\n");
    for m in 1..=8 {
        contributions.push_str(&format!("{pid},王芳,2024{m:02},5000,100.00,0.00\n"));
    }
    let mut statement = String::from("身份证号,交易时间,交易类型,发生金额\n");
    for m in [2, 3, 6, 7, 8] {
        statement.push_str(&format!("{pid},2024-{m:02}-05,101,100.00\n"));
    }
    let roster = format!(
        "身份证号,姓名,账户状态,状态开始,状态结束\n{pid},王芳,暂停,202403,\n{pid},王芳,正常,202405,\n"
    );
    let files = [
        write(dir.path(), "contributions.csv", contributions),
        write(dir.path(), "statement.csv", statement),
        write(dir.path(), "roster.csv", roster),
    ];
    let out = dir.path().join("out");
    let paths: Vec<&Path> = files.iter().map(|p| p.as_path()).collect();
    common::reconcile_into(&paths, &out)
        .args(["--as-of", "2024-09-15"])
        .assert()
        .code(0);
    let findings = common::read_csv(&out.join("findings.csv"));
    let codes: Vec<(&str, &str, &str)> = findings
        .iter()
        .map(|f| {
            (
                f["period"].as_str(),
                f["period_to"].as_str(),
                f["code"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [
            ("2024-03", "2024-04", "ACCOUNT_INACTIVE"),
            ("2024-08", "", "CREDIT_PENDING"),
        ]
    );
}

/// SPEC 2.7: the retiree amount's age bands explain a change of a retiree's monthly credit
/// (100.00 under 70, 110.00 from the month after the 70th birthday): CREDIT_CHANGE info,
/// not a warning to ask the employer.
#[test]
fn a_retiree_age_band_explains_a_credit_change() {
    let dir = tempfile::tempdir().unwrap();
    let policy = write(
        dir.path(),
        "policy.toml",
        "name = \"retirees\"\ntitle = \"t\"\nsource = \"test\"\n[timing]\ncredit_lag_months = 1\ngrace_months = 2\n[tolerance]\namount = \"0.01\"\n[retirement]\nmale = 60\nfemale = 50\n[[rule]]\nfrom = \"2001-01\"\nemployee_share = \"1\"\nemployer_to_account = []\nflexible_to_account = \"0.02\"\nretiree = [ { below_age = 70, amount = \"100.00\" }, { amount = \"110.00\" } ]\n",
    );
    // Born 1951-05-20 (a man): 70 at the end of June 2021, the 110 band from July's period.
    let pid = common::id("33010619510520001");
    let mut statement = format!("证件号码：{pid}\n交易时间,交易类型,交易金额\n");
    for m in 3..=10 {
        let amount = if m <= 7 { "100.00" } else { "110.00" };
        statement.push_str(&format!("2021-{m:02}-05,个人账户划账,{amount}\n"));
    }
    let file = write(dir.path(), "app.csv", statement);
    let out = dir.path().join("out");
    common::bin()
        .args([
            "reconcile",
            "-q",
            "--lang",
            "en",
            "--as-of",
            "2021-10-31",
            "--policy",
        ])
        .arg(&policy)
        .arg(&file)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(0);
    let findings = common::read_csv(&out.join("findings.csv"));
    let change = findings
        .iter()
        .find(|f| f["code"] == "CREDIT_CHANGE")
        .expect("a CREDIT_CHANGE");
    assert_eq!(change["severity"], "info", "{change:?}");
    assert!(change["message"].contains("age band"), "{change:?}");
}

/// SPEC 2.7: several normal rows of one person and period in one source (an adjustment
/// row under the month's row) are summed, with one warning naming the rows; their bases
/// are not summed — the largest is kept, and a warning says so.
#[test]
fn several_normal_rows_of_a_period_are_summed_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let pid = common::id("33010619900101001");
    let text = format!(
        "身份证号,姓名,费款所属期,缴费基数,个人缴费,单位缴费\n{pid},王芳,202401,5000,100.00,300.00\n{pid},王芳,202402,5000,100.00,300.00\n{pid},王芳,202402,5500,10.00,30.00\n{pid},王芳,202403,5500,110.00,330.00\n"
    );
    let p = write(dir.path(), "c.csv", text);
    let out = dir.path().join("out");
    common::reconcile_into(&[&p], &out)
        .args(["--as-of", "2024-06-30", "--lang", "en"])
        .assert()
        .code(predicates::ord::lt(2));
    let months = common::read_csv(&out.join("months.csv"));
    let feb = months.iter().find(|m| m["period"] == "2024-02").unwrap();
    assert_eq!(feb["employee_amount"], "110.00");
    assert_eq!(feb["base"], "5500.00");
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let warnings = summary["warnings"].to_string();
    assert!(
        warnings.contains("2 row(s) are several normal rows of one person and period; their amounts are summed (rows 3, 4)"),
        "{warnings}"
    );
    assert!(warnings.contains("the largest is kept"), "{warnings}");
}
