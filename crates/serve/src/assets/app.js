// The page's behaviour: send the form, draw the answer. Text from files is only ever set
// through textContent, never parsed as HTML.
(function () {
  "use strict";
  var zh = document.body.dataset.lang === "zh";
  var t = function (a, b) { return zh ? a : b; };
  var $ = function (id) { return document.getElementById(id); };
  var form = $("form"), drop = $("drop"), files = $("files");

  function showSource() {
    var name = $("policy").value, line = "";
    document.querySelectorAll("#sources li").forEach(function (li) {
      if (li.dataset.name === name) line = li.textContent;
    });
    $("policy-source").textContent = line;
  }
  $("policy").addEventListener("change", showSource);
  // The page's own words follow the language chosen, while nothing is chosen yet.
  $("lang").addEventListener("change", function () {
    if (!files.files.length && !$("paste").value) {
      location.search = "?lang=" + encodeURIComponent($("lang").value);
    }
  });
  showSource();

  ["dragenter", "dragover"].forEach(function (e) {
    drop.addEventListener(e, function (ev) { ev.preventDefault(); drop.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (e) {
    drop.addEventListener(e, function (ev) { ev.preventDefault(); drop.classList.remove("over"); });
  });
  drop.addEventListener("drop", function (ev) { files.files = ev.dataTransfer.files; });

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  function showError(reasons) {
    var box = $("error");
    box.textContent = t("无法核对：\n", "Could not check:\n") + reasons.join("\n");
    box.hidden = false;
    $("answer").hidden = true;
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var button = $("submit");
    button.disabled = true;
    // The answer's own words in the language it was asked in (its reasons and texts are).
    zh = $("lang").value === "zh";
    $("error").hidden = true;
    fetch("/reconcile", { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (r) {
        var type = r.headers.get("content-type") || "";
        if (type.indexOf("application/json") < 0) {
          return r.text().then(function (body) {
            var doc = new DOMParser().parseFromString(body, "text/html");
            var limit = doc.getElementById("limit");
            throw [limit ? limit.textContent : (r.status + " " + r.statusText)];
          });
        }
        return r.json().then(function (j) { if (!r.ok) throw j.reasons || [r.statusText]; return j; });
      })
      .then(draw)
      .catch(function (reasons) { showError(Array.isArray(reasons) ? reasons : [String(reasons)]); })
      .finally(function () { button.disabled = false; });
  });

  // What the reading left out or doubts (SPEC 2.7), above everything else: the rejected
  // rows (the first 100, with the count), the skipped inputs, the warnings.
  function drawReading(r) {
    var box = $("reading");
    box.textContent = "";
    var incomplete = r.rows_rejected > 0 || r.skipped.length > 0;
    box.hidden = !(incomplete || r.warnings.length || r.inferred.length);
    if (box.hidden) return incomplete;
    if (incomplete) {
      box.appendChild(el("h2", t("注意：有些内容没有读进来，结论可能不完整",
        "Note: some of the files were not read; the answer may be incomplete")));
    }
    if (r.rows_rejected > 0) {
      box.appendChild(el("h3", t("被拒绝的行 " + r.rows_rejected + " 行（改正后重新核对）",
        r.rows_rejected + " row(s) rejected (correct them and check again)")));
      var table = el("table", null, "rejected");
      var head = el("tr");
      [t("文件", "file"), t("工作表", "sheet"), t("行", "row"), t("列", "column"), t("值", "value"), t("原因", "reason")]
        .forEach(function (h) { head.appendChild(el("th", h)); });
      table.appendChild(head);
      r.rejected.slice(0, 100).forEach(function (x) {
        var tr = el("tr");
        [x.file, x.sheet, x.row, x.column, x.value, x.reason].forEach(function (v) { tr.appendChild(el("td", v)); });
        table.appendChild(tr);
      });
      box.appendChild(table);
      if (r.rejected_listed < r.rejected_count) {
        box.appendChild(el("p", t("只列出前 100 条，共 " + r.rejected_count + " 条；下载的 rejected.csv 列出前 " + r.rejected_listed +
          " 条（本页的上限），全部请在命令行运行 yibao-recon check",
          "The first 100 of " + r.rejected_count + "; rejected.csv below lists the first " + r.rejected_listed +
          " (the page's limit): yibao-recon check on the command line lists every one"), "muted"));
      } else if (r.rejected_count > 100) {
        box.appendChild(el("p", t("只列出前 100 条，共 " + r.rejected_count + " 条：完整清单见下载的 rejected.csv",
          "The first 100 of " + r.rejected_count + ": every one is in rejected.csv below"), "muted"));
      }
    }
    var list = function (title, lines) {
      if (!lines.length) return;
      box.appendChild(el("h3", title));
      var ul = el("ul");
      lines.forEach(function (l) { ul.appendChild(el("li", l)); });
      box.appendChild(ul);
    };
    list(t("跳过的文件或工作表", "Files or sheets skipped"), r.skipped);
    list(t("提示", "Warnings"), r.warnings);
    list(t("按用词或数值推断读取的列", "Columns read by inference"), r.inferred);
    return incomplete;
  }

  function draw(a) {
    var answer = $("answer");
    answer.hidden = false;
    var labels = a.labels || { codes: {}, severities: {} };
    var incomplete = drawReading(a.reading);
    // A person with one statement sees their answer first.
    var first = $("person-first");
    first.textContent = "";
    if (a.persons.length === 1) {
      var box = el("div", null, "answer-first");
      box.appendChild(el("h2", t("你的账户", "Your account")));
      if (incomplete) {
        box.appendChild(el("p", t("注意：上面列出的行或文件没有读进来，下面的结论只依据读进来的部分。",
          "Note: the rows or files listed above were not read; this answer rests on the rest."), "warn"));
      }
      box.appendChild(el("pre", a.persons[0].explain, "explain"));
      box.appendChild(balanceChart(a.persons[0].balances));
      first.appendChild(box);
    }
    var cards = $("cards");
    cards.textContent = "";
    var sev = (a.summary.findings || {}).by_severity || {};
    cards.appendChild(card(a.summary.persons, t("人数", "people"), ""));
    ["error", "warning", "info"].forEach(function (s) {
      cards.appendChild(card(sev[s] || 0, labels.severities[s] || s, s));
    });
    fillFilters(a, labels);
    drawFindings(a, labels);
    drawPersons(a);
    drawDownloads(a.reports);
    answer.scrollIntoView();
  }

  function card(n, label, cls) {
    var c = el("div", null, "card " + cls);
    c.appendChild(el("b", String(n)));
    c.appendChild(document.createTextNode(label));
    return c;
  }

  function fillFilters(a, labels) {
    var fill = function (id, values, show) {
      var s = $(id);
      while (s.options.length > 1) s.remove(1);
      values.forEach(function (v) { var o = el("option", show(v)); o.value = v; s.appendChild(o); });
      s.onchange = function () { drawFindings(a, labels); };
    };
    var uniq = function (k) {
      var seen = {};
      return a.findings.map(function (f) { return f[k]; }).filter(function (v) {
        if (seen[v]) return false; seen[v] = true; return true;
      });
    };
    fill("f-severity", ["error", "warning", "info"], function (v) { return labels.severities[v] || v; });
    fill("f-code", uniq("code"), function (v) { return (labels.codes[v] || "") + " " + v; });
    fill("f-person", uniq("person_id"), function (v) { return v; });
  }

  function drawFindings(a, labels) {
    var body = document.querySelector("#findings tbody");
    body.textContent = "";
    var s = $("f-severity").value, c = $("f-code").value, p = $("f-person").value;
    a.findings.forEach(function (f) {
      if ((s && f.severity !== s) || (c && f.code !== c) || (p && f.person_id !== p)) return;
      var tr = el("tr", null, f.severity);
      tr.appendChild(el("td", f.person_id));
      tr.appendChild(el("td", f.name));
      tr.appendChild(el("td", f.period_to ? f.period + "–" + f.period_to : f.period));
      tr.appendChild(el("td", labels.severities[f.severity] || f.severity));
      tr.appendChild(el("td", (labels.codes[f.code] || "") + " " + f.code));
      tr.appendChild(el("td", f.message));
      body.appendChild(tr);
    });
  }

  function drawPersons(a) {
    var box = $("persons");
    box.textContent = "";
    a.persons.forEach(function (p) {
      var d = el("details");
      d.appendChild(el("summary", p.person_id + " " + p.name + " · " + t("期末余额 ", "closing ") + p.closing_balance));
      d.appendChild(el("pre", p.explain, "explain"));
      d.appendChild(balanceChart(p.balances));
      box.appendChild(d);
    });
  }

  // The balance over time as an SVG polyline, from the statement's printed balances.
  function balanceChart(points) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("class", "balance");
    svg.setAttribute("width", "600");
    svg.setAttribute("height", "140");
    if (!points || points.length < 2) return svg;
    var values = points.map(function (p) { return Number(p[1]); });
    var lo = Math.min.apply(null, values.concat([0])), hi = Math.max.apply(null, values);
    var span = hi - lo || 1;
    var line = document.createElementNS(ns, "polyline");
    line.setAttribute("fill", "none");
    line.setAttribute("stroke", "#1570ef");
    line.setAttribute("stroke-width", "2");
    line.setAttribute("points", values.map(function (v, i) {
      var x = 10 + (580 * i) / (values.length - 1);
      var y = 130 - (120 * (v - lo)) / span;
      return x.toFixed(1) + "," + y.toFixed(1);
    }).join(" "));
    svg.appendChild(line);
    return svg;
  }

  function drawDownloads(reports) {
    var list = $("downloads");
    list.textContent = "";
    Object.keys(reports).forEach(function (name) {
      var bytes = Uint8Array.from(atob(reports[name]), function (ch) { return ch.charCodeAt(0); });
      var url = URL.createObjectURL(new Blob([bytes]));
      var a = el("a", name);
      a.href = url;
      a.download = name;
      var li = el("li");
      li.appendChild(a);
      list.appendChild(li);
    });
  }
})();
