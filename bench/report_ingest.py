"""Benchmark for the reporting issue: submitting reports, and importing 100,000 old ones. Prints the figures.

    .venv/bin/python bench/report_ingest.py            # full run (3 x 3000 requests per server, 100,000 rows)
    .venv/bin/python bench/report_ingest.py --quick    # short run (3 x 500 requests, 20,000 rows)

On a fresh PostgreSQL database (``.ci/postgres-setup``: an owner role and an application role that owns
nothing, so row-level security applies) with Örebro onboarded and a coordinator account, it measures:

1. ``POST /api/v1/tenants/orebro/reports`` on est under gunicorn (2 sync workers, jobs in-process), against
   the *floor* (``bench/floor_app.py``: the same validated INSERT, as the same role, in a minimal Flask app
   under the same gunicorn set-up). Rounds alternate est / floor so both see the same machine; per server:
   throughput (median of the rounds), p50/p95 latency and errors (anything but 201). Target: est >= 0.5 x floor.
2. A 100,000-row CSV import: end to end through the API (upload, then poll the job; wall seconds and imported
   count), and the same job run directly in a separate Python process for its wall time, phases and peak RSS.
   Targets: <= 20 s wall, <= 300 MB peak RSS.

Missed targets (or ``--profile``) add a cProfile of the direct import and of the report endpoint (Flask test
client, with SQL statement counts). Everything started — servers, database, temp files — is removed at the end,
also on failure. Internal modes (``--direct-import``, ``--profile-api``) are the child processes.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import functools
import http.client
import itertools
import json
import os
import pstats
import random
import resource
import secrets
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from _shared import terminate_on_sigterm

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TENANT = "orebro"
EMAIL = "samordnare@orebro.bench.est"
ZONE = ZoneInfo("Europe/Stockholm")
PGHOST = os.environ.get("PGHOST", "127.0.0.1")
REPORTS_PATH = f"/api/v1/tenants/{TENANT}/reports"
FULL_ROWS = 100_000
TARGET_RATIO = 0.5
TARGET_IMPORT_SECONDS = 20.0
TARGET_IMPORT_MB = 300.0
GUNICORN_TIMEOUT = 600
COMMENT = "Krossad glasruta i entrén till tvättstugan, glassplitter på marken utanför."
PLACE = {"text": "Vivallaringen, vid lekplatsen", "lat": 59.27, "lon": 15.21}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def mb(kilobytes: float) -> float:
    return kilobytes / 1024


def max_rss_mb() -> float:
    """Peak RSS of this process so far (``ru_maxrss`` is in KB on Linux)."""
    return mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def proc_status_mb(pid: int | str, key: str) -> float:
    """A memory figure (``VmRSS``, ``VmHWM`` = peak RSS) of a process from /proc, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{key}:"):
            return mb(int(line.split()[1]))
    raise LookupError(f"{key} not in /proc/{pid}/status")


# --- processes and the database ------------------------------------------------------------------------------


def child_env(extra: dict[str, str]) -> dict[str, str]:
    """This environment without any EST_* (no inherited Redis, database or secret), plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EST_")}
    env.update(extra)
    return env


def run(command: list[str], env: dict[str, str], timeout: float = 300) -> str:
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{shlex.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result.stdout


def superuser(database: str) -> psycopg.Connection:
    """A superuser connection (bypasses row-level security): set-up checks and clean-up only."""
    return psycopg.connect(f"postgresql://postgres@{PGHOST}/{database}", autocommit=True)


def drop_database(database: str) -> None:
    with superuser("postgres") as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Deployment:
    database: str
    env: dict[str, str]  # EST_* for est processes: the application role, no Redis
    tenant_id: int
    user_id: int
    password: str
    area_ids: dict[str, int]


def deploy(database: str, workdir: Path) -> Deployment:
    """A fresh database, migrated, with Örebro onboarded and a coordinator — all through est's own commands."""
    exports: dict[str, str] = {}
    for line in run([str(REPO / ".ci" / "postgres-setup"), database], child_env({})).splitlines():
        if line.startswith("export "):
            key, _, value = line.removeprefix("export ").partition("=")
            exports[key] = value
    instance = workdir / "instance"
    instance.mkdir()
    env = {**exports, "EST_SECRET_KEY": secrets.token_urlsafe(32), "EST_INSTANCE_PATH": str(instance)}
    est = str(BIN / "est")
    run([est, "db", "upgrade"], child_env(env))
    tenants = workdir / "tenants"
    tenants.mkdir()
    shutil.copy(REPO / "tenants" / f"{TENANT}.toml", tenants)
    run([est, "tenants", "sync", "--dir", str(tenants)], child_env(env))
    password = secrets.token_urlsafe(18)
    run([est, "users", "create", EMAIL, "--password", password, "--tenant", TENANT, "--role", "coordinator"],
        child_env(env))  # fmt: skip
    with superuser(database) as connection:
        tenant_id = connection.execute("select id from tenants where slug = %s", (TENANT,)).fetchone()[0]
        user_id = connection.execute("select id from users where email = %s", (EMAIL,)).fetchone()[0]
        areas = dict(connection.execute("select key, id from areas where tenant_id = %s", (tenant_id,)).fetchall())
    return Deployment(database, env, tenant_id, user_id, password, areas)


