//! report.html and the one-person page of `explain --html`: single self-contained files —
//! CSS, SVG charts and the table filter inline, nothing fetched from the network.

use std::fmt::Write;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::labels::heading;
use super::tables::{self, FINDINGS_COLUMNS};
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

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn f(amount: impl Into<Decimal>) -> f64 {
    amount.into().to_f64().unwrap_or(0.0)
}

/// Horizontal bars: one per (label, value).
fn bar_chart(id: &str, items: &[(String, f64, &str)]) -> String {
    let row = 22.0;
    let (left, width) = (190.0, 420.0);
    let max = items.iter().map(|i| i.1).fold(0.0, f64::max).max(1.0);
    let height = row * items.len() as f64 + 10.0;
    let mut s = format!(
        "<svg id=\"{id}\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{height}\" role=\"img\">",
        left + width + 60.0
    );
    for (i, (label, value, color)) in items.iter().enumerate() {
        let y = i as f64 * row + 4.0;
        let w = (value / max * width).max(1.0);
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect class=\"bar\" x=\"{left}\" y=\"{y}\" width=\"{w:.1}\" height=\"{}\" fill=\"{color}\"/><text x=\"{}\" y=\"{}\">{value}</text>",
            left - 6.0,
            y + 13.0,
            esc(label),
            row - 6.0,
            left + w + 4.0,
            y + 13.0,
        );
    }
    s.push_str("</svg>");
    s
}

/// Lines over months: each series is (name, colour, values by month index).
fn line_chart(id: &str, months: &[Period], series: &[(&str, &str, Vec<f64>)]) -> String {
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
    let mut s = format!(
        "<svg id=\"{id}\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" role=\"img\">"
    );
    let _ = write!(
        s,
        "<line x1=\"{pad}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#98a2b3\"/>",
        h - pad,
        w - pad,
        h - pad
    );
    for (t, v) in [
        (yuan(Money::from_cents((hi * 100.0).round() as i64)), hi),
        (yuan(Money::from_cents((lo * 100.0).round() as i64)), lo),
    ] {
        let _ = write!(s, "<text x=\"4\" y=\"{:.1}\">{t}</text>", y(v) + 4.0);
    }
    let step = (n / 12).max(1);
    for (i, m) in months.iter().enumerate().step_by(step) {
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{m}</text>",
            x(i),
            h - pad + 16.0
        );
    }
    for (k, (name, color, values)) in series.iter().enumerate() {
        let points: Vec<String> = values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v)))
            .collect();
        let _ = write!(
            s,
            "<polyline class=\"series\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{}\"/>",
            points.join(" ")
        );
        for (i, v) in values.iter().enumerate() {
            let _ = write!(
                s,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.5\" fill=\"{color}\"/>",
                x(i),
                y(*v)
            );
        }
        let _ = write!(
            s,
            "<rect x=\"{}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{color}\"/><text x=\"{}\" y=\"{}\">{}</text>",
            w - 200.0,
            8.0 + 16.0 * k as f64,
            w - 186.0,
            17.0 + 16.0 * k as f64,
            esc(name)
        );
    }
    s.push_str("</svg>");
    s
}

fn head(title: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{}</title><style>{STYLE}</style></head><body>",
        esc(title)
    )
}

const FILTER_SCRIPT: &str = "<script>document.getElementById('q').addEventListener('input',function(){var q=this.value.toLowerCase();document.querySelectorAll('#findings tbody tr').forEach(function(r){r.style.display=r.textContent.toLowerCase().indexOf(q)<0?'none':''})})</script>";

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

