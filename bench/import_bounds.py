"""Benchmark for bounded imports: peak RSS and time of the importing process, for real files and for bombs.

    .venv/bin/python bench/import_bounds.py             # ~5 min on 2 cores: 200,000-row CSV and XLSX, four bombs
    .venv/bin/python bench/import_bounds.py --rows 20000 --case csv --case xlsx

Set-up as ``report_ingest.py`` (its ``deploy``: a fresh PostgreSQL database through ``.ci/postgres-setup``, ``est db
upgrade``, Örebro onboarded, a coordinator). The files are generated here: realistic rows (``report_ingest``'s
generator) as CSV and as XLSX, and the bombs that were measured against est before imports were bounded:

- ``shared-string``: an XLSX whose shared strings part is one text of 300 M characters (~300 KB packed);
- ``empty-rows``: an XLSX whose sheet declares ``A1:L3000000`` and holds 3 M empty ``<row>`` elements;
- ``deflate``: an XLSX with a 1 GB member of zeros (~1 MB packed);
- ``csv-1m``: a CSV of 1,000,000 rows (~100 MB).

Each case runs in a fresh child process, its peak RSS read as ``VmHWM`` (``ru_maxrss`` would carry the parent's peak
across ``exec`` — the parent holds the generated rows), reset after logging in (argon2 takes 64 MB): ``create_app()``
as the embedded deployment runs it (PostgreSQL, no Redis: the job runs on the process's job thread), a token, the
upload through ``POST …/reports/import`` with Flask's test client (the multipart body is spooled to disk, as a server
would), then the job polled until it ends. Printed per case: the answer, the job's outcome (rows, imported, errors;
the first error), seconds from upload to the job's end, peak RSS next to the baseline after logging in, and the
latency of another request (a page of reports) made in the same process while the job runs (the job thread shares
the GIL).
Target: peak RSS <= 300 MB for every case. Exit status 1 when a case misses it or ends otherwise than expected.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _shared import terminate_on_sigterm
from report_ingest import (
    EMAIL,
    REPO,
    TENANT,
    catalogue,
    child_env,
    deploy,
    drop_database,
    generate_csv,
    log,
    machine,
    proc_status_mb,
    superuser,
)

TARGET_MB = 300.0
ROWS = 200_000
CASES = ("csv", "xlsx", "shared-string", "empty-rows", "deflate", "csv-1m")
SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


# --- the files ---------------------------------------------------------------------------------------------------


def xlsx_of_csv(source: Path, target: Path) -> None:
    """The same rows as an XLSX workbook (openpyxl's write-only mode, as Excel would store them: texts shared)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Rapporter")
    with source.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.reader(handle, delimiter=";"):
            sheet.append(row)
    workbook.save(target)


def _bomb(target: Path, parts: dict[str, Callable[[Any], None]]) -> None:
    """A minimal workbook (one sheet) whose parts are written by the given writers, streamed into the zip."""
    minimal = {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
        b'+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
        b'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0"?><workbook xmlns="{SHEET_NS}" xmlns:r="http://schemas.openxmlformats'
        '.org/officeDocument/2006/relationships"><sheets><sheet name="Rapporter" sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>".encode(),
        "xl/_rels/workbook.xml.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    }
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in minimal.items():
            if name not in parts:
                archive.writestr(name, content)
        for name, write in parts.items():
            with archive.open(name, "w", force_zip64=True) as stream:
                write(stream)


def _header_sheet(stream: Any, rows: str = "") -> None:
    header = "".join(f'<c t="inlineStr"><is><t>{name}</t></is></c>' for name in ("punkt", "omrade", "tidpunkt"))
    stream.write(f'<worksheet xmlns="{SHEET_NS}"><sheetData><row r="1">{header}</row>{rows}'.encode())


def shared_string_bomb(target: Path) -> None:
    def strings(stream: Any) -> None:
        stream.write(f'<sst xmlns="{SHEET_NS}" count="1" uniqueCount="1"><si><t>'.encode())
        chunk = b"a" * (1024 * 1024)
        for _ in range(300):
            stream.write(chunk)
        stream.write(b"</t></si></sst>")

    def sheet(stream: Any) -> None:
        _header_sheet(stream, '<row r="2"><c t="s"><v>0</v></c></row>')
        stream.write(b"</sheetData></worksheet>")

    _bomb(target, {"xl/sharedStrings.xml": strings, "xl/worksheets/sheet1.xml": sheet})


def empty_rows_bomb(target: Path) -> None:
    def sheet(stream: Any) -> None:
        stream.write(f'<worksheet xmlns="{SHEET_NS}"><dimension ref="A1:L3000000"/><sheetData>'.encode())
        stream.write(b'<row r="1"><c t="inlineStr"><is><t>punkt</t></is></c></row>')
        for start in range(2, 3_000_001, 10_000):
            stream.write("".join(f'<row r="{n}"/>' for n in range(start, min(start + 10_000, 3_000_001))).encode())
        stream.write(b"</sheetData></worksheet>")

    _bomb(target, {"xl/worksheets/sheet1.xml": sheet})


def deflate_bomb(target: Path) -> None:
    def zeros(stream: Any) -> None:
        chunk = bytes(1024 * 1024)
        for _ in range(1024):
            stream.write(chunk)

    def sheet(stream: Any) -> None:
        _header_sheet(stream)
        stream.write(b"</sheetData></worksheet>")

    _bomb(target, {"xl/worksheets/sheet1.xml": sheet, "xl/media/image1.png": zeros})


def make_files(workdir: Path, deployment: Any, rows: int, cases: list[str]) -> dict[str, Path]:
    files: dict[str, Path] = {}
    if {"csv", "xlsx"} & set(cases):
        files["csv"] = workdir / f"rapporter-{rows}.csv"
        log(f"generating {rows:,} rows (CSV)")
        generate_csv(files["csv"], rows, catalogue(deployment))
    if "xlsx" in cases:
        files["xlsx"] = workdir / f"rapporter-{rows}.xlsx"
        log("the same rows as XLSX")
        xlsx_of_csv(files["csv"], files["xlsx"])
    makers = {"shared-string": shared_string_bomb, "empty-rows": empty_rows_bomb, "deflate": deflate_bomb}
    for case, make in makers.items():
        if case in cases:
            files[case] = workdir / f"{case}.xlsx"
            log(f"generating the {case} bomb")
            make(files[case])
    if "csv-1m" in cases:
        files["csv-1m"] = workdir / "en-miljon.csv"
        log("generating 1,000,000 rows (CSV)")
        generate_csv(files["csv-1m"], 1_000_000, catalogue(deployment))
    return files


# --- one case, in a child process ----------------------------------------------------------------------------------


def import_once(path: Path, password: str) -> None:
    """Child process: upload ``path`` through the route and wait for its job; print ``RESULT {json}``."""
    from core.app import create_app

    app = create_app()
    client = app.test_client()
    token = client.post("/api/v1/auth/tokens", json={"email": EMAIL, "password": password}).get_json()["token"]
    # Logging in hashes the password with argon2 (64 MB): reset the peak so that it counts from the upload on.
    Path("/proc/self/clear_refs").write_text("5")
    baseline = proc_status_mb("self", "VmRSS")
    headers = {"Authorization": f"Bearer {token}"}
    start = time.perf_counter()
    with path.open("rb") as handle:
        response = client.post(
            f"/api/v1/tenants/{TENANT}/reports/import",
            headers=headers,
            data={"file": (handle, path.name)},
            content_type="multipart/form-data",
        )
    answered = time.perf_counter() - start
    job: dict[str, Any] = {}
    latencies: list[float] = []
    if response.status_code == 202:
        while job.get("status") not in ("finished", "failed"):
            time.sleep(0.2)
            asked = time.perf_counter()
            client.get(f"/api/v1/tenants/{TENANT}/reports?page_size=20", headers=headers)
            latencies.append(time.perf_counter() - asked)
            job = client.get(f"/api/v1/jobs/{response.get_json()['id']}", headers=headers).get_json()
    result = job.get("result") or {}
    outcome = {
        "status": response.status_code,
        "answered_s": answered,
        "job": job.get("status"),
        "rows": result.get("rows"),
        "imported": result.get("imported"),
        "error_count": result.get("error_count"),
        "first_error": (result.get("errors") or [{}])[0].get("message") or job.get("error") or "",
        "seconds": time.perf_counter() - start,
        "baseline_mb": baseline,
        "peak_mb": proc_status_mb("self", "VmHWM"),
        "list_p50_ms": 1000 * statistics.median(latencies) if latencies else None,
        "list_max_ms": 1000 * max(latencies) if latencies else None,
    }
    if response.status_code != 202:
        outcome["first_error"] = (response.get_json(silent=True) or {}).get("message", "")
    print("RESULT " + json.dumps(outcome, ensure_ascii=False), flush=True)


def run_case(path: Path, deployment: Any) -> dict[str, Any]:
    command = [sys.executable, __file__, "--import-once", str(path), "--password", deployment.password]
    env = child_env(deployment.env)
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=1800, check=False)
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line.removeprefix("RESULT "))
    raise RuntimeError(f"{shlex.join(command)} printed no result:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")


