"""Server time of the coordinators' pages on the compile benchmark's big database. Prints figures.

    .venv/bin/python bench/page_times.py                       # est_lagesbild, 200 requests a page
    .venv/bin/python bench/page_times.py --requests 50 --explain

The database is the one ``bench/lagesbild_compile.py --reuse est_lagesbild`` seeded and kept (300 tenants x 5 years,
~7.8 M reports; its ``.ci/postgres-setup`` roles: ``est_owner`` owns the tables, the app connects as ``est_app`` under
row-level security). This script only reads it, except for what a coordinator needs to log in: ``est users create
page-times@bench.invalid --tenant <the middle tenant> --role coordinator`` (a user, its membership; run again, it
only resets the password) and the login session rows each run's login adds. Nothing else is written, nothing dropped.

How: ``create_app()`` in this process on that database (the app role, as a server runs it), a coordinator logged in
through the login form with Flask's test client, then each page requested ``--requests`` times in turn after a
warm-up. The time taken is the **server's**: a WSGI middleware around the app measures from the call of the app to
the end of its response body (routing, the tenant binding, the session, the queries, the template), so the test
client's own work is not counted. Printed per page: p50 and p95 in ms, against the target p95 <= 100 ms, and the
median CPU time of the serving thread (the Python side alone: what stays when the machine is shared and the wall
times swell with the load average, which is printed too). With
``--explain``: ``EXPLAIN (ANALYZE, BUFFERS)`` of the statements one request of each page issues, as the app role in
the tenant's context.

Pages: the tenant home of a coordinator, the report list's first page (unfiltered, and filtered by a range of
periods and an area, and by severity and lateness), and the page of the tenant's latest compiled weekly joint
lägesbild (``/t/<slug>/lagesbilder/<id>``: the internal version, with its charts, 12-period trend and strips).

Exit status 1 when a page misses the target.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import psycopg

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(BENCH))

from lagesbild_compile import SLUG_PREFIX, ZONE, child_env, est_env, percentile, superuser  # noqa: E402

TARGET_P95_MS = 100.0
EMAIL = "page-times@bench.invalid"
PASSWORD = "page-times-bench-1-Lösen"


class Site:
    """What a page's address may depend on: the tenant, its areas, its latest week."""

    def __init__(self, slug: str, tenant_id: int, area_id: int, last_monday: date, picture_id: int) -> None:
        self.slug, self.tenant_id, self.area_id, self.last_monday = slug, tenant_id, area_id, last_monday
        self.picture_id = picture_id

    def period(self, weeks_back: int) -> str:
        year, week, _day = (self.last_monday - timedelta(weeks=weeks_back)).isocalendar()
        return f"{year}-W{week:02d}"


PAGES: dict[str, Callable[[Site], str]] = {
    "tenant home (coordinator)": lambda s: f"/t/{s.slug}/",
    "report list, first page": lambda s: f"/t/{s.slug}/rapporter",
    "report list, 12 periods + area, first page": (
        lambda s: f"/t/{s.slug}/rapporter?period_from={s.period(11)}&period_to={s.period(0)}&area={s.area_id}"
    ),
    "report list, severity 4 + late, first page": lambda s: f"/t/{s.slug}/rapporter?severity=4&late=false",
    "weekly lägesbild page": lambda s: f"/t/{s.slug}/lagesbilder/{s.picture_id}",
}


class ServerClock:
    """WSGI middleware: the time from calling the app to the end of its response body, per request."""

    def __init__(self, app: Callable) -> None:
        self.app, self.times, self.cpu = app, [], []

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        started, cpu = time.perf_counter(), time.thread_time()
        body = list(self.app(environ, start_response))
        self.times.append((time.perf_counter() - started) * 1000)
        self.cpu.append((time.thread_time() - cpu) * 1000)
        return body


def coordinator(env: dict[str, str], slug: str) -> None:
    """The one write: a coordinator of ``slug`` to log in as (created, or its password reset)."""
    command = [str(BIN / "est"), "users", "create", EMAIL, "--password", PASSWORD, "--tenant", slug,
               "--role", "coordinator"]  # fmt: skip
    result = subprocess.run(command, cwd=REPO, env=child_env(env), capture_output=True, text=True, check=False)
    if result.returncode != 0 and "already" not in (result.stdout + result.stderr):
        raise RuntimeError(f"est users create failed:\n{result.stdout}\n{result.stderr}")


