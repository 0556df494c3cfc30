"""No spreadsheet est writes carries a live formula from user text."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from core.spreadsheets import FORMULA_STARTS, csv_bytes, uncell
from tests.helpers import Api
from tests.test_checklists import _edit, _items

FORMULA = '=HYPERLINK("http://x","y")'


def test_an_item_text_that_looks_like_a_formula_stays_text_in_the_xlsx_template(api: Api) -> None:
    api.onboard("alfa")
    admin = api.user("admin@alfa.test", tenant="alfa", role="admin")
    _edit(api, admin, lambda content: _items(content)["skadegorelse"].update(text=FORMULA))
    template = api.get("/api/v1/tenants/alfa/reports/import/template?format=xlsx", admin)
    sheet = load_workbook(io.BytesIO(template.data))["Punkter"]
    cells = {row[0].value: row[1] for row in sheet.iter_rows(min_row=2)}
    assert cells["skadegorelse"].data_type != "f"
    assert uncell(cells["skadegorelse"].value) == FORMULA
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_every_formula_start_is_quoted_in_csv() -> None:
    texts = [start + "SUM(A1:A2)" for start in FORMULA_STARTS] + [FORMULA, "vanlig text", "-", 12, -3]
    read = next(csv.reader(io.StringIO(csv_bytes([texts]).decode("utf-8-sig"))))
    for text, written in zip(texts, read, strict=True):
        if isinstance(text, str) and text.startswith(FORMULA_STARTS):
            assert written[0] == "'" and uncell(written) == text
        else:
            assert written == str(text)
