#!/usr/bin/env python3
"""Writes samples/scenarios/: one folder per cause of a zero, dropping or stalled balance
(DOMAIN.md §2), each a small contributions / statement / roster set for samples/policy.toml.
The expected findings of each are the golden files in tests/golden/<scenario>/findings.csv.

    python3 samples/make_scenarios.py
"""
import csv
import os
import shutil

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ROOT = "samples/scenarios"
_seq = [0]


def new_id(birth):
    """A fresh ID number born on `birth` (YYYYMMDD), with a valid check digit."""
    _seq[0] += 1
    first17 = f"330106{birth}{_seq[0]:03d}"
    s = sum(int(d) * w for d, w in zip(first17, W))
    return first17 + "10X98765432"[s % 11]


def write(folder, name, header, rows):
    os.makedirs(os.path.join(ROOT, folder), exist_ok=True)
    with open(os.path.join(ROOT, folder, name), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


C_HEADER = ["身份证号", "姓名", "费款所属期", "缴费基数", "个人缴费", "单位缴费", "缴费状态", "缴费类型", "缴费时间", "险种类型", "缴费档次"]
S_HEADER = ["身份证号", "姓名", "交易时间", "交易类型", "发生金额", "余额", "共济人"]
R_HEADER = ["身份证号", "姓名", "出生日期", "人员类别", "退休时间", "账户状态", "状态开始", "状态结束", "共济人员"]


def contrib(pid, name, period, base, emp, er, status="已缴", kind="正常", paid="", ins="职工基本医疗保险", tier=""):
    return [pid, name, period, base, emp, er, status, kind, paid, ins, tier]


def statement(pid, name, opening, items):
    """items: (datetime, kind, signed amount, beneficiary); balances follow the amounts."""
    rows, bal = [], opening
    for at, kind, amount, who in items:
        bal = round(bal + amount, 2)
        rows.append([pid, name, at, kind, f"{amount:.2f}", f"{bal:.2f}", who])
    return rows


def monthly(pid, name, periods, base, emp, er, **kw):
    return [contrib(pid, name, p, base, emp, er, **kw) for p in periods]


def credits(months, amount, day="05", kind="101"):
    return [(f"2024-{m:02d}-{day} 09:00:00", kind, amount, "") for m in months]


def main():
    if os.path.isdir(ROOT):
        shutil.rmtree(ROOT)
    p6 = [f"2024{m:02d}" for m in range(1, 7)]

    # 1 resident insurance: paid, never credited, by design.
    pid = new_id("19880315")
    write("01_resident_insurance", "contributions.csv", C_HEADER,
          monthly(pid, "周一", p6, "", "32.00", "", ins="城乡居民基本医疗保险"))

    # 2 flexible worker on the low tier: no account.
    pid = new_id("19851120")
    write("02_flexible_low_tier", "contributions.csv", C_HEADER,
          monthly(pid, "吴二", p6, "4000", "160.00", "0", ins="灵活就业人员", tier="4%档"))

    # 3 tier change: 8% tier (account) to 4% tier (none) from April.
    pid = new_id("19900101")
    rows = monthly(pid, "郑三", p6[:3], "4000", "320.00", "0", ins="灵活就业人员", tier="8%档")
    rows += monthly(pid, "郑三", p6[3:], "4000", "160.00", "0", ins="灵活就业人员", tier="4%档")
    write("03_tier_change", "contributions.csv", C_HEADER, rows)
    write("03_tier_change", "statement.csv", S_HEADER, statement(pid, "郑三", 200, credits([2, 3, 4], 80.0)))

    # 4 employer arrears (March unpaid) and a month with no record (May).
    pid = new_id("19900202")
    rows = monthly(pid, "王四", ["202401", "202402"], "6000", "120.00", "480.00")
    rows.append(contrib(pid, "王四", "202403", "6000", "120.00", "480.00", status="欠缴"))
    rows += monthly(pid, "王四", ["202404", "202406"], "6000", "120.00", "480.00")
    write("04_employer_arrears", "contributions.csv", C_HEADER, rows)
    write("04_employer_arrears", "statement.csv", S_HEADER, statement(pid, "王四", 0, credits([2, 3, 5, 7], 120.0)))

    # 5 back payment: February paid in May, credited in June with May's.
    pid = new_id("19900303")
    rows = [contrib(pid, "冯五", p, "6000", "120.00", "480.00") for p in p6 if p != "202402"]
    rows.append(contrib(pid, "冯五", "202402", "6000", "120.00", "480.00", kind="补缴", paid="2024-05-20"))
    write("05_back_payment", "contributions.csv", C_HEADER, rows)
    items = credits([2, 4, 5, 6], 120.0) + [("2024-06-05 09:01:00", "101", 120.0, ""), ("2024-07-05 09:00:00", "101", 120.0, "")]
    items.sort()
    write("05_back_payment", "statement.csv", S_HEADER, statement(pid, "冯五", 0, items))

    # 6 late credit: March's credit arrives in July, beyond grace.
    pid = new_id("19900404")
    write("06_late_credit", "contributions.csv", C_HEADER, monthly(pid, "陈六", p6[:5], "6000", "120.00", "480.00"))
    write("06_late_credit", "statement.csv", S_HEADER, statement(pid, "陈六", 0, credits([2, 3, 5, 6, 7], 120.0)))

    # 7 July base change: 6000 → 6600.
    pid = new_id("19900505")
    rows = monthly(pid, "褚七", ["202405", "202406"], "6000", "120.00", "480.00")
    rows += monthly(pid, "褚七", ["202407", "202408", "202409"], "6600", "132.00", "528.00")
    write("07_base_change", "contributions.csv", C_HEADER, rows)
    items = credits([6, 7], 120.0) + credits([8, 9, 10], 132.0)
    write("07_base_change", "statement.csv", S_HEADER, statement(pid, "褚七", 300, items))

    # 8 the reform month: employer part (2% at 52) stops from 2022-09.
    pid = new_id("19700606")
    write("08_reform_month", "contributions.csv", C_HEADER,
          monthly(pid, "卫八", ["202207", "202208", "202209", "202210"], "10000", "200.00", "800.00"))
    items = [(f"2022-{m:02d}-05 09:00:00", "101", a, "") for m, a in [(8, 400.0), (9, 400.0), (10, 200.0), (11, 200.0)]]
    write("08_reform_month", "statement.csv", S_HEADER, statement(pid, "卫八", 1000, items))

    # 9 retiree's fixed credit: 83 yuan a month after the reform.
    pid = new_id("19500707")
    write("09_retiree_fixed_credit", "roster.csv", R_HEADER, [[pid, "蒋九", "1950-07-07", "退休", "2015-01", "正常", "", "", ""]])
    write("09_retiree_fixed_credit", "statement.csv", S_HEADER,
          statement(pid, "蒋九", 2000, credits([1, 2, 3, 4, 5, 6], 83.0, day="10", kind="退休人员划入")))

    # 10 family sharing, authorised and not.
    pid = new_id("19900808")
    write("10_family_sharing", "contributions.csv", C_HEADER, monthly(pid, "沈十", p6[:3], "6000", "120.00", "480.00"))
    write("10_family_sharing", "roster.csv", R_HEADER, [[pid, "沈十", "1990-08-08", "在职", "", "正常", "", "", "沈小妹;沈父"]])
    items = credits([2, 3, 4], 120.0) + [
        ("2024-03-12 10:00:00", "205", -60.0, "沈小妹"),
        ("2024-03-20 16:30:00", "门诊消费", -45.0, "李某"),
    ]
    items.sort()
    write("10_family_sharing", "statement.csv", S_HEADER, statement(pid, "沈十", 100, items))

    # 11 a clearing (duplicate enrollment) and a transfer out.
    pid = new_id("19900909")
    write("11_clearing_transfer", "contributions.csv", C_HEADER, monthly(pid, "韩甲", p6[:2], "6000", "120.00", "480.00"))
    items = credits([2, 3], 120.0) + [("2024-03-15 08:00:00", "个人账户清退", -1240.0, "")]
    write("11_clearing_transfer", "statement.csv", S_HEADER, statement(pid, "韩甲", 1000, items))
    pid2 = new_id("19911010")
    write("11_clearing_transfer", "contributions_2.csv", C_HEADER, monthly(pid2, "杨乙", p6[:2], "5000", "100.00", "400.00"))
    items = credits([2, 3], 100.0) + [("2024-03-28 14:00:00", "207", -700.0, "")]
    rows = statement(pid2, "杨乙", 500, items)
    write("11_clearing_transfer", "statement_2.csv", S_HEADER, rows)

    # 12 frozen account: credits withheld while the roster says 冻结 (the span covers the
    # periods March and April, whose credits were due in April and May).
    pid = new_id("19901111")
    write("12_frozen_account", "contributions.csv", C_HEADER, monthly(pid, "朱丙", p6, "6000", "120.00", "480.00"))
    write("12_frozen_account", "roster.csv", R_HEADER, [[pid, "朱丙", "1990-11-11", "在职", "", "冻结", "2024-03", "2024-04", ""]])
    write("12_frozen_account", "statement.csv", S_HEADER, statement(pid, "朱丙", 0, credits([2, 3, 6, 7], 120.0)))

    # 13 balance break: a row is missing between May and June.
    pid = new_id("19901212")
    write("13_balance_break", "contributions.csv", C_HEADER, monthly(pid, "秦丁", p6[:3], "6000", "120.00", "480.00"))
    rows = statement(pid, "秦丁", 500, credits([2, 3, 4], 120.0))
    rows[2][5] = "710.00"
    write("13_balance_break", "statement.csv", S_HEADER, rows)

    # 14 duplicate credit: February's credit arrives twice in March.
    pid = new_id("19900115")
    write("14_duplicate_credit", "contributions.csv", C_HEADER, monthly(pid, "尤戊", p6[:3], "6000", "120.00", "480.00"))
    items = credits([2, 3, 4], 120.0) + [("2024-03-05 09:01:00", "101", 120.0, "")]
    items.sort()
    write("14_duplicate_credit", "statement.csv", S_HEADER, statement(pid, "尤戊", 0, items))

    # 15 spending draining the balance to zero.
    pid = new_id("19900216")
    write("15_spending_drain", "contributions.csv", C_HEADER, monthly(pid, "许己", p6[:3], "6000", "120.00", "480.00"))
    items = credits([2, 3, 4], 120.0) + [
        ("2024-02-20 11:00:00", "药店购药", -300.0, ""),
        ("2024-03-18 15:00:00", "住院结算", -260.0, ""),
        ("2024-04-22 09:30:00", "门诊消费", -120.0, ""),
    ]
    items.sort()
    write("15_spending_drain", "statement.csv", S_HEADER, statement(pid, "许己", 440, items))

    # 16 missing, short, excess and pending credits, and a rate mismatch.
    pid = new_id("19900317")
    rows = monthly(pid, "何庚", p6, "6000", "120.00", "480.00")
    rows[4][4] = "110.00"
    write("16_missing_short_pending", "contributions.csv", C_HEADER, rows)
    items = [("2024-02-05 09:00:00", "101", 120.0, ""), ("2024-03-05 09:00:00", "101", 100.0, ""),
             ("2024-05-05 09:00:00", "101", 150.0, ""), ("2024-07-01 09:00:00", "门诊消费", -20.0, "")]
    write("16_missing_short_pending", "statement.csv", S_HEADER, statement(pid, "何庚", 0, items))

    # 17 an unexpected credit, an unclassified entry, and a person with no statement.
    pid = new_id("19900418")
    write("17_unexpected_no_statement", "contributions.csv", C_HEADER,
          monthly(pid, "吕辛", ["202403", "202404"], "6000", "120.00", "480.00"))
    # A 66.00 credit inside the span (before the last period's grace ends) that no period
    # takes: CREDIT_UNEXPECTED (one dated before the first due month would only be counted
    # as outside the span, SPEC 2.2).
    items = [("2024-04-05 09:00:00", "101", 120.0, ""), ("2024-05-05 09:00:00", "101", 120.0, ""),
             ("2024-05-09 09:00:00", "其他", -5.0, ""), ("2024-05-15 09:00:00", "101", 66.0, "")]
    write("17_unexpected_no_statement", "statement.csv", S_HEADER, statement(pid, "吕辛", 0, items))
    pid2 = new_id("19900519")
    write("17_unexpected_no_statement", "contributions_2.csv", C_HEADER,
          monthly(pid2, "施壬", ["202403", "202404"], "5000", "100.00", "400.00"))

    part2_scenarios()
    statement_first_scenarios()


def write_grid(folder, name, grid, encoding="utf-8"):
    """A sheet as exported: title rows, a header of one or two rows, then data."""
    os.makedirs(os.path.join(ROOT, folder), exist_ok=True)
    with open(os.path.join(ROOT, folder, name), "w", newline="", encoding=encoding) as f:
        csv.writer(f, lineterminator="\n").writerows(grid)


def part2_scenarios():
    """SPEC Part 2.1's layouts (DOMAIN.md §6), one planted problem or rule each. Dates stay
    before 2024-07 so that the other scenarios' as-of date is unchanged when all are run."""
    # 18 two month columns, neither 费款所属期: the earlier one (缴费年月) is the period, the
    # later (台账年月, the booking month) the payment month; February's credit is missing.
    pid = new_id("19880101")
    rows = [[pid, "陈子", f"2024{m:02d}", f"2024{m + 1:02d}", "5000", "100.00"] for m in range(1, 6)]
    write_grid("18_two_period_columns", "contributions.csv",
               [["身份证号", "姓名", "缴费年月", "台账年月", "缴费基数", "个人缴费金额"]] + rows)
    items = [(f"2024-{m:02d}-05 09:00:00", "101", 100.0, "") for m in (2, 4, 5, 6)]
    write("18_two_period_columns", "statement.csv", S_HEADER, statement(pid, "陈子", 0, items))

    # 19 a tax-bureau declaration in long format: 个人 and 单位 rows of basic medical combine,
    # 养老 rows and a 滞纳金 row are skipped; April's credit is short.
    pid = new_id("19870202")
    grid = [["姓名", "身份证件号码", "参保费种", "征收品目", "费款所属日期起", "缴费基数", "费率", "本期应缴费额"]]
    for m in range(1, 5):
        start = f"2024-{m:02d}-01"
        grid.append(["卫丑", pid, "职工基本医疗保险", "个人缴纳部分", start, "5000", "0.02", "100.00"])
        grid.append(["卫丑", pid, "职工基本医疗保险", "单位缴纳部分", start, "5000", "0.08", "400.00"])
        grid.append(["卫丑", pid, "企业职工基本养老保险", "个人缴纳部分", start, "5000", "0.08", "400.00"])
    grid.append(["卫丑", pid, "职工基本医疗保险", "滞纳金", "2024-04-01", "", "", "3.50"])
    write_grid("19_long_format_declaration", "社保费申报明细.csv", grid, encoding="gb18030")
    items = [(f"2024-{m:02d}-05 09:00:00", "101", 100.0, "") for m in (2, 3, 4)]
    items.append(("2024-05-05 09:00:00", "101", 80.0, ""))
    write("19_long_format_declaration", "statement.csv", S_HEADER, statement(pid, "卫丑", 0, items))

    # 20 an HR payroll sheet: a merged title, groups (养老, 医疗, 大病医疗, 医疗2024年3月-4月补差)
    # over sub-headers with rates; the base rose to 6000 from March, paid back in May. March
    # and April have paid normal rows, so the back payment is a difference for each, and the
    # two differences arrive as one credit of their sum.
    pid = new_id("19860303")
    groups = ["序号", "公司", "姓名", "身份证", "账单期", "养老", "", "", "医疗", "", "", "", "", "大病医疗", "",
              "医疗2024年3月-4月补差", "", ""]
    subs = ["", "", "", "", "", "基数", "个人(8%)", "个人金额", " 基数", "个人\n(2%)", "个人金额", "单位(8%)",
            "单位金额", "个人金额", "单位金额", "基数", "个人金额", "单位金额"]
    grid = [["2024年1-5月社保明细表"] + [""] * 17, groups, subs]
    for i, m in enumerate(range(1, 6)):
        base = 5000 if m < 5 else 6000
        back = ["1000", "40.00", "160.00"] if m == 5 else ["", "", ""]
        grid.append([str(i + 1), "示例公司", "蒋寅", pid, f"2024{m:02d}", str(base), "0.08", f"{base * 0.08:.2f}",
                     str(base), "0.02", f"{base * 0.02:.2f}", "0.08", f"{base * 0.08:.2f}", "5.00", "10.00"] + back)
    write_grid("20_payroll_backpay_group", "社保明细表.csv", grid)
    items = [("2024-02-05 09:00:00", "101", 100.0, ""), ("2024-03-05 09:00:00", "101", 100.0, ""),
             ("2024-04-05 09:00:00", "101", 100.0, ""), ("2024-05-05 09:00:00", "101", 100.0, ""),
             ("2024-06-05 09:00:00", "101", 120.0, ""), ("2024-06-12 09:00:00", "101", 40.0, "")]
    write("20_payroll_backpay_group", "statement.csv", S_HEADER, statement(pid, "蒋寅", 0, items))

    # 21 a city portal page saved by the person (Wuhan's layout): five rows above the header
    # name them, no ID column; 划入个人账户金额 is the expected credit. The app statement
    # names them in its title only. March's credit is short.
    pid = new_id("19850404")
    grid = [["个人缴费明细查询"], ["姓名：沈卯", "", f"身份证号：{pid}"], ["单位名称：示例公司"],
            ["查询时间：2024-06-20"], [""],
            ["险种类型", "缴费年月", "台账年月", "应缴类型", "缴费方式", "缴费基数", "应缴金额", "个人缴费金额",
             "划入个人账户金额", "划入统筹金额", "补缴利息", "滞纳金", "缴费标识", "单位编号", "单位名称"]]
    for m in range(1, 5):
        grid.append(["职工基本医疗保险", f"2024{m:02d}", f"2024{m:02d}", "正常应缴", "单位缴费", "6000", "720.00",
                     "120.00", "150.00", "450.00", "0", "0", "已到帐", "8001", "示例公司"])
    write_grid("21_portal_identity_above", "缴费明细.csv", grid, encoding="gb18030")
    grid = [[f"沈卯 {pid[:6]}********{pid[-4:]} 个人账户明细"], [f"证件号码：{pid}"],
            ["交易时间", "交易类型", "交易金额", "账户余额"]]
    bal = 0.0
    for at, amount in [("2024-02-05 09:00:00", 150.0), ("2024-03-05 09:00:00", 150.0),
                       ("2024-04-05 09:00:00", 100.0), ("2024-05-05 09:00:00", 150.0)]:
        bal += amount
        grid.append([at, "个人账户划账", f"{amount:.2f}", f"{bal:.2f}"])
    write_grid("21_portal_identity_above", "账户明细.csv", grid)

    # 22 the national platform's income export (个人账户收支情况查询导出): entry names, not
    # codes, income rows only, no balance. February's credit came in June as 补录个人账户.
    pid = new_id("19840505")
    write("22_national_income_only", "contributions.csv", C_HEADER,
          monthly(pid, "韩辰", ["202401", "202402", "202403", "202404"], "5000", "100.00", "400.00"))
    grid = [["姓名", "证件号码", "医保区划", "年度", "收支时间", "账户收支类型", "收支总金额", "经办机构编号"]]
    for at, kind, amount in [("2024-01-02 08:00:00", "上年结转收入", 500.0),
                             ("2024-02-05 09:00:00", "个人账户划账", 100.0),
                             ("2024-04-05 09:00:00", "个人账户划账", 100.0),
                             ("2024-05-05 09:00:00", "个人账户划账", 100.0),
                             ("2024-06-20 09:00:00", "补录个人账户", 100.0)]:
        grid.append(["韩辰", pid, "320100", "2024", at, kind, f"{amount:.2f}", "320100001"])
    write_grid("22_national_income_only", "test.csv", grid)


def app_statement(folder, pid, person, rows, file="账户明细.csv"):
    """A phone app's account flow as saved: the person's name and masked ID in the title,
    the full ID in a second title line, then 交易时间, 交易类型, 交易金额, 账户余额."""
    grid = [[f"{person} {pid[:6]}********{pid[-4:]} 个人账户明细"], [f"证件号码：{pid}"],
            ["交易时间", "交易类型", "交易金额", "账户余额"]]
    bal = 0.0
    for at, kind, amount in rows:
        bal += amount
        grid.append([at, kind, f"{amount:.2f}", f"{bal:.2f}"])
    write_grid(folder, file, grid)


def statement_first_scenarios():
    """SPEC 2.2: people who hold only a statement. Each folder has statements and no
    contribution records, except 28 (one person with contributions beside one without)."""
    # 23 credits stopped after 2024-06; the last row is a purchase in 2024-11 and no
    # --as-of is given, so the message says the export date is unknown.
    pid = new_id("19850312")
    rows = [(f"2024-{m:02d}-05 09:00:00", "个人账户划账", 120.0) for m in range(1, 7)]
    rows += [("2024-07-10 10:00:00", "药店购药", -30.0), ("2024-11-12 10:00:00", "药店购药", -20.0)]
    app_statement("23_credits_stopped", pid, "钱进", rows)

    # 24 a gap not made up (2024-03), and 2024-07's credit made up in 2024-08.
    pid = new_id("19870615")
    rows = []
    for m in range(1, 11):
        if m in (3, 7):
            continue
        rows.append((f"2024-{m:02d}-05 09:00:00", "个人账户划账", 110.0))
        if m == 8:
            rows.append(("2024-08-20 09:00:00", "个人账户划账", 110.0))
    app_statement("24_credit_gap_and_late", pid, "孙立", rows)

    # 25 the monthly credit changes twice: in 2024-08 after July's base adjustment
    # (explained, info) and in 2024-12 with nothing to explain it (warning).
    pid = new_id("19900220")
    rows = []
    for m in range(1, 13):
        amount = 100.0 if m < 8 else (120.0 if m < 12 else 90.0)
        rows.append((f"2024-{m:02d}-05 09:00:00", "个人账户划账", amount))
    app_statement("25_credit_change", pid, "周全", rows)

    # 26 never credited: a resident-insurance card's flow, purchases paid by others, no
    # credit, no interest, balance 0.
    pid = new_id("19950101")
    rows = [("2024-03-01 10:00:00", "门诊消费", 0.0), ("2024-06-01 10:00:00", "门诊消费", 0.0)]
    app_statement("26_never_credited", pid, "吴用", rows)

    # 27 an age band: the sample policy credits 0.8% of the base under 35 and 1% from 35
    # (before its 2022-09 reform). Born 1985-03, 35 in 2020-03: April 2020's credit (for
    # April) arrives in May, higher — explained. A transfer out in 2020-08 and no credit after:
    # stopped, with the transfer named among the causes.
    pid = new_id("19850310")
    rows = []
    for m in range(1, 8):
        amount = 128.0 if m <= 4 else 140.0
        rows.append((f"2020-{m:02d}-05 09:00:00", "101", amount))
    rows.append(("2020-08-15 09:00:00", "个人账户转出", -300.0))
    rows.append(("2020-12-31 09:00:00", "个人账户年度结息", 1.2))
    app_statement("27_age_band_then_moved", pid, "郑和", rows)

    # 28 one person with contributions, one with only a statement: NO_CONTRIBUTIONS for
    # the second, and none of the second's credits is CREDIT_UNEXPECTED.
    pid = new_id("19880808")
    write("28_no_contributions", "contributions.csv", C_HEADER,
          monthly(pid, "王五", ["202401", "202402", "202403"], "5000", "100.00", "400.00"))
    write("28_no_contributions", "statement.csv", S_HEADER,
          statement(pid, "王五", 0, credits([2, 3, 4], 100.0)))
    pid2 = new_id("19890909")
    write("28_no_contributions", "statement_2.csv", S_HEADER,
          statement(pid2, "赵六", 0, credits([2, 3, 4], 90.0)))


if __name__ == "__main__":
    main()
