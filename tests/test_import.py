"""Import of old tables: CSV/XLSX as a job, all rows or none, every failing row named, no duplicates."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

from openpyxl import Workbook, load_workbook

from core.reports.importer import COLUMNS
from tests.helpers import Api

START = datetime(2023, 1, 2, 8, 0)


def _rows(count: int, bad_row: int | None = None) -> list[list[str]]:
    rows = []
    items = ["skadegorelse", "Brand", "arrangemang", "otrygg_plats"]
    for n in range(count):
        comment = f"Händelse {n}, kl. {(START + timedelta(hours=n)).strftime('%H.%M')}"
        if n + 2 == bad_row:  # file row numbers: the header is row 1
            comment = "Ring 19811218-9876"
        rows.append([
            items[n % 4], "centrum" if n % 2 else "Norr", (START + timedelta(hours=n)).strftime("%Y-%m-%d %H:%M"), "",
            str(1 + n % 4) if n % 5 else "Hög", f"Storgatan {n % 40}", "59,2745" if n % 3 == 0 else "",
            "15,2134" if n % 3 == 0 else "", comment, "", "kommun" if n % 7 else "", "",
        ])  # fmt: skip
    return rows


def _csv(rows: list[list[str]], delimiter: str = ";") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def _upload(api: Api, token: str, data: bytes, name: str) -> dict:
    response = api.post(
        "/api/v1/tenants/alfa/reports/import",
        token,
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 202, response.get_json()
    assert response.headers["Location"].endswith(response.get_json()["id"])
    return api.wait_for_job(response.get_json()["id"], token, timeout=120)


def test_one_bad_row_in_a_thousand_imports_nothing_and_is_named(api: Api) -> None:
    api.onboard("alfa")
    admin = api.user("admin@alfa.test", tenant="alfa", role="admin")
    job = _upload(api, admin, _csv(_rows(1000, bad_row=501)), "gamla-rapporter.csv")
    assert job["status"] == "finished", job
    result = job["result"]
    assert result["imported"] == 0 and result["rows"] == 1000
    assert result["errors"] == [
        {"row": 501, "column": "kommentar", "message": "Innehåller ett personnummer; ta bort det."}
    ]
    assert "19811218" not in str(job)
    assert api.get("/api/v1/tenants/alfa/reports", admin).get_json()["total"] == 0

    corrected = _upload(api, admin, _csv(_rows(1000)), "gamla-rapporter.csv")
    assert corrected["result"] == {"rows": 1000, "imported": 1000, "duplicates": 0, "error_count": 0, "errors": []}
    assert corrected["progress"] == {"done": 1000, "total": 1000}
    assert api.get("/api/v1/tenants/alfa/reports", admin).get_json()["total"] == 1000

    again = _upload(api, admin, _csv(_rows(1000), delimiter=","), "samma-igen.csv")
    assert again["result"] == {"rows": 1000, "imported": 0, "duplicates": 1000, "error_count": 0, "errors": []}
    assert api.get("/api/v1/tenants/alfa/reports", admin).get_json()["total"] == 1000
    imported = api.get("/api/v1/tenants/alfa/reports?page_size=1", admin).get_json()["items"][0]
    assert imported["source"] == "import" and imported["late"] is True


def test_every_failing_row_and_column_is_reported(api: Api) -> None:
    api.onboard("alfa")
    admin = api.user("admin@alfa.test", tenant="alfa", role="admin")
    rows = _rows(5)
    rows[0][0] = "finns_inte"
    rows[2][2] = "igår kväll"
    rows[3][4] = "9"
    rows[4][6], rows[4][7] = "59,91", "10,75"  # Oslo
    job = _upload(api, admin, _csv(rows), "fel.csv")
    errors = {(e["row"], e["column"]) for e in job["result"]["errors"]}
    assert errors == {(2, "punkt"), (4, "tidpunkt"), (5, "allvarlighetsgrad"), (6, "plats")}


def test_xlsx_import_and_the_templates(api: Api) -> None:
    api.onboard("alfa")
    admin = api.user("admin@alfa.test", tenant="alfa", role="admin")
    template = api.get("/api/v1/tenants/alfa/reports/import/template?format=xlsx", admin)
    assert template.status_code == 200
    workbook = load_workbook(io.BytesIO(template.data))
    assert [c.value for c in workbook["Rapporter"][1]] == list(COLUMNS)
    assert {row[0].value for row in workbook["Punkter"].iter_rows(min_row=2)} >= {"skadegorelse", "brand"}
    book = Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    sheet.append(
        [
            "brand",
            "norr",
            datetime(2024, 5, 4, 23, 10),
            None,
            3,
            "Parkeringen",
            None,
            None,
            "Bilbrand",
            None,
            None,
            None,
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    job = _upload(api, admin, buffer.getvalue(), "tabell.xlsx")
    assert job["result"]["imported"] == 1, job
    report = api.get("/api/v1/tenants/alfa/reports", admin).get_json()["items"][0]
    assert report["occurred_at"].startswith("2024-05-04T21:10")  # 23:10 in Stockholm (CEST) is 21:10 UTC
    csv_template = api.get("/api/v1/tenants/alfa/reports/import/template", admin)
    assert csv_template.data.decode("utf-8-sig").splitlines()[0] == ",".join(COLUMNS)


def test_wrong_columns_and_reporters_are_refused(api: Api) -> None:
    api.onboard("alfa")
    admin = api.user("admin@alfa.test", tenant="alfa", role="admin")
    reporter = api.user("rapportor@alfa.test", tenant="alfa", role="reporter")
    job = _upload(api, admin, b"punkt;vem\nbrand;x\n", "fel.csv")
    assert job["result"]["imported"] == 0 and "vem" in str(job["result"]["errors"])
    refused = api.post(
        "/api/v1/tenants/alfa/reports/import",
        reporter,
        data={"file": (io.BytesIO(b"x"), "a.csv")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 403
    wrong = api.post(
        "/api/v1/tenants/alfa/reports/import",
        admin,
        data={"file": (io.BytesIO(b"x"), "a.pdf")},
        content_type="multipart/form-data",
    )
    assert wrong.status_code == 422


def test_rows_kept_on_disk_until_the_insert_come_back_once_each(api: Api, monkeypatch) -> None:
    from core.reports import importer

    monkeypatch.setattr(importer.Accepted, "BATCH", 7)  # spill every 7 rows (in-process; a worker keeps its own)
    api.onboard("alfa")
    admin = api.user("admin@alfa.test", tenant="alfa", role="admin")
    rows = _rows(20)
    job = _upload(api, admin, _csv(rows + rows[5:8]), "med-dubbletter.csv")
    assert job["result"] == {"rows": 23, "imported": 20, "duplicates": 3, "error_count": 0, "errors": []}
    listed = api.get("/api/v1/tenants/alfa/reports?page_size=100", admin).get_json()["items"]
    assert sorted(r["comment"] for r in listed) == sorted(row[8] for row in rows)
