#!/usr/bin/env python3
"""Writes the two legacy-format samples Rust has no writer for: an .xls (BIFF8, via xlwt)
and an .ods (via odfpy). Run once from the repository root; the files are committed.

    pip install xlwt odfpy && python3 samples/make_legacy.py
"""
import datetime

import xlwt
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def with_check(first17):
    s = sum(int(d) * w for d, w in zip(first17, W))
    return first17 + "10X98765432"[s % 11]


def xls(path):
    person = with_check("32050219900808002")
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("缴费记录")
    month = xlwt.easyxf(num_format_str="yyyy-mm")
    ws.write_merge(0, 0, 0, 6, "职工医保缴费记录(旧版系统导出)")
    for c, h in enumerate(["姓名", "公民身份号码", "所属年月", "个人月缴纳基数", "个人缴纳金额", "单位缴纳金额", "当月是否到帐"]):
        ws.write(1, c, h)
    for i, m in enumerate([1, 2, 3]):
        r = 2 + i
        ws.write(r, 0, "孙丽")
        ws.write(r, 1, person)
        ws.write(r, 2, datetime.date(2024, m, 1), month)
        ws.write(r, 3, 6200)
        ws.write(r, 4, 124)
        ws.write(r, 5, 496)
        ws.write(r, 6, "是")
    ws.write(5, 0, "总计")
    ws.write(5, 4, 372)
    wb.save(path)


def cell(value, kind="string"):
    if kind == "float":
        c = TableCell(valuetype="float", value=value)
    elif kind == "date":
        c = TableCell(valuetype="date", datevalue=value)
    else:
        c = TableCell(valuetype="string")
    c.addElement(P(text=str(value)))
    return c


def ods(path):
    person = with_check("31011519950105003")
    doc = OpenDocumentSpreadsheet()
    t = Table(name="账户明细")
    rows = [[cell("赵磊个人账户收支明细")]]
    rows.append([cell(h) for h in ["社会保障号码", "姓名", "记账日期", "业务类型", "划入金额", "支出金额", "账户余额"]])
    balance = 500.0
    for m in range(2, 8):
        balance += 100
        rows.append([cell(person), cell("赵磊"), cell(f"2024-{m:02d}-12", "date"), cell("个账划入"),
                     cell(100.0, "float"), cell(""), cell(balance, "float")])
        if m == 6:
            balance -= 35.5
            rows.append([cell(person), cell("赵磊"), cell("2024-06-20", "date"), cell("药店购药"),
                         cell(""), cell(35.5, "float"), cell(balance, "float")])
    for r in rows:
        tr = TableRow()
        for c in r:
            tr.addElement(c)
        t.addElement(tr)
    doc.spreadsheet.addElement(t)
    doc.save(path)


if __name__ == "__main__":
    xls("samples/shapes/hr_legacy.xls")
    ods("samples/shapes/bureau_statement.ods")