def the_site(database: str) -> Site:
    """The middle tenant (as ``lagesbild_compile`` measures), its first area, its latest week with reports and its
    latest compiled weekly joint picture."""
    with superuser(database) as su:
        tenants = su.execute(f"select id, slug from tenants where slug like '{SLUG_PREFIX}%%' order by slug").fetchall()
        tenant_id, slug = tenants[(len(tenants) - 1) // 2]
        area_id = su.execute("select min(id) from areas where tenant_id = %s", (tenant_id,)).fetchone()[0]
        last = su.execute("select max(occurred_at) from reports where tenant_id = %s", (tenant_id,)).fetchone()[0]
        picture = su.execute(
            "select id from lagesbilder where tenant_id = %s and kind = 'weekly' and scope = 'tenant'"
            " and statistics is not null order by period_start desc, id desc limit 1",
            (tenant_id,),
        ).fetchone()
    if picture is None:
        raise RuntimeError(f"{slug} has no compiled weekly picture: run bench/lagesbild_compile.py --reuse first")
    last_day = last.astimezone(ZONE).date()
    return Site(slug, tenant_id, area_id, last_day - timedelta(days=last_day.weekday()), picture[0])


def explain(env: dict[str, str], app: Any, client: Any, tenant_id: int, path: str) -> None:
    """``EXPLAIN (ANALYZE, BUFFERS)`` of each statement one request of ``path`` issues, as the app role with the
    tenant set (in a transaction rolled back)."""
    from sqlalchemy import event

    engine = app.extensions["est.engine"]
    captured: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    url = env["EST_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(url) as connection:
        connection.execute("select set_config('est.tenant_id', %s, true)", (str(tenant_id),))
        for statement, parameters in captured:
            if not statement.lstrip().lower().startswith("select") or "set_config" in statement:
                continue
            print(f"\n  -- {' '.join(statement.split())[:300]}")
            for (line,) in connection.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters or None):
                print(f"     {line}")
        connection.rollback()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="est_lagesbild")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the statements of each page")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="est-page-times-") as tmp:
        env = est_env(args.database, Path(tmp))
        site = the_site(args.database)
        coordinator(env, site.slug)
        for key in [k for k in os.environ if k.startswith("EST_")]:
            del os.environ[key]
        os.environ.update(env)
        from core.app import create_app

        app = create_app()
        clock = ServerClock(app.wsgi_app)
        app.wsgi_app = clock  # type: ignore[method-assign]
        client = app.test_client()
        login = client.get("/login").get_data(as_text=True)
        token = login.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        response = client.post("/login", data={"email": EMAIL, "password": PASSWORD, "csrf": token})
        if response.status_code != 302:
            raise RuntimeError(f"login failed: {response.status_code}")

        print(f"database {args.database}: tenant {site.slug} (id {site.tenant_id}), area {site.area_id}, "
              f"latest week {site.period(0)}; {args.requests} requests a page after {args.warmup} warm-up ones; "
              f"load average {os.getloadavg()[0]:.2f}")  # fmt: skip
        missed = []
        for name, address in PAGES.items():
            path = address(site)
            for _ in range(args.warmup):
                assert client.get(path).status_code == 200, path
            clock.times.clear(), clock.cpu.clear()
            for _ in range(args.requests):
                client.get(path)
            p50, p95 = statistics.median(clock.times), percentile(clock.times, 0.95)
            verdict = "ok" if p95 <= TARGET_P95_MS else "MISSED"
            if p95 > TARGET_P95_MS:
                missed.append(name)
            cpu = statistics.median(clock.cpu)
            print(f"  {name:<46} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  (target p95 <= {TARGET_P95_MS:.0f}: {verdict})"
                  f"  server CPU p50 {cpu:5.1f} ms")  # fmt: skip
            if args.explain:
                explain(env, app, client, site.tenant_id, path)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
