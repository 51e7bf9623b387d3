//! report.html and the one-person page of `explain --html`: single self-contained files —
//! CSS, SVG charts and the table filter inline, nothing fetched from the network. Both
//! are minijinja templates (report/templates/, auto-escaped, the same engine as the
//! `serve` page): the code here works out what to show and where the charts' marks go.

use minijinja::context;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

use super::labels::heading;
use super::tables::{self, FINDINGS_COLUMNS};
use super::templates;
use crate::lang::Lang;
use crate::mask::IdDisplay;
use crate::money::Money;
use crate::reconcile::{PersonReport, Reconciliation, yuan};
use crate::records::Period;

const STYLE: &str = "body{font-family:-apple-system,'Segoe UI','PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif;margin:24px;color:#1f2933;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}.muted{color:#667085}
.cards{display:flex;gap:12px;flex-wrap:wrap}.card{border:1px solid #d0d5dd;border-radius:8px;padding:10px 16px;min-width:110px}
.card b{display:block;font-size:22px}.error b{color:#b42318}.warning b{color:#b54708}.info b{color:#175cd3}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid #eaecf0;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f2f4f7;position:sticky;top:0}td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.error td{background:#fff1f0}tr.warning td{background:#fffaeb}
tr.gap td,tr.stopped td{background:#fff1f0}tr.late td,tr.inactive td{background:#fffaeb}tr.changed td:nth-child(2){font-weight:bold}input{padding:6px;width:320px;margin:8px 0}svg text{font-size:11px}";

fn f(amount: impl Into<Decimal>) -> f64 {
    amount.into().to_f64().unwrap_or(0.0)
}

/// One bar of a bar chart, placed.
#[derive(Serialize)]
struct Bar {
    label: String,
    value: String,
    color: &'static str,
    y: String,
    w: String,
    text_y: String,
    value_x: String,
}

/// Horizontal bars, one per (label, value), placed for the `bars` macro.
#[derive(Serialize)]
struct BarChart {
    id: &'static str,
    width: String,
    height: String,
    left: String,
    label_x: String,
    bar_height: String,
    bars: Vec<Bar>,
}

fn bar_chart(id: &'static str, items: &[(String, f64, &'static str)]) -> BarChart {
    let row = 22.0;
    let (left, width) = (190.0, 420.0);
    let max = items.iter().map(|i| i.1).fold(0.0, f64::max).max(1.0);
    let bars = items
        .iter()
        .enumerate()
        .map(|(i, (label, value, color))| {
            let y = i as f64 * row + 4.0;
            let w = (value / max * width).max(1.0);
            Bar {
                label: label.clone(),
                value: value.to_string(),
                color,
                y: y.to_string(),
                w: format!("{w:.1}"),
                text_y: (y + 13.0).to_string(),
                value_x: (left + w + 4.0).to_string(),
            }
        })
        .collect();
    BarChart {
        id,
        width: (left + width + 60.0).to_string(),
        height: (row * items.len() as f64 + 10.0).to_string(),
        left: left.to_string(),
        label_x: (left - 6.0).to_string(),
        bar_height: (row - 6.0).to_string(),
        bars,
    }
}

/// A label placed on an axis.
#[derive(Serialize)]
struct Tick {
    label: String,
    at: String,
}

/// One line of a line chart, placed.
#[derive(Serialize)]
struct Series {
    name: String,
    color: &'static str,
    points: String,
    dots: Vec<(String, String)>,
    legend_y: String,
    legend_text_y: String,
}

/// Lines over months, placed for the `lines` macro.
#[derive(Serialize)]
struct LineChart {
    id: &'static str,
    w: String,
    h: String,
    pad: String,
    axis_y: String,
    axis_x2: String,
    month_y: String,
    legend_x: String,
    legend_text_x: String,
    ticks_y: Vec<Tick>,
    ticks_x: Vec<Tick>,
    series: Vec<Series>,
}

/// Lines over months: each series is (name, colour, values by month index).
fn line_chart(
    id: &'static str,
    months: &[Period],
    series: &[(&str, &'static str, Vec<f64>)],
) -> LineChart {
    let (w, h, pad) = (720.0, 260.0, 48.0);
    let n = months.len().max(1);
    let all = series.iter().flat_map(|s| s.2.iter().copied());
    let (lo, hi) = all.fold((0.0f64, 1.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let x = |i: usize| {
        pad + (w - 2.0 * pad)
            * if n == 1 {
                0.5
            } else {
                i as f64 / (n - 1) as f64
            }
    };
    let y = |v: f64| h - pad - (h - 2.0 * pad) * (v - lo) / (hi - lo).max(1e-9);
    let ticks_y = [hi, lo]
        .iter()
        .map(|v| Tick {
            label: yuan(Money::from_cents((v * 100.0).round() as i64)),
            at: format!("{:.1}", y(*v) + 4.0),
        })
        .collect();
    let step = (n / 12).max(1);
    let ticks_x = months
        .iter()
        .enumerate()
        .step_by(step)
        .map(|(i, m)| Tick {
            label: m.to_string(),
            at: format!("{:.1}", x(i)),
        })
        .collect();
    let series = series
        .iter()
        .enumerate()
        .map(|(k, (name, color, values))| Series {
            name: name.to_string(),
            color,
            points: values
                .iter()
                .enumerate()
                .map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v)))
                .collect::<Vec<_>>()
                .join(" "),
            dots: values
                .iter()
                .enumerate()
                .map(|(i, v)| (format!("{:.1}", x(i)), format!("{:.1}", y(*v))))
                .collect(),
            legend_y: (8.0 + 16.0 * k as f64).to_string(),
            legend_text_y: (17.0 + 16.0 * k as f64).to_string(),
        })
        .collect();
    LineChart {
        id,
        w: w.to_string(),
        h: h.to_string(),
        pad: pad.to_string(),
        axis_y: (h - pad).to_string(),
        axis_x2: (w - pad).to_string(),
        month_y: (h - pad + 16.0).to_string(),
        legend_x: (w - 200.0).to_string(),
        legend_text_x: (w - 186.0).to_string(),
        ticks_y,
        ticks_x,
        series,
    }
}

const FILTER_SCRIPT: &str = "document.getElementById('q').addEventListener('input',function(){var q=this.value.toLowerCase();document.querySelectorAll('#findings tbody tr').forEach(function(r){r.style.display=r.textContent.toLowerCase().indexOf(q)<0?'none':''})})";

fn severity_color(sev: &str) -> &'static str {
    match sev {
        "error" => "#d92d20",
        "warning" => "#f79009",
        _ => "#2e90fa",
    }
}

/// report.html for the whole run.
pub fn report(run: &Reconciliation, csvs: &tables::CsvSet, policy: &str, lang: Lang) -> String {
    report_within(run, csvs, policy, lang, PAGE_FINDINGS)
}

/// A card of the page's head: a severity's count.
#[derive(Serialize)]
struct Card {
    severity: &'static str,
    count: usize,
    label: String,
}

/// A row of the findings table.
#[derive(Serialize)]
struct Row {
    severity: String,
    cells: Vec<String>,
}

/// [`report`], listing at most `findings` findings.
pub fn report_within(
    run: &Reconciliation,
    csvs: &tables::CsvSet,
    policy: &str,
    lang: Lang,
    findings: usize,
) -> String {
    let tables::RunTotals {
        by_severity,
        by_code,
        ..
    } = tables::RunTotals::of(run);
    let cards: Vec<Card> = ["error", "warning", "info"]
        .into_iter()
        .map(|sev| Card {
            severity: sev,
            count: by_severity.get(sev).copied().unwrap_or(0),
            label: super::labels::cell("severity", sev, lang).into_owned(),
        })
        .collect();
    let items: Vec<(String, f64, &'static str)> = crate::reconcile::findings::CODES
        .iter()
        .filter_map(|c| {
            let n = by_code.get(c.name).copied().unwrap_or(0);
            (n > 0).then(|| {
                (
                    super::labels::cell("code", c.name, lang).into_owned(),
                    n as f64,
                    severity_color(c.severity.as_str()),
                )
            })
        })
        .collect();
    let code_chart = (!items.is_empty()).then(|| bar_chart("chart-codes", &items));
    let months = tables::by_month(run);
    let periods: Vec<Period> = months.iter().map(|m| m.period).collect();
    let month_chart = line_chart(
        "chart-months",
        &periods,
        &[
            (
                lang.pick("应划入", "expected"),
                "#667085",
                months.iter().map(|m| f(m.expected)).collect(),
            ),
            (
                lang.pick("实际划入", "credited"),
                "#12b76a",
                months.iter().map(|m| f(m.credited)).collect(),
            ),
        ],
    );
    let shown = first_findings(&csvs.findings.bytes(), findings);
    let rows: Vec<Row> = shown
        .rows
        .iter()
        .map(|record| Row {
            severity: record.get(5).unwrap_or("").to_string(),
            cells: record
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let column = FINDINGS_COLUMNS.get(i).copied().unwrap_or("");
                    super::labels::cell(column, v, lang).into_owned()
                })
                .collect(),
        })
        .collect();
    let more = (shown.total > shown.rows.len()).then(|| {
        let (n, total) = (shown.rows.len(), shown.total);
        match lang {
            Lang::Zh => [
                format!("本页只列出前 {n} 条(错误优先),共 {total} 条。全部问题见 "),
                " 或 report.xlsx 的“异常”表;逐月明细见 ".to_string(),
                "。".to_string(),
            ],
            Lang::En => [
                format!("This page lists the first {n} findings (errors first) of {total}. All of them are in "),
                " and report.xlsx (sheet 异常); the month rows in ".to_string(),
                ".".to_string(),
            ],
        }
    });
    let title = lang.pick(
        "医保个人账户核对报告",
        "Medical personal account reconciliation",
    );
    let headings: Vec<&str> = FINDINGS_COLUMNS.iter().map(|c| heading(c, lang)).collect();
    let t = context! {
        as_of => lang.pick("截至", "as of"),
        policy => lang.pick("政策", "policy"),
        persons => lang.pick("人数", "persons"),
        by_code => lang.pick("按代码的问题数", "Findings by code"),
        no_findings => lang.pick("没有发现问题。", "No findings."),
        by_month => lang.pick("每月应划入与实际划入(元)", "Expected and credited per month (yuan)"),
        findings => lang.pick("问题明细", "Findings"),
        search => lang.pick("搜索姓名、代码、月份…", "search name, code, month…"),
    };
    let mut page = templates::render(
        "report.html",
        context! {
            title, style => STYLE, t, as_of => run.as_of.to_string(), policy,
            persons => run.persons.len(), cards, code_chart, month_chart, headings, rows, more,
            filter_script => FILTER_SCRIPT,
        },
    );
    page.push('\n');
    page
}