class Server:
    """``gunicorn -w 2`` in its own process group (so stopping it stops its workers)."""

    def __init__(self, name: str, app: str, env: dict[str, str], logdir: Path) -> None:
        self.name = name
        self.port = free_port()
        self.command = [
            str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{self.port}", "--timeout", str(GUNICORN_TIMEOUT),
            "--no-control-socket", app,
        ]  # fmt: skip
        self.env = env
        self.logfile = logdir / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.logfile.open("wb") as output:
            self.process = subprocess.Popen(
                self.command, cwd=REPO, env=self.env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )

    def wait_ready(self, method: str, path: str, timeout: float = 60) -> None:
        """Until a worker answers anything at all."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited at start-up:\n{self.log_tail()}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request(method, path)
                connection.getresponse().read()
                connection.close()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer within {timeout} s:\n{self.log_tail()}")

    def workers(self) -> list[int]:
        if self.process is None:
            return []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def log_tail(self, lines: int = 40) -> str:
        if not self.logfile.exists():
            return ""
        return "\n".join(self.logfile.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.process.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue


# --- load ----------------------------------------------------------------------------------------------------


@dataclass
class Round:
    server: str
    requests: int
    seconds: float
    latencies: list[float]  # seconds, every request that got a response
    errors: list[tuple[float, str]]  # (when, what), anything but 201

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds


def load(name: str, port: int, path: str, body: bytes, headers: dict[str, str], total: int, threads: int) -> Round:
    """``total`` POSTs from ``threads`` threads, each on one persistent ``http.client`` connection (reopened
    by http.client whenever the server closes it — gunicorn's sync workers close after every response)."""
    counter = itertools.count()
    latencies: list[float] = []
    errors: list[tuple[float, str]] = []
    lock = threading.Lock()

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        mine: list[float] = []
        failed: list[tuple[float, str]] = []
        try:
            while next(counter) < total:
                start = time.perf_counter()
                try:
                    connection.request("POST", path, body=body, headers=headers)
                    response = connection.getresponse()
                    data = response.read()
                except (OSError, http.client.HTTPException) as error:
                    connection.close()
                    failed.append((start, f"{type(error).__name__}: {error}"))
                    continue
                mine.append(time.perf_counter() - start)
                if response.status != 201:
                    failed.append((start, f"HTTP {response.status}: {data[:600].decode(errors='replace')}"))
        finally:
            connection.close()
            with lock:
                latencies.extend(mine)
                errors.extend(failed)

    workers = [threading.Thread(target=client, name=f"{name}-{i}") for i in range(threads)]
    start = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return Round(name, total, time.perf_counter() - start, latencies, errors)


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


@dataclass
class ServerFigures:
    name: str
    rounds: list[Round] = field(default_factory=list)

    @property
    def throughput(self) -> float:
        return statistics.median(r.throughput for r in self.rounds)

    @property
    def latencies(self) -> list[float]:
        return [latency for r in self.rounds for latency in r.latencies]

    @property
    def errors(self) -> list[tuple[float, str]]:
        return sorted(error for r in self.rounds for error in r.errors)


def report_body(area_id: int) -> bytes:
    occurred = (datetime.now(ZONE) - timedelta(hours=3)).replace(microsecond=0)
    body = {
        "item": "skadegorelse",
        "area": area_id,
        "occurred_at": occurred.isoformat(),
        "severity": 2,
        "comment": COMMENT,
        "place": PLACE,
    }
    return json.dumps(body, ensure_ascii=False).encode()


def api_json(port: int, method: str, path: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        connection.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        connection.close()


def token_for(port: int, password: str) -> str:
    status, data = api_json(port, "POST", "/api/v1/auth/tokens", {"email": EMAIL, "password": password})
    if status != 201:
        raise RuntimeError(f"POST /api/v1/auth/tokens: {status} {data}")
    return data["token"]


# --- the import file -----------------------------------------------------------------------------------------


@dataclass
class Catalogue:
    """The tenant's vocabulary, as the import file may name it."""

    items: list[tuple[str, str]]  # (key, text)
    areas: list[tuple[str, str]]  # (key, name)
    organisations: list[str]
    functions: list[tuple[str, str]]  # (key, organisation key)
    severities: list[str]


def catalogue(deployment: Deployment) -> Catalogue:
    with superuser(deployment.database) as connection:
        tenant = deployment.tenant_id
        content = connection.execute(
            "select content from checklist_versions where tenant_id = %s and status = 'published' "
            "order by number desc limit 1",
            (tenant,),
        ).fetchone()[0]
        areas = connection.execute("select key, name from areas where tenant_id = %s and active", (tenant,)).fetchall()
        organisations = dict(
            connection.execute("select id, key from organisations where tenant_id = %s and active", (tenant,))
        )
        functions = connection.execute(
            "select key, organisation_id from reporter_functions where tenant_id = %s and active", (tenant,)
        ).fetchall()
        scale = connection.execute("select severity_scale from tenants where id = %s", (tenant,)).fetchone()[0]
    items = [
        (item["key"], item["text"])
        for section in content["sections"]
        if section.get("answered_by") is None
        for item in section["items"]
        if not item.get("retired")
    ]
    return Catalogue(
        items=items,
        areas=[(k, n) for k, n in areas],
        organisations=sorted(organisations.values()),
        functions=[(k, organisations[o]) for k, o in functions if o in organisations],
        severities=list(scale),
    )


STREETS = {
    "vivalla": ["Vivallaringen", "Vivalla centrum", "Lertagsgatan", "Bettorpsgatan", "Ekersvägen", "Trumpetarevägen",
                "gångtunneln under Vivallaleden", "lekplatsen vid Vivallaringen", "tvättstugan, Lertagsgatan"],
    "": ["Stortorget", "Järntorget", "Drottninggatan", "Olaigatan", "Resecentrum", "Brickebacken centrum",
         "Varberga centrum", "Oxhagsplan", "Markbacken torg", "Baronbackarna", "Stadsparken", "Rudbecksgatan",
         "Hagagatan", "Svampen, Dalbygatan", "Tybble centrum", "Mikaelsplan", "Ånstaleden, busshållplatsen"],
}  # fmt: skip
CENTRES = {"vivalla": (59.2885, 15.1040), "": (59.2741, 15.2066)}
COMMENTS = [
    "Krossad ruta i entrén", "Klotter på fasaden mot parkeringen", "Nedskräpning vid återvinningsstationen",
    "Brand i papperskorg", "Bilbrand på parkeringen", "Ungdomar samlades vid busshållplatsen",
    "Trasig belysning i gångtunneln", "Stökigt vid kiosken", "Mopeder kör på gångvägen",
    "Glaskross på lekplatsen", "Rykten i sociala medier om bråk", "Oro bland boende efter händelsen",
    "Personal hindrades från att utföra sitt arbete", "Fyrverkerier avfyrades mot fasaden",
    "Sprutor hittade i buskaget", "Uppbrutet förråd i källaren", "Grupp om tio personer i trapphuset",
    "Klotter i hissen", "Skadad dörr till soprummet", "Lugnt och stillsamt, många barnfamiljer ute",
    "Arrangemang på torget med god stämning", "Hot mot fastighetsskötare", "Stenkastning mot buss",
    "Bråk utanför pizzerian", "Otrygg plats på grund av dålig belysning", "Skräp och bildäck vid garagen",
]  # fmt: skip
WHEN = ["", " under kvällen", " under natten", " på morgonen", " vid flera tillfällen", " efter skolans slut",
        ", har rapporterats tidigare", ", anmält till polisen", ", boende har hört av sig"]  # fmt: skip
EARLY = ["Fastighetsskötare kontaktad", "Sanerat klottret", "Anmält till polisen", "Bytt belysning",
         "Fältgruppen har varit på plats", "Städning beställd", "Låset lagat samma dag"]  # fmt: skip


def generate_csv(path: Path, count: int, cat: Catalogue, seed: int = 2026) -> None:
    """``count`` distinct, realistic rows in the import format: Swedish headers, semicolons, UTF-8 with BOM (as
    Excel writes it); items by key or text, areas by key or name, local times over two years or ISO with offset,
    severities as numbers or labels, places as text and/or points (some with decimal commas)."""
    rng = random.Random(seed)
    end = datetime.now(UTC) - timedelta(days=1)
    span = int(timedelta(days=730).total_seconds() // 60)
    seen: set[tuple] = set()
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["punkt", "omrade", "tidpunkt", "till", "allvarlighetsgrad", "plats", "lat", "lon",
                         "kommentar", "tidiga_atgarder", "organisation", "funktion"])  # fmt: skip
        while len(seen) < count:
            item_key, item_text = rng.choice(cat.items)
            area_key, area_name = rng.choice(cat.areas)
            moment = (end - timedelta(minutes=rng.randrange(span))).astimezone(ZONE)
            until = moment + timedelta(minutes=rng.randrange(15, 300)) if rng.random() < 0.15 else None
            severity = rng.choices(range(1, len(cat.severities) + 1), weights=[35, 35, 20, 10][: len(cat.severities)])
            severity_number = severity[0]
            streets = STREETS["vivalla" if area_key == "vivalla" else ""]
            place = rng.choice(streets) + (f" {rng.randint(1, 120)}" if rng.random() < 0.4 else "")
            lat = lon = None
            shape = rng.random()
            if shape < 0.35:
                centre = CENTRES["vivalla" if area_key == "vivalla" else ""]
                lat = round(centre[0] + rng.uniform(-0.02, 0.02), 5)
                lon = round(centre[1] + rng.uniform(-0.04, 0.04), 5)
                if shape < 0.08:
                    place = ""
            comment = "" if rng.random() < 0.1 else rng.choice(COMMENTS) + rng.choice(WHEN) + "."
            early = rng.choice(EARLY) + "." if rng.random() < 0.2 else ""
            organisation = function = ""
            who = rng.random()
            if who < 0.5 and cat.functions:
                function, organisation = rng.choice(cat.functions)
            elif who < 0.7 and cat.functions:
                function = rng.choice(cat.functions)[0]
            elif who < 0.8 and cat.organisations:
                organisation = rng.choice(cat.organisations)
            minute = moment.replace(second=0, microsecond=0)
            key = (item_key, area_key, minute, until and until.replace(second=0, microsecond=0), severity_number,
                   place, lat, lon, comment, early, organisation, function)  # fmt: skip
            if key in seen:
                continue
            seen.add(key)
            decimal_comma = rng.random() < 0.3
            writer.writerow([
                item_text if rng.random() < 0.1 else item_key,
                area_name if rng.random() < 0.1 else area_key,
                minute.isoformat() if rng.random() < 0.15 else minute.strftime("%Y-%m-%d %H:%M"),
                until.strftime("%Y-%m-%d %H:%M") if until else "",
                cat.severities[severity_number - 1] if rng.random() < 0.25 else str(severity_number),
                place,
                "" if lat is None else (str(lat).replace(".", ",") if decimal_comma else str(lat)),
                "" if lon is None else (str(lon).replace(".", ",") if decimal_comma else str(lon)),
                comment,
                early,
                organisation,
                function,
            ])  # fmt: skip


def multipart(filename: str, data: bytes, content_type: str) -> tuple[bytes, str]:
    boundary = f"est-bench-{secrets.token_hex(12)}"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


@dataclass
class ApiImport:
    seconds: float
    upload_seconds: float  # until the POST answered (the job runs in-process, inside the request)
    job: dict[str, Any]


def import_via_api(port: int, token: str, csv_path: Path) -> ApiImport:
    body, content_type = multipart(csv_path.name, csv_path.read_bytes(), "text/csv")
    start = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=GUNICORN_TIMEOUT)
    try:
        connection.request(
            "POST",
            f"{REPORTS_PATH}/import",
            body=body,
            headers={"Authorization": f"Bearer {token}", "Content-Type": content_type},
        )
        response = connection.getresponse()
        answer = response.read()
    finally:
        connection.close()
    upload_seconds = time.perf_counter() - start
    if response.status != 202:
        raise RuntimeError(f"import upload: HTTP {response.status}: {answer[:2000].decode(errors='replace')}")
    job_id = json.loads(answer)["id"]
    while True:
        status, job = api_json(port, "GET", f"/api/v1/jobs/{job_id}", token=token)
        if status != 200:
            raise RuntimeError(f"GET /api/v1/jobs/{job_id}: {status} {job}")
        if job["status"] in ("finished", "failed"):
            return ApiImport(time.perf_counter() - start, upload_seconds, job)
        time.sleep(0.1)


# --- child processes: the import job run directly, and a profile of the report endpoint --------------------------


def _top(profiler: cProfile.Profile, key: str, limit: int) -> str:
    """A compact cProfile table: seconds cumulative, seconds own, calls, function."""
    stats = pstats.Stats(profiler)
    rows = sorted(stats.stats.items(), key=lambda kv: kv[1][3 if key == "cumulative" else 2], reverse=True)  # type: ignore[attr-defined]
    lines = [f"  {'cum s':>8} {'own s':>8} {'calls':>9}  function  (top {limit} by {key})"]
    for (filename, line, name), (_, calls, own, cumulative, _) in rows[:limit]:
        where = filename
        for prefix in (str(REPO) + "/", "site-packages/"):
            if prefix in where:
                where = where.split(prefix, 1)[1]
        lines.append(f"  {cumulative:8.2f} {own:8.2f} {calls:9d}  {where}:{line}({name})")
    return "\n".join(lines)


def _instrument(module: ModuleType, names: tuple[str, ...], marks: dict[str, float], rss: dict[str, float]) -> None:
    """Wrap module functions to record when they start and end, and the peak RSS by then (no core change:
    ``run_import`` looks these names up in its module at call time)."""

    def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            marks.setdefault(f"{name}.start", time.perf_counter())
            rss.setdefault(f"{name}.start", max_rss_mb())
            try:
                return fn(*args, **kwargs)
            finally:
                marks[f"{name}.end"] = time.perf_counter()
                rss[f"{name}.end"] = max_rss_mb()

        return wrapper

    for name in names:
        setattr(module, name, timed(name, getattr(module, name)))


def direct_import(csv_path: Path, tenant_id: int, user_id: int, profile: bool) -> None:
    """Child process: run the import job in-process (no Redis) exactly as the upload route does, and print
    ``RESULT {json}`` with wall time, phases and RSS."""
    from core.app import create_app
    from core.db import app_session
    from core.jobs import enqueue
    from core.jobs.models import Job
    from core.reports import importer
    from core.reports.models import ReportImport
    from core.tenancy import tenant_context

    app = create_app()
    baseline_rss, baseline_peak = proc_status_mb("self", "VmRSS"), max_rss_mb()
    marks: dict[str, float] = {}
    rss: dict[str, float] = {}
    _instrument(importer, ("rows", "_insert"), marks, rss)
    profiler = cProfile.Profile() if profile else None
    with app.app_context():
        db = app_session()
        start = time.perf_counter()
        with tenant_context(tenant_id, db):
            upload = ReportImport(filename=csv_path.name, format="csv", data=csv_path.read_bytes(), uploaded_by=user_id)
            db.add(upload)
            db.commit()
        marks["uploaded"] = time.perf_counter()
        if profiler is not None:
            profiler.enable()
        job_id = enqueue(importer.run_import, tenant=tenant_id, created_by=user_id, import_id=upload.id)
        if profiler is not None:
            profiler.disable()
        end = time.perf_counter()
        with tenant_context(tenant_id, db):  # jobs are under the tenant wall
            job = db.get(Job, job_id)
        status, result, error = job.status, job.result, job.error
    if profiler is not None:
        print(_top(profiler, "tottime", 25))
        print(_top(profiler, "cumulative", 30))

    def span(a: str, b: str) -> float:
        return marks.get(b, end) - marks.get(a, start)

    phases = {
        "store the upload (ReportImport row)": span("start", "uploaded"),
        "job start, load upload, reporting context": span("uploaded", "rows.start"),
        "read + check every row": span("rows.start", "_insert.start"),
        "insert, skipping rows imported before (COPY + INSERT … SELECT … ON CONFLICT)": span(
            "_insert.start", "_insert.end"
        ),
        "commit + job record": span("_insert.end", "end"),
    }
    print(
        "RESULT "
        + json.dumps(
            {
                "status": status,
                "error": error,
                "result": {k: v for k, v in (result or {}).items() if k != "errors"},
                "errors": (result or {}).get("errors", [])[:5],
                "seconds": end - start,
                "phases": phases,
                "baseline_rss_mb": baseline_rss,
                "baseline_peak_mb": baseline_peak,
                "peak_rss_mb": max_rss_mb(),
                "peak_after_check_mb": rss.get("_insert.start"),
                "profiled": profile,
            }
        ),
        flush=True,
    )


def profile_api(area_id: int, requests: int) -> None:
    """Child process: the report endpoint through Flask's test client (no HTTP server), under cProfile, with
    the SQL statements one request makes."""
    from sqlalchemy import event

    from core.app import create_app

    app = create_app()
    engine = app.extensions["est.engine"]
    statements: list[tuple[str, float]] = []
    started: dict[int, float] = {}

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        started[id(cursor)] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        statements.append((statement, time.perf_counter() - started.pop(id(cursor), time.perf_counter())))

    client = app.test_client()
    password = os.environ["BENCH_PASSWORD"]
    token = client.post("/api/v1/auth/tokens", json={"email": EMAIL, "password": password}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    body = report_body(area_id)
    for _ in range(50):
        assert client.post(REPORTS_PATH, data=body, headers=headers).status_code == 201
    statements.clear()
    client.post(REPORTS_PATH, data=body, headers=headers)
    print(f"SQL statements in one POST {REPORTS_PATH}: {len(statements)}")
    for statement, seconds in statements:
        print(f"  {seconds * 1000:6.2f} ms  {' '.join(statement.split())[:150]}")
    statements.clear()
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    for _ in range(requests):
        client.post(REPORTS_PATH, data=body, headers=headers)
    profiler.disable()
    seconds = time.perf_counter() - start
    sql = sum(s for _, s in statements)
    print(
        f"{requests} requests in-process under cProfile: {seconds / requests * 1000:.2f} ms/request, "
        f"{len(statements) / requests:.1f} SQL statements/request, {sql / requests * 1000:.2f} ms/request in "
        f"cursor.execute (incl. round trip)"
    )
    print(_top(profiler, "tottime", 25))
    print(_top(profiler, "cumulative", 40))


# --- the benchmark -----------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What the summary needs."""

    command: str
    machine: dict[str, str]
    requests: int = 0
    rounds: int = 0
    threads: int = 0
    est: ServerFigures = field(default_factory=lambda: ServerFigures("est"))
    floor: ServerFigures = field(default_factory=lambda: ServerFigures("floor"))
    rows: int = 0
    csv_mb: float = 0.0
    api_import: ApiImport | None = None
    worker_peak_mb: float | None = None
    direct: dict[str, Any] | None = None


def machine(database: str) -> dict[str, str]:
    with superuser("postgres") as connection:
        version = connection.execute("show server_version").fetchone()[0]
    return {
        "nproc": str(os.cpu_count()),
        "python": sys.version.split()[0],
        "postgresql": version,
        "database": database,
        "loadavg": "/".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def direct_run(deployment: Deployment, csv_path: Path, profile: bool) -> dict[str, Any]:
    """Run the import in a fresh child process (after removing earlier imported rows, so it imports them all)."""
    with superuser(deployment.database) as connection:
        connection.execute("delete from reports where source = 'import'")
        connection.execute("vacuum analyze reports")
    command = [sys.executable, __file__, "--direct-import", str(csv_path), "--tenant-id", str(deployment.tenant_id),
               "--user-id", str(deployment.user_id)] + (["--profile"] if profile else [])  # fmt: skip
    output = run(command, child_env(deployment.env), timeout=1800)
    result: dict[str, Any] = {}
    for line in output.splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line.removeprefix("RESULT "))
        elif profile:
            print(line)
    if not result:
        raise RuntimeError(f"direct import printed no result:\n{output}")
    return result


def throughput(
    outcome: Outcome, est: Server, floor: Server, token: str, area_id: int, warmup: int, requests: int, rounds: int,
    threads: int,
) -> None:  # fmt: skip
    body = report_body(area_id)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    targets = ((outcome.est, est, REPORTS_PATH), (outcome.floor, floor, "/reports"))
    for figures, server, path in targets:
        warm = load(figures.name, server.port, path, body, headers, warmup, threads)
        log(f"warm-up {figures.name}: {warmup} requests, {len(warm.errors)} errors")
        if warm.errors:
            raise RuntimeError(f"{figures.name} fails during warm-up: {warm.errors[0][1]}")
    for number in range(1, rounds + 1):
        for figures, server, path in targets:
            result = load(figures.name, server.port, path, body, headers, requests, threads)
            figures.rounds.append(result)
            log(
                f"round {number} {figures.name:<5}: {result.throughput:7.1f} req/s, "
                f"p50 {percentile(result.latencies, 0.5) * 1000:6.1f} ms, "
                f"p95 {percentile(result.latencies, 0.95) * 1000:6.1f} ms, {len(result.errors)} errors"
            )


def verdict(ok: bool, applies: bool = True) -> str:
    return ("PASS" if ok else "FAIL") if applies else "info"


def summary(outcome: Outcome) -> list[tuple[str, str, str, str, str]]:
    """Lines of (what, est, floor, target, result)."""
    lines: list[tuple[str, str, str, str, str]] = []
    est, floor = outcome.est, outcome.floor
    if est.rounds and floor.rounds:
        ratio = est.throughput / floor.throughput
        per_round = " ".join(
            f"{e.throughput / f.throughput:.2f}" for e, f in zip(est.rounds, floor.rounds, strict=True)
        )
        lines += [
            ("POST report throughput, req/s (median)", f"{est.throughput:.1f}", f"{floor.throughput:.1f}", "", ""),
            ("  p50 latency, ms", f"{percentile(est.latencies, 0.5) * 1000:.1f}",
             f"{percentile(floor.latencies, 0.5) * 1000:.1f}", "", ""),
            ("  p95 latency, ms", f"{percentile(est.latencies, 0.95) * 1000:.1f}",
             f"{percentile(floor.latencies, 0.95) * 1000:.1f}", "", ""),
            ("  errors (non-201)", str(len(est.errors)), str(len(floor.errors)), "0",
             verdict(not est.errors and not floor.errors)),
            ("  throughput ratio est/floor", f"{ratio:.2f}", "", f">= {TARGET_RATIO}", verdict(ratio >= TARGET_RATIO)),
            ("  ratio per round (machine noise)", per_round, "", "", "info"),
        ]  # fmt: skip
    full = outcome.rows == FULL_ROWS
    if outcome.api_import is not None:
        job = outcome.api_import.job
        imported = (job.get("result") or {}).get("imported", 0)
        seconds = outcome.api_import.seconds
        lines += [
            (f"import {outcome.rows:,} rows via API, wall s", f"{seconds:.1f}", "", f"<= {TARGET_IMPORT_SECONDS:.0f}",
             verdict(seconds <= TARGET_IMPORT_SECONDS, full)),
            ("  imported rows (job status)", f"{imported:,} ({job['status']})", "", f"{outcome.rows:,}",
             verdict(imported == outcome.rows and job["status"] == "finished")),
        ]  # fmt: skip
        if outcome.worker_peak_mb is not None:
            peak = f"{outcome.worker_peak_mb:.0f}"
            lines.append(("  est gunicorn worker peak RSS (VmHWM), MB", peak, "", "", "info"))
    if outcome.direct is not None:
        direct = outcome.direct
        imported = direct["result"].get("imported", 0)
        lines += [
            (f"import {outcome.rows:,} rows direct, wall s", f"{direct['seconds']:.1f}", "",
             f"<= {TARGET_IMPORT_SECONDS:.0f}", verdict(direct["seconds"] <= TARGET_IMPORT_SECONDS, full)),
            ("  imported rows (job status)", f"{imported:,} ({direct['status']})", "", f"{outcome.rows:,}",
             verdict(imported == outcome.rows and direct["status"] == "finished")),
            ("  peak RSS of the process, MB", f"{direct['peak_rss_mb']:.0f}", "", f"<= {TARGET_IMPORT_MB:.0f}",
             verdict(direct["peak_rss_mb"] <= TARGET_IMPORT_MB, full)),
            ("  baseline RSS after create_app, MB", f"{direct['baseline_rss_mb']:.0f}", "", "", ""),
            ("  peak RSS after checking all rows, MB", f"{direct['peak_after_check_mb'] or 0:.0f}", "", "", ""),
        ]  # fmt: skip
    return lines


def print_summary(outcome: Outcome) -> list[str]:
    """Print the summary; returns the failed lines."""
    lines = summary(outcome)
    print()
    print("=" * 100)
    print("SUMMARY  report_ingest")
    print(f"command:  {outcome.command}")
    print("machine:  " + ", ".join(f"{k} {v}" for k, v in outcome.machine.items()) + " (at start)")
    print("loadavg:  " + "/".join(f"{x:.2f}" for x in os.getloadavg()) + " (now; 1/5/15 min)")
    if outcome.requests:
        print(
            f"load:     {outcome.rounds} rounds x {outcome.requests} requests per server, {outcome.threads} client "
            f"threads (http.client), gunicorn -w 2 (sync) for both"
        )
    if outcome.rows:
        print(f"import:   {outcome.rows:,} rows, {outcome.csv_mb:.1f} MB CSV, jobs in-process (no Redis)")
    print("-" * 100)
    print(f"{'':<44}{'est':>16}{'floor':>10}{'target':>12}{'result':>9}")
    for what, est, floor, target, result in lines:
        print(f"{what:<44}{est:>16}{floor:>10}{target:>12}{result:>9}")
    if outcome.direct is not None:
        print("-" * 100)
        print("direct import phases (s):")
        for phase, seconds in outcome.direct["phases"].items():
            print(f"  {phase:<50}{seconds:8.2f}")
    for figures in (outcome.est, outcome.floor):
        if figures.errors:
            print(f"first {figures.name} error: {figures.errors[0][1]}")
    if outcome.api_import is not None and (outcome.api_import.job.get("result") or {}).get("errors"):
        print(f"import errors (first 5): {outcome.api_import.job['result']['errors'][:5]}")
    print("=" * 100, flush=True)
    return [line[0].strip() for line in lines if line[4] == "FAIL"]


def bench(args: argparse.Namespace) -> int:
    quick = args.quick
    requests = args.requests or (500 if quick else 3000)
    warmup = 50 if quick else 200
    rows = args.rows or (20_000 if quick else FULL_ROWS)
    database = f"est_bench_{os.getpid()}"
    outcome = Outcome(command=shlex.join([os.path.relpath(sys.executable, REPO), *sys.argv]), machine={})
    outcome.requests, outcome.rounds, outcome.threads, outcome.rows = requests, args.rounds, args.threads, rows
    servers: list[Server] = []
    with terminate_on_sigterm(), tempfile.TemporaryDirectory(prefix="est-bench-") as tmp:
        workdir = Path(tmp)
        try:
            outcome.machine = machine(database)
            log("machine: " + ", ".join(f"{k} {v}" for k, v in outcome.machine.items()))
            log(f"creating database {database}: postgres-setup, est db upgrade, tenants sync, users create")
            deployment = deploy(database, workdir)
            area_id = deployment.area_ids["vivalla"]
            est_env = child_env(deployment.env)
            floor_env = child_env({
                "FLOOR_DSN": deployment.env["EST_DATABASE_URL"],
                "FLOOR_TENANT": TENANT,
                "FLOOR_USER_ID": str(deployment.user_id),
            })  # fmt: skip
            est = Server("est", "wsgi:app", est_env, workdir)
            floor = Server("floor", "bench.floor_app:app", floor_env, workdir)
            servers += [est, floor]
            for server in servers:
                server.start()
            est.wait_ready("GET", "/api/v1/openapi.json")
            floor.wait_ready("GET", "/reports")
            log(f"est:   {shlex.join(est.command)}  (port {est.port})")
            log(f"floor: {shlex.join(floor.command)}  (port {floor.port})")
            token = token_for(est.port, deployment.password)

            throughput(outcome, est, floor, token, area_id, warmup, requests, args.rounds, args.threads)
            with superuser(database) as connection:
                stored = connection.execute("select count(*) from reports where source = 'api'").fetchone()[0]
            expected = 2 * (warmup + args.rounds * requests) - len(outcome.est.errors) - len(outcome.floor.errors)
            log(f"reports stored by the load: {stored} (expected {expected})")
            floor.stop()

            csv_path = workdir / "rapporter.csv"
            cat = catalogue(deployment)
            generate_csv(csv_path, rows, cat)
            outcome.csv_mb = csv_path.stat().st_size / 1024 / 1024
            log(f"import file: {rows:,} rows, {outcome.csv_mb:.1f} MB; uploading to est")
            outcome.api_import = import_via_api(est.port, token, csv_path)
            job = outcome.api_import.job
            counts = {k: v for k, v in (job.get("result") or {}).items() if k != "errors"}
            log(f"API import: {outcome.api_import.seconds:.1f} s, job {job['status']}, {counts} {job.get('error', '')}")
            outcome.worker_peak_mb = max(proc_status_mb(pid, "VmHWM") for pid in est.workers())
            est.stop()

            log("direct import in a separate process")
            outcome.direct = direct_run(deployment, csv_path, profile=False)
            log(f"direct import: {outcome.direct['seconds']:.1f} s, peak RSS {outcome.direct['peak_rss_mb']:.0f} MB")
            failed = print_summary(outcome)

            if args.profile or (failed and not quick):
                print("\nPROFILE: direct import under cProfile (times inflated by the profiler)", flush=True)
                profiled = direct_run(deployment, csv_path, profile=True)
                print("profiled phases (s): " + ", ".join(f"{k}: {v:.1f}" for k, v in profiled["phases"].items()))
                print(f"\nPROFILE: POST {REPORTS_PATH} in-process (Flask test client)", flush=True)
                env = child_env({**deployment.env, "BENCH_PASSWORD": deployment.password})
                command = [sys.executable, __file__, "--profile-api", "--area-id", str(area_id)]
                print(run(command, env, timeout=900), flush=True)
                print_summary(outcome)
            return 1 if failed else 0
        except BaseException:
            for server in servers:
                tail = server.log_tail()
                if tail:
                    print(f"--- {server.name} log (tail)\n{tail}", file=sys.stderr)
            raise
        finally:
            for server in servers:
                server.stop()
            drop_database(database)
            log(f"cleaned up: servers stopped, database {database} dropped")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="short run: 3 x 500 requests, 20,000 rows")
    parser.add_argument("--requests", type=int, default=0, help="requests per server per round (3000; quick 500)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating est/floor rounds (3)")
    parser.add_argument("--threads", type=int, default=8, help="client threads (8)")
    parser.add_argument("--rows", type=int, default=0, help=f"import rows ({FULL_ROWS:,}; quick 20,000)")
    parser.add_argument("--profile", action="store_true", help="always profile (otherwise only on a missed target)")
    parser.add_argument("--direct-import", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--profile-api", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--tenant-id", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--user-id", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--area-id", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.threads < 1 or args.rounds < 1 or args.requests < 0 or args.rows < 0:
        parser.error("--threads and --rounds must be at least 1; --requests and --rows not negative")
    if args.direct_import:
        direct_import(args.direct_import, args.tenant_id, args.user_id, args.profile)
        return 0
    if args.profile_api:
        profile_api(args.area_id, 300)
        return 0
    return bench(args)


if __name__ == "__main__":
    sys.exit(main())