/// [`report`], listing at most `findings` findings.
pub fn report_within(
    run: &Reconciliation,
    csvs: &tables::CsvSet,
    policy: &str,
    lang: Lang,
    findings: usize,
) -> String {
    let (by_severity, by_code) = tables::counts(run);
    let mut s = head(lang.pick(
        "医保个人账户核对报告",
        "Medical personal account reconciliation",
    ));
    let _ = write!(
        s,
        "<h1>{}</h1><p class=\"muted\">{} {} · {} {} · {} {}</p><div class=\"cards\">",
        lang.pick(
            "医保个人账户核对报告",
            "Medical personal account reconciliation"
        ),
        lang.pick("截至", "as of"),
        run.as_of,
        lang.pick("政策", "policy"),
        esc(policy),
        lang.pick("人数", "persons"),
        run.persons.len()
    );
    for sev in ["error", "warning", "info"] {
        let _ = write!(
            s,
            "<div class=\"card {sev}\"><b>{}</b>{}</div>",
            by_severity.get(sev).copied().unwrap_or(0),
            super::labels::cell("severity", sev, lang)
        );
    }
    s.push_str("</div>");

    let _ = write!(
        s,
        "<h2>{}</h2>",
        lang.pick("按代码的问题数", "Findings by code")
    );
    let items: Vec<(String, f64, &str)> = crate::reconcile::findings::CODES
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
    if items.is_empty() {
        let _ = write!(s, "<p>{}</p>", lang.pick("没有发现问题。", "No findings."));
    } else {
        s.push_str(&bar_chart("chart-codes", &items));
    }

    let months = tables::by_month(run);
    let _ = write!(
        s,
        "<h2>{}</h2>",
        lang.pick(
            "每月应划入与实际划入(元)",
            "Expected and credited per month (yuan)"
        )
    );
    let periods: Vec<Period> = months.iter().map(|m| m.period).collect();
    s.push_str(&line_chart(
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
    ));

    let _ = write!(
        s,
        "<h2>{}</h2><input id=\"q\" type=\"search\" placeholder=\"{}\"><table id=\"findings\"><thead><tr>",
        lang.pick("问题明细", "Findings"),
        lang.pick("搜索姓名、代码、月份…", "search name, code, month…")
    );
    for c in FINDINGS_COLUMNS {
        let _ = write!(s, "<th>{}</th>", esc(heading(c, lang)));
    }
    s.push_str("</tr></thead><tbody>");
    let shown = first_findings(&csvs.findings.bytes(), findings);
    for record in &shown.rows {
        let sev = record.get(5).unwrap_or("");
        let _ = write!(s, "<tr class=\"{}\">", esc(sev));
        for (i, v) in record.iter().enumerate() {
            let class = if (6..=8).contains(&i) {
                " class=\"n\""
            } else {
                ""
            };
            let column = FINDINGS_COLUMNS.get(i).copied().unwrap_or("");
            let _ = write!(
                s,
                "<td{class}>{}</td>",
                esc(&super::labels::cell(column, v, lang))
            );
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>");
    if shown.total > shown.rows.len() {
        let (n, total) = (shown.rows.len(), shown.total);
        let _ = match lang {
            Lang::Zh => write!(
                s,
                "<p class=\"note\" id=\"more\">本页只列出前 {n} 条(错误优先),共 {total} 条。全部问题见 <a href=\"findings.csv\">findings.csv</a> 或 report.xlsx 的“异常”表;逐月明细见 <a href=\"months.csv\">months.csv</a>。</p>"
            ),
            Lang::En => write!(
                s,
                "<p class=\"note\" id=\"more\">This page lists the first {n} findings (errors first) of {total}. All of them are in <a href=\"findings.csv\">findings.csv</a> and report.xlsx (sheet 异常); the month rows in <a href=\"months.csv\">months.csv</a>.</p>"
            ),
        };
    }
    s.push_str("</tbody></table>");
    s.push_str(FILTER_SCRIPT);
    s.push_str("</body></html>\n");
    s
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

/// The one-person page: the balance over time, as it is and as it would be with every
/// expected credit, and the person's findings.
/// A statement-first person's credits month by month (SPEC 2.2): each month's credit and
/// the day it came, gaps, stops and changes marked.
fn credit_months(view: &crate::reconcile::StatementView, lang: Lang) -> String {
    use crate::reconcile::MonthMark;
    let mut s = format!(
        "<h2>{}</h2><table id=\"credit-months\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        lang.pick("每月划入", "Credits month by month"),
        lang.pick("月份", "month"),
        lang.pick("划入(元)", "credit (yuan)"),
        lang.pick("到账日期", "arrived"),
        lang.pick("说明", "note"),
    );
    for m in &view.months {
        let (class, note) = match m.mark {
            MonthMark::Credited => ("ok", ""),
            MonthMark::Late => ("late", lang.pick("晚到,已补上", "late, made up")),
            MonthMark::Gap => ("gap", lang.pick("断档:没有划入", "gap: no credit")),
            MonthMark::Inactive => ("inactive", lang.pick("账户冻结/未激活", "account inactive")),
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
        let _ = write!(
            s,
            "<tr class=\"{class}{}\"><td>{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td></tr>",
            if m.changed { " changed" } else { "" },
            m.month,
            m.amount.map(yuan).unwrap_or_default(),
            m.arrived.map(|d| d.to_string()).unwrap_or_default(),
            esc(&note)
        );
    }
    s.push_str("</tbody></table>");
    s
}

pub fn person_page(
    p: &PersonReport,
    run: &Reconciliation,
    policy: &str,
    lang: Lang,
    ids: IdDisplay,
) -> String {
    let name = ids.text(p.name.as_deref().unwrap_or(""));
    let title = format!("{name} {}", ids.id(&p.id));
    let mut s = head(&title);
    let _ = write!(
        s,
        "<h1>{}</h1><p class=\"muted\">{} {} · {} {}</p>",
        esc(&title),
        lang.pick("截至", "as of"),
        run.as_of,
        lang.pick("政策", "policy"),
        esc(policy)
    );
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
    let _ = write!(
        s,
        "<h2>{}</h2>",
        lang.pick("余额变化(元)", "Balance over time (yuan)")
    );
    s.push_str(&line_chart(
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
    ));
    let b = &p.bridge;
    let _ = write!(
        s,
        "<h2>{}</h2><table>",
        lang.pick("余额桥", "Balance bridge")
    );
    for (k, v) in [
        ("opening_balance", b.opening),
        ("credits", b.credits),
        ("spending", b.spending),
        ("family_sharing", b.family_sharing),
        ("clearing_transfers", b.clearing_transfers),
        ("interest_adjustments", b.interest_adjustments),
        ("unclassified", b.unclassified),
        ("closing_balance", b.closing),
        ("missing_credits", b.missing_credits),
    ] {
        let _ = write!(
            s,
            "<tr><th>{}</th><td class=\"n\">{}</td></tr>",
            heading(k, lang),
            yuan(v)
        );
    }
    s.push_str("</table>");
    if let Some(view) = &p.statement_view {
        s.push_str(&credit_months(view, lang));
    }
    let _ = write!(
        s,
        "<h2>{}</h2><table id=\"findings\"><tbody>",
        lang.pick("问题", "Findings")
    );
    for fnd in &p.findings {
        let _ = write!(
            s,
            "<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td></tr>",
            fnd.severity.as_str(),
            fnd.period.map(|p| p.to_string()).unwrap_or_default(),
            fnd.code,
            esc(&ids.text(&fnd.message))
        );
    }
    s.push_str("</tbody></table></body></html>\n");
    s
}
