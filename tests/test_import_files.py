"""Imports with a bounded cost and a Swedish reason for every refusal: sizes, bombs, encodings, kinds, names."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from core.errors import DomainError
from core.reports.importer import COLUMNS, rows
from tests.helpers import Api
from tests.test_import import _csv, _rows, _upload

ROW = ["brand", "norr", "2024-05-04 23:10", "", "3", "Parkeringen", "", "", "Bilbrand", "", "", ""]


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in [list(COLUMNS), *rows]:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rewritten(data: bytes, change: dict[str, bytes]) -> bytes:
    """``data`` (an XLSX) with some parts replaced or added."""
    source, buffer = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            target.writestr(name, change.pop(name, source.read(name)))
        for name, content in change.items():
            target.writestr(name, content)
    return buffer.getvalue()


def _refusal(data: bytes, kind: str, max_rows: int = 10) -> str:
    with pytest.raises(DomainError) as raised:
        list(rows(data, kind, max_rows))
    (message,) = raised.value.errors["file"]
    return message


def test_more_rows_than_allowed_are_refused_while_reading_not_after() -> None:
    assert len(list(rows(_csv(_rows(10)), "csv", 10))) == 10
    assert "fler än 10 rader" in _refusal(_csv(_rows(11)), "csv")
    assert len(list(rows(_xlsx([ROW] * 10), "xlsx", 10))) == 10
    assert "11 rader; högst 10" in _refusal(_xlsx([ROW] * 11), "xlsx")


def test_an_xlsx_declaring_millions_of_empty_rows_is_refused_before_parsing() -> None:
    sheet = zipfile.ZipFile(io.BytesIO(_xlsx([ROW]))).read("xl/worksheets/sheet1.xml")
    declared = sheet.replace(b'<dimension ref="A1:L2"', b'<dimension ref="A1:L3000000"')
    assert declared != sheet
    assert "2 999 999 rader" in _refusal(_rewritten(_xlsx([ROW]), {"xl/worksheets/sheet1.xml": declared}), "xlsx")
    # A row numbered far down (openpyxl would fill the gap with empty rows) counts as that many rows.
    far = sheet.replace(b'<row r="2"', b'<row r="3000000"').replace(b'r="A2"', b'r="A3000000"')
    assert "rader" in _refusal(_rewritten(_xlsx([ROW]), {"xl/worksheets/sheet1.xml": far}), "xlsx")


def test_a_huge_shared_string_and_a_deflate_bomb_are_refused_before_parsing() -> None:
    huge = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>' + b"a" * 40_000
    huge += b"</t></si></sst>"
    message = _refusal(_rewritten(_xlsx([ROW]), {"xl/sharedStrings.xml": huge}), "xlsx")
    assert "längre än 32767 tecken" in message
    bomb = _rewritten(_xlsx([ROW]), {"xl/media/image1.png": b"\0" * (2 * 1024 * 1024)})
    assert "hårt packad (xl/media/image1.png)" in _refusal(bomb, "xlsx")


def test_a_file_that_is_not_what_its_name_says_is_named() -> None:
    assert "heter .xlsx men är ingen Excel-arbetsbok" in _refusal(_csv(_rows(1)), "xlsx")
    assert "heter .csv men är en Excel-arbetsbok" in _refusal(_xlsx([ROW]), "csv")
    assert ".xls" in _refusal(b"\xd0\xcf\x11\xe0" + b"\0" * 100, "xlsx")


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ";"), ("utf-16", ";"), ("utf-16", "\t"), ("cp1252", ";"), ("cp1252", ",")],
)
def test_csv_in_the_encodings_excel_writes_is_read(encoding: str, delimiter: str) -> None:
    row = ["skadegorelse", "Norr", "2024-03-12 22:15", "", "Hög", "Åvägen 3", "", "", "Målat på väggen", "", "", ""]
    text = _csv([row])
    data = text.decode("utf-8-sig").replace(";", delimiter).encode(encoding)
    ((number, row),) = rows(data, "csv", 10)
    assert number == 2 and row["plats"] == "Åvägen 3" and row["kommentar"] == "Målat på väggen"


def test_utf16_without_a_byte_order_mark_says_what_to_do() -> None:
    data = _csv(_rows(1)).decode("utf-8-sig").encode("utf-16-le")
    assert "CSV UTF-8" in _refusal(data, "csv")


def test_unknown_names_and_bad_values_are_named_in_swedish_by_row_and_column(api: Api) -> None:
    api.onboard("alfa")
    admin = api.user("admin@alfa.test", tenant="alfa", role="admin")
    rows_ = [list(ROW) for _ in range(6)]
    rows_[0][1] = "Atlantis"
    rows_[1][0] = "finns_inte"
    rows_[2][4] = "Jättehög"
    rows_[3][6], rows_[3][7] = "norr", "15,2"
    rows_[4][8] = "x" * 4001
    rows_[5][10] = "Polisen i Gotham"
    job = _upload(api, admin, _csv(rows_), "fel.csv")
    result = job["result"]
    assert result["imported"] == 0 and result["error_count"] == 6
    assert [(e["row"], e["column"], e["message"].split(";")[0].split(" (")[0]) for e in result["errors"]] == [
        (2, "omrade", "Okänt område"),
        (3, "punkt", "Okänd punkt"),
        (4, "allvarlighetsgrad", "Okänd allvarlighetsgrad"),
        (5, "lat", "Inte ett tal"),
        (6, "kommentar", "Högst 4000 tecken"),
        (7, "organisation", "Okänd organisation"),
    ]
    assert "Not a valid" not in str(result)


def test_a_file_level_refusal_reaches_the_job_result_and_a_csv_named_xlsx_says_so(api: Api) -> None:
    api.onboard("alfa")
    admin = api.user("admin@alfa.test", tenant="alfa", role="admin")
    job = _upload(api, admin, _csv(_rows(3)), "rapporter.xlsx")
    assert job["status"] == "finished"
    (error,) = job["result"]["errors"]
    assert error["row"] is None and "Byt filändelse till .csv" in error["message"]


def test_a_job_keeps_the_first_thousand_errors_and_counts_them_all(api: Api) -> None:
    api.onboard("alfa")
    admin = api.user("admin@alfa.test", tenant="alfa", role="admin")
    rows_ = [[*ROW[:1], "Atlantis", *ROW[2:]] for _ in range(1200)]
    job = _upload(api, admin, _csv(rows_), "fel.csv")
    assert job["result"]["error_count"] == 1200 and job["result"]["rows"] == 1200
    assert len(job["result"]["errors"]) == 1000 and job["result"]["errors"][-1]["row"] == 1001


def test_an_upload_larger_than_the_limit_is_refused_at_once(app, api: Api, monkeypatch) -> None:
    from dataclasses import replace

    api.onboard("alfa")
    admin = api.user("admin@alfa.test", tenant="alfa", role="admin")
    monkeypatch.setitem(app.config, "EST", replace(app.config["EST"], import_max_bytes=1000))
    response = api.post(
        "/api/v1/tenants/alfa/reports/import",
        admin,
        data={"file": (io.BytesIO(_csv(_rows(50))), "stor.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413 and "större än" in response.get_json()["message"]
