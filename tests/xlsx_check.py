#!/usr/bin/env python3
"""xlsx_check.py CODES FILE... - open each workbook as an auditor's reader
(openpyxl) and check what SPEC 11.1 asks of a printable Russian workbook.

CODES is rules/names.xml: no cell may hold one of its codes (a Latin code
under a Russian header) but those of an identifier column, whose header
starts with "Код" (the limitation rule's code, "reconnect").  For each sheet: the name is at most 31 characters
of valid UTF-8 (a name cut inside a character does not even load); a print
area, a page setup fitted to one page wide and a page header are set; list
sheets (a frozen header row) have an autofilter and repeat their header row
on every page; money columns (header with "руб", "долг", "пени", "оплат",
"начислено", "к оплате", "итого") hold numbers with the format # ##0.00;
date columns hold dates; no cell holds a number as text ("83,3 %",
"1234.56").  Prints one line per problem and exits 1 when there is any.
"""
import re
import sys
import xml.etree.ElementTree as ET

import openpyxl

codes = set()
for name in ET.parse(sys.argv[1]).getroot().iter("Name"):
    codes.add(name.get("code"))

# "83,3 %", "1 234,56", "12 %", "1234.56" - but not an item number "1.1"
NUMBER_AS_TEXT = re.compile(r"^-?\d[\d\u00a0 ]*,\d+(\s?%)?$|^-?\d+(\.\d+)?\s?%$|^-?\d+\.\d\d$")
MONEY_HEAD = re.compile(r"руб|долг|пени|оплат|начислено|к оплате|перерасч|итого|сумм", re.I)
DATE_HEAD = re.compile(r"^(дата|срок|вручено|открыто|закрыто|снимок|начало|окончание|"
                       r"последнее)|^принят$", re.I)
problems = 0


def bad(path, sheet, what):
    global problems
    problems += 1
    print(f"{path}: sheet '{sheet}': {what}")


for path in sys.argv[2:]:
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        name = ws.title
        if len(name) > 31:
            bad(path, name, f"sheet name of {len(name)} characters")
        if not ws.print_area:
            bad(path, name, "no print area")
        if not ws.sheet_properties.pageSetUpPr or not ws.sheet_properties.pageSetUpPr.fitToPage:
            bad(path, name, "not fitted to the page")
        elif ws.page_setup.fitToWidth not in (1, None):
            bad(path, name, "not fitted to one page wide")
        if ws.page_setup.paperSize not in (9, "9"):
            bad(path, name, "paper is not A4")
        if not ws.oddHeader.left.text and not ws.oddHeader.center.text:
            bad(path, name, "no page header")
        if not ws.oddFooter.center.text:
            bad(path, name, "no page numbers")
        listing = ws.freeze_panes is not None
        if listing:
            if not ws.auto_filter.ref:
                bad(path, name, "a list sheet without an autofilter")
            if not ws.print_title_rows:
                bad(path, name, "a list sheet without its header row repeated")
        heads = {}
        if listing:
            for cell in ws[1]:
                if isinstance(cell.value, str):
                    heads[cell.column] = cell.value
        for row in ws.iter_rows(min_row=2 if listing else 1):
            for cell in row:
                v = cell.value
                if v is None:
                    continue
                ident = heads.get(cell.column, "").startswith("Код")
                if isinstance(v, str):
                    if v in codes and not ident:
                        bad(path, name, f"{cell.coordinate}: the code '{v}' instead of its Russian name")
                    if NUMBER_AS_TEXT.match(v.strip()):
                        bad(path, name, f"{cell.coordinate}: a number stored as text '{v}'")
                h = heads.get(cell.column, "")
                if h and MONEY_HEAD.search(h) and not DATE_HEAD.search(h) \
                        and "уровень" not in h.lower():
                    if not isinstance(v, (int, float)):
                        if v != "Итого":
                            bad(path, name, f"{cell.coordinate}: money '{v}' under '{h}' is not a number")
                    elif cell.number_format != "#,##0.00":
                        bad(path, name, f"{cell.coordinate}: money under '{h}' formatted '{cell.number_format}'")
                if h and DATE_HEAD.search(h) and not isinstance(v, str):
                    if not hasattr(v, "year"):
                        bad(path, name, f"{cell.coordinate}: '{v}' under '{h}' is not a date")
sys.exit(1 if problems else 0)
