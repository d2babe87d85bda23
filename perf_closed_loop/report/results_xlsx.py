# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The results spreadsheet (导出): a results sheet, one sheet per department
and a summary sheet with the grade distribution per department and a
native chart. Takes plain rows; knows nothing of Odoo."""

import io
import re

import xlsxwriter

SHEET_NAME_MAX = 31
BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_name(name, taken):
    """A valid, unique worksheet name for ``name``."""
    base = BAD_SHEET_CHARS.sub(" ", str(name or "-")).strip("' ") or "-"
    base = base[:SHEET_NAME_MAX]
    candidate, index = base, 2
    while candidate.lower() in taken:
        suffix = f" ({index})"
        candidate = base[: SHEET_NAME_MAX - len(suffix)] + suffix
        index += 1
    taken.add(candidate.lower())
    return candidate


def build(columns, rows, department_column, grade_codes, labels):
    """The workbook as bytes.

    ``columns``: [(header, width, kind)] with kind text / score / number;
    ``rows``: lists of values in column order; ``department_column``: index
    of the department; ``grade_codes``: the scale's codes in order;
    ``labels``: translated texts (results, summary, department, total,
    average, chart title, final grade column index under "grade_column",
    final score column index under "score_column")."""
    buffer = io.BytesIO()
    # Texts are never formulas, numbers or links, whatever they start with
    # ("=1+1" in a note or a grade code stays text).
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    header = book.add_format(
        {"bold": True, "bg_color": "#714B67", "font_color": "#FFFFFF", "border": 1}
    )
    score = book.add_format({"num_format": "0.00"})
    taken = set()

    def write_sheet(name, sheet_rows):
        sheet = book.add_worksheet(sheet_name(name, taken))
        for col, (title, width, _kind) in enumerate(columns):
            sheet.write_string(0, col, title, header)
            sheet.set_column(col, col, width)
        for row_index, values in enumerate(sheet_rows, start=1):
            for col, value in enumerate(values):
                kind = columns[col][2]
                if value in (None, False, ""):
                    sheet.write_blank(row_index, col, None)
                elif kind == "score":
                    sheet.write_number(row_index, col, float(value), score)
                elif kind == "number":
                    sheet.write_number(row_index, col, float(value))
                else:
                    sheet.write_string(row_index, col, str(value))
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(sheet_rows), 1), len(columns) - 1)
        return sheet

    write_sheet(labels["results"], rows)
    by_department = {}
    for values in rows:
        by_department.setdefault(values[department_column] or "-", []).append(values)

    # Summary first among the department sheets, so the chart is found.
    summary = book.add_worksheet(sheet_name(labels["summary"], taken))
    summary_headers = [labels["department"], *grade_codes, labels["total"]]
    summary_headers.append(labels["average"])
    for col, title in enumerate(summary_headers):
        summary.write_string(0, col, str(title), header)
    summary.set_column(0, 0, 28)
    summary.set_column(1, len(summary_headers), 10)
    grade_col = labels["grade_column"]
    score_col = labels["score_column"]
    departments = sorted(by_department)
    for row_index, department in enumerate(departments, start=1):
        people = by_department[department]
        summary.write_string(row_index, 0, department)
        for offset, code in enumerate(grade_codes, start=1):
            summary.write_number(
                row_index, offset, sum(1 for v in people if v[grade_col] == code)
            )
        summary.write_number(row_index, len(grade_codes) + 1, len(people))
        scored = [float(v[score_col]) for v in people if v[score_col] not in (None, "")]
        if scored:
            # The value the cell shows (two decimals), not a longer one that
            # a sum or a copy elsewhere would reveal.
            summary.write_number(
                row_index,
                len(grade_codes) + 2,
                round(sum(scored) / len(scored), 2),
                score,
            )
    summary.freeze_panes(1, 1)
    if departments:
        chart = book.add_chart({"type": "column", "subtype": "stacked"})
        last = len(departments)
        for offset in range(1, len(grade_codes) + 1):
            chart.add_series(
                {
                    "name": [summary.name, 0, offset],
                    "categories": [summary.name, 1, 0, last, 0],
                    "values": [summary.name, 1, offset, last, offset],
                }
            )
        chart.set_title({"name": labels["chart"]})
        chart.set_size({"width": 720, "height": 360})
        summary.insert_chart(last + 3, 0, chart)
    for department in departments:
        write_sheet(department, by_department[department])
    book.close()
    return buffer.getvalue()