/// The most findings report.html lists. A page of 2,000 rows stays near a megabyte and
/// its search box answers at once; 30,000 people's 300,000 findings made a 61 MB page a
/// browser takes a minute to open. The CSV and the workbook have them all.
pub const PAGE_FINDINGS: usize = 2_000;

/// The findings a page shows: errors first, then warnings, then info, each in the file's
/// order, at most `limit`; and how many there are.
struct Shown {
    rows: Vec<csv::StringRecord>,
    total: usize,
}

fn first_findings(findings_csv: &[u8], limit: usize) -> Shown {
    let mut by_severity: [Vec<csv::StringRecord>; 3] = Default::default();
    let mut total = 0;
    let mut reader = csv::Reader::from_reader(findings_csv);
    for record in reader.records().flatten() {
        total += 1;
        let rank = match record.get(5).unwrap_or("") {
            "error" => 0,
            "warning" => 1,
            _ => 2,
        };
        if by_severity[rank].len() < limit {
            by_severity[rank].push(record);
        }
    }
    let rows = by_severity.into_iter().flatten().take(limit).collect();
    Shown { rows, total }
}

/// A month of a statement-first person's credits (SPEC 2.2), as the page shows it.
#[derive(Serialize)]
struct CreditMonth {
    class: String,
    month: String,
    amount: String,
    arrived: String,
    note: String,
}