# Each case's expected end: imported in full, or refused (by the upload route, or by the job as a whole).
def expected(case: str, outcome: dict[str, Any], rows: int) -> bool:
    if case in ("csv", "xlsx"):
        return outcome["job"] == "finished" and outcome["imported"] == rows
    if case == "csv-1m":
        return outcome["status"] == 413 or (outcome["job"] == "finished" and outcome["imported"] == 0)
    return outcome["job"] == "finished" and outcome["imported"] == 0 and outcome["rows"] == 0


def bench(args: argparse.Namespace) -> int:
    cases = args.case or list(CASES)
    database = f"est_bounds_{os.getpid()}"
    results: list[tuple[str, float, dict[str, Any]]] = []
    with terminate_on_sigterm(), tempfile.TemporaryDirectory(prefix="est-bounds-") as tmp:
        workdir = Path(tmp)
        try:
            log("machine: " + ", ".join(f"{k} {v}" for k, v in machine(database).items()))
            deployment = deploy(database, workdir)
            files = make_files(workdir, deployment, args.rows, cases)
            for case in cases:
                size = files[case].stat().st_size / 1e6
                log(f"{case}: {size:.1f} MB file")
                results.append((case, size, run_case(files[case], deployment)))
                log(f"{case}: {results[-1][2]}")
                with superuser(database) as connection:  # the next case imports into an empty table
                    connection.execute("delete from reports where source = 'import'")
        finally:
            drop_database(database)
    print()
    print(f"load average after the run: {'/'.join(f'{x:.2f}' for x in os.getloadavg())}")
    header = f"{'case':14} {'file MB':>8} {'HTTP':>4} {'job':8} {'rows':>8} {'imported':>8} {'errors':>6}"
    print(f"{header} {'seconds':>8} {'base MB':>8} {'peak MB':>8} {'list ms p50/max':>15}  ok  first error")
    missed = 0
    for case, size, o in results:
        ok = o["peak_mb"] <= TARGET_MB and expected(case, o, args.rows)
        missed += not ok
        latency = f"{o['list_p50_ms']:.0f}/{o['list_max_ms']:.0f}" if o["list_p50_ms"] is not None else "-"
        rows, imported, errors = (o[k] if o[k] is not None else "-" for k in ("rows", "imported", "error_count"))
        print(
            f"{case:14} {size:8.1f} {o['status']:4} {o['job'] or '-':8} {rows:>8} {imported:>8} {errors:>6} "
            f"{o['seconds']:8.1f} {o['baseline_mb']:8.0f} {o['peak_mb']:8.0f} {latency:>15}  {'yes' if ok else 'NO '} "
            f"{o['first_error'][:90]}"
        )
    print(f"target: peak RSS <= {TARGET_MB:.0f} MB for every case, and each ends as expected")
    return 1 if missed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=ROWS, help="rows of the CSV and XLSX cases")
    parser.add_argument("--case", action="append", choices=CASES, help="run only these cases (repeatable)")
    parser.add_argument("--import-once", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--password", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.import_once:
        import_once(args.import_once, args.password)
        return 0
    return bench(args)


if __name__ == "__main__":
    sys.exit(main())