/// A statement-first person's credits month by month: each month's credit and the day it
/// came, gaps, stops and changes marked.
fn credit_months(view: &crate::reconcile::StatementView, lang: Lang) -> minijinja::Value {
    use crate::reconcile::MonthMark;
    let rows: Vec<CreditMonth> = view
        .months
        .iter()
        .map(|m| {
            let (class, note) = match m.mark {
                MonthMark::Credited => ("ok", ""),
                MonthMark::Late => ("late", lang.pick("晚到,已补上", "late, made up")),
                MonthMark::Gap => ("gap", lang.pick("断档:没有划入", "gap: no credit")),
                MonthMark::Inactive => {
                    ("inactive", lang.pick("账户冻结/未激活", "account inactive"))
                }
                MonthMark::Stopped => ("stopped", lang.pick("停止划入", "credits stopped")),
            };
            let changed = if m.changed {
                lang.pick("金额变化", "amount changed")
            } else {
                ""
            };
            let note = [note, changed]
                .iter()
                .filter(|t| !t.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(lang.pick(";", "; "));
            CreditMonth {
                class: format!("{class}{}", if m.changed { " changed" } else { "" }),
                month: m.month.to_string(),
                amount: m.amount.map(yuan).unwrap_or_default(),
                arrived: m.arrived.map(|d| d.to_string()).unwrap_or_default(),
                note,
            }
        })
        .collect();
    let headings = [
        lang.pick("月份", "month"),
        lang.pick("划入(元)", "credit (yuan)"),
        lang.pick("到账日期", "arrived"),
        lang.pick("说明", "note"),
    ];
    minijinja::Value::from_serialize(context! { headings, rows })
}

/// A finding of the one-person page.
#[derive(Serialize)]
struct PersonFinding {
    severity: &'static str,
    period: String,
    code: String,
    message: String,
}

/// The one-person page: the balance over time, as it is and as it would be with every
/// expected credit, the bridge, a statement-first person's credits month by month, and
/// the person's findings.
pub fn person_page(
    p: &PersonReport,
    run: &Reconciliation,
    policy: &str,
    lang: Lang,
    ids: IdDisplay,
) -> String {
    let name = ids.text(p.name.as_deref().unwrap_or(""));
    let title = format!("{name} {}", ids.id(&p.id));
    // Month-end balances from the statement, and the shortfall of credits so far.
    let mut months: Vec<Period> = p.months.iter().map(|m| m.period).collect();
    months.extend(
        p.entries
            .iter()
            .filter_map(|e| Period::of_date(e.at.date())),
    );
    months.sort();
    months.dedup();
    let mut balance = p.bridge.opening;
    let mut actual = Vec::with_capacity(months.len());
    let mut ideal = Vec::with_capacity(months.len());
    let mut shortfall = Money::ZERO;
    for m in &months {
        for e in p
            .entries
            .iter()
            .filter(|e| Period::of_date(e.at.date()) == Some(*m))
        {
            balance += e.amount;
        }
        for row in p.months.iter().filter(|r| r.due == *m) {
            shortfall += row.expected - row.credited.unwrap_or_default();
        }
        actual.push(f(balance));
        ideal.push(f(balance + shortfall.max(Money::ZERO)));
    }
    let balance_chart = line_chart(
        "chart-balance",
        &months,
        &[
            (lang.pick("实际余额", "actual balance"), "#2e90fa", actual),
            (
                lang.pick("按应划入计算的余额", "with every expected credit"),
                "#12b76a",
                ideal,
            ),
        ],
    );
    let b = &p.bridge;
    let bridge: Vec<(&str, String)> = [
        ("opening_balance", b.opening),
        ("credits", b.credits),
        ("spending", b.spending),
        ("family_sharing", b.family_sharing),
        ("clearing_transfers", b.clearing_transfers),
        ("interest_adjustments", b.interest_adjustments),
        ("unclassified", b.unclassified),
        ("closing_balance", b.closing),
        ("missing_credits", b.missing_credits),
    ]
    .into_iter()
    .map(|(k, v)| (heading(k, lang), yuan(v)))
    .collect();
    let findings: Vec<PersonFinding> = p
        .findings
        .iter()
        .map(|fnd| PersonFinding {
            severity: fnd.severity.as_str(),
            period: fnd.period.map(|p| p.to_string()).unwrap_or_default(),
            code: fnd.code.to_string(),
            message: ids.text(&fnd.message).into_owned(),
        })
        .collect();
    let t = context! {
        as_of => lang.pick("截至", "as of"),
        policy => lang.pick("政策", "policy"),
        balance => lang.pick("余额变化(元)", "Balance over time (yuan)"),
        bridge => lang.pick("余额桥", "Balance bridge"),
        credit_months => lang.pick("每月划入", "Credits month by month"),
        findings => lang.pick("问题", "Findings"),
    };
    let credit_months = p.statement_view.as_ref().map(|v| credit_months(v, lang));
    let mut page = templates::render(
        "person.html",
        context! {
            title, style => STYLE, t, as_of => run.as_of.to_string(), policy,
            balance_chart, bridge, credit_months, findings,
        },
    );
    page.push('\n');
    page
}
