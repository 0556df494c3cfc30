"""Benchmark for compiling a weekly lägesbild among many tenants, against a hand-written SQL floor. Prints figures.

    .venv/bin/python bench/lagesbild_compile.py            # full: 300 tenants x 5 years x ~100 reports a week
    .venv/bin/python bench/lagesbild_compile.py --quick    # short: 20 tenants x 1 year
    .venv/bin/python bench/lagesbild_compile.py --keep     # keep the database; re-run with --reuse <name>
    .venv/bin/python bench/lagesbild_compile.py --reuse est_lagesbild  # seed once into that name, then reuse it

Set-up: a fresh database from ``.ci/postgres-setup`` (an owner role and an application role that owns nothing, so
row-level security applies to the app), ``est db upgrade``, one ``est tenants sync`` of generated onboarding files
derived from ``tenants/orebro.toml`` (six areas each), then reports inserted with set-based SQL as the owner role
(whom the row-level security policies admit to every row), with every column as est's reporting code would
write it for an import; then ``VACUUM ANALYZE``.

Measured, for one tenant in the middle, over the latest weeks (warm cache, after a warm-up pass):

1. est: ``core.lagesbild.service.statistics_for`` in-process (app role, tenant context), i.e. what the compile job
   computes, minus storing; p50/p95 over the weeks, with the share spent in SQL.
2. est, with storing: ``compile_step`` for every step of the cycle's plan (org model A: three leg parts and the
   joint picture), directly and through the job runner (``core.jobs.enqueue``, in-process).
3. The floor: one hand-written statement with the same counts (by item, theme, area, organisation, local hour and
   weekday, severity; the three comparison periods by item, theme and area), as the app role with RLS; checked
   against est's figures.
4. ``EXPLAIN (ANALYZE, BUFFERS)`` of every statement est issues in one compile, and of the floor.

Targets: est p50 <= 150 ms, p95 <= 300 ms, est p50 / floor p50 <= 2. Exit status 1 when one is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import re
import secrets
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import psycopg.sql
from _shared import terminate_on_sigterm

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PGHOST = os.environ.get("PGHOST", "127.0.0.1")
ZONE_NAME = "Europe/Stockholm"
ZONE = ZoneInfo(ZONE_NAME)
SLUG_PREFIX = "bench-"

TARGET_P50_MS = 150.0
TARGET_P95_MS = 300.0
TARGET_RATIO = 2.0
TARGET_SEED_S = 600.0

AREAS = (
    ("centrum", "Centrum"),
    ("vivalla", "Vivalla"),
    ("varberga", "Varberga"),
    ("baronbackarna", "Baronbackarna"),
    ("brickebacken", "Brickebacken"),
    ("oxhagen", "Oxhagen"),
)
# Relative weights: hour of day 0..23 (evenings), weekday Monday..Sunday (weekends), severity 1..4.
HOUR_WEIGHTS = (3, 2, 1, 1, 1, 1, 1, 2, 3, 4, 5, 5, 6, 6, 7, 7, 8, 9, 10, 10, 9, 8, 6, 4)
DAY_WEIGHTS = (13, 13, 13, 14, 17, 17, 13)
SEVERITY_WEIGHTS = (8, 7, 4, 1)
LOCATED_SHARE = 0.6
STREETS = (
    "Vivallaringen", "Hjalmarsgatan", "Drottninggatan", "Stortorget", "Järntorget", "Vasagatan", "Kungsgatan",
    "Rudbecksgatan", "Fabriksgatan", "Storgatan", "Trädgårdsgatan", "Olaigatan", "Engelbrektsgatan",
    "Västra Nobelgatan", "Mikaelsplan", "Baronbackarna centrum", "Varberga torg", "Oxhagens centrum",
    "Brickebackens centrum", "Markbacken", "Tybblegatan", "Ekersvägen", "Glomman", "Svampen", "Krämaren",
    "Resecentrum", "Gustavsviksvägen", "Skolgatan", "Lindhult", "Adolfsberg",
)  # fmt: skip
SUFFIXES = ("", "", "", ", vid lekplatsen", ", vid tvättstugan", ", busshållplatsen", ", parkeringen", ", vid skolan")
COMMENTS = (
    "Krossad glasruta i entrén till tvättstugan, glassplitter på marken utanför.",
    "Nytt klotter på gaveln mot parkeringen.",
    "Brand i papperskorg, släckt av boende innan räddningstjänsten kom.",
    "Grupp om 10-15 ungdomar samlades sent på kvällen, hög ljudnivå.",
    "Nedskräpning och kasserade möbler vid soprummet.",
    "Personal blev hotfullt tilltalad vid entrén.",
    "Trasig belysning gör gångvägen mörk och otrygg.",
    "Misstänkt narkotikaförsäljning vid busshållplatsen under eftermiddagen.",
    "Bil med krossade rutor på parkeringen.",
    "Lugnt i området, många familjer ute i parken.",
    "Fyrverkerier avfyrades mot fasaden.",
    "Inbrott i källarförråd, dörren uppbruten.",
)
ACTIONS = (
    "Kontaktade fastighetsskötaren.",
    "Informerade områdespolisen.",
    "Fältgruppen följer upp nästa kväll.",
    "Belysningen felanmäld.",
)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def section(title: str) -> None:
    print(f"\n=== {title} {'=' * max(3, 100 - len(title))}", flush=True)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def expand(weights: tuple[int, ...], values: range | tuple[int, ...]) -> list[int]:
    """A lookup list in which each value occurs as often as its weight (pick with a uniform index)."""
    return [value for value, weight in zip(values, weights, strict=True) for _ in range(weight)]


# --- database and set-up -------------------------------------------------------------------------------------


def child_env(extra: dict[str, str]) -> dict[str, str]:
    """This environment without any EST_* (no inherited Redis, database or secret), plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EST_")}
    env.update(extra)
    return env


def run(command: list[str], env: dict[str, str], timeout: float = 1800) -> str:
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{shlex.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result.stdout


def libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def superuser(database: str) -> psycopg.Connection:
    """A superuser connection: existence checks, sizes and clean-up only (it bypasses row-level security)."""
    return psycopg.connect(f"postgresql://postgres@{PGHOST}/{database}", autocommit=True)


def database_exists(database: str) -> bool:
    with superuser("postgres") as connection:
        return connection.execute("select 1 from pg_database where datname = %s", (database,)).fetchone() is not None


def drop_database(database: str) -> None:
    with superuser("postgres") as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def est_env(database: str, instance: Path) -> dict[str, str]:
    """The EST_* variables ``.ci/postgres-setup`` prints for ``database``, plus a secret and an instance path."""
    return {
        "EST_DATABASE_URL": f"postgresql+psycopg://est_app@{PGHOST}/{database}",
        "EST_MIGRATION_DATABASE_URL": f"postgresql+psycopg://est_owner@{PGHOST}/{database}",
        "EST_APP_ROLE": "est_app",
        "EST_SECRET_KEY": secrets.token_urlsafe(32),
        "EST_INSTANCE_PATH": str(instance),
    }


def postgres_setup(database: str, instance: Path) -> dict[str, str]:
    exports: dict[str, str] = {}
    for line in run([str(REPO / ".ci" / "postgres-setup"), database], child_env({})).splitlines():
        if line.startswith("export "):
            key, _, value = line.removeprefix("export ").partition("=")
            exports[key] = value
    expected = est_env(database, instance)
    for key in ("EST_DATABASE_URL", "EST_MIGRATION_DATABASE_URL", "EST_APP_ROLE"):
        if exports.get(key) != expected[key]:
            raise RuntimeError(f".ci/postgres-setup printed {key}={exports.get(key)!r}, expected {expected[key]!r}")
    return {**exports, "EST_SECRET_KEY": expected["EST_SECRET_KEY"], "EST_INSTANCE_PATH": str(instance)}


def tenant_toml(template: str, number: int) -> str:
    """``tenants/orebro.toml`` with another slug and name, and six areas instead of Örebro's two."""
    slug = f"{SLUG_PREFIX}{number:03d}"
    text = re.sub(r'^slug = "orebro"$', f'slug = "{slug}"', template, count=1, flags=re.M)
    text = re.sub(r'^name = "Örebro kommun"$', f'name = "Benchkommun {number:03d}"', text, count=1, flags=re.M)
    blocks = re.compile(r"^\[\[areas\]\]\n(?:(?:key|name|geometry) = [^\n]*\n)+\n?", re.M)
    first = blocks.search(text)
    if first is None:
        raise RuntimeError("tenants/orebro.toml has no [[areas]] to replace")
    areas = "".join(f'[[areas]]\nkey = "{key}"\nname = "{name}"\n\n' for key, name in AREAS)
    text = text[: first.start()] + areas + blocks.sub("", text[first.start() :])
    document = tomllib.loads(text)
    if document["slug"] != slug or [a["key"] for a in document["areas"]] != [k for k, _ in AREAS]:
        raise RuntimeError(f"generated onboarding file for {slug} is not what was meant")
    return text


@dataclass
class Setup:
    database: str
    env: dict[str, str]
    created: bool  # seeded in this run
    timings: dict[str, float] = field(default_factory=dict)
    seed_rows: int = 0
    seeded_at: str = ""  # when reused: when the database was seeded (its timings are those of that run)


def deploy(database: str, instance: Path, workdir: Path, tenants: int) -> tuple[dict[str, str], dict[str, float]]:
    timings: dict[str, float] = {}
    start = time.perf_counter()
    drop_database(database)  # a fresh database (.ci/postgres-setup keeps an existing one unless --recreate)
    env = postgres_setup(database, instance)
    run([str(BIN / "est"), "db", "upgrade"], child_env(env))
    timings["setup + db upgrade"] = time.perf_counter() - start
    directory = workdir / "tenants"
    directory.mkdir()
    template = (REPO / "tenants" / "orebro.toml").read_text(encoding="utf-8")
    for number in range(1, tenants + 1):
        (directory / f"{SLUG_PREFIX}{number:03d}.toml").write_text(tenant_toml(template, number), encoding="utf-8")
    log(f"est tenants sync --dir … ({tenants} files)")
    start = time.perf_counter()
    run([str(BIN / "est"), "tenants", "sync", "--dir", str(directory)], child_env(env))
    timings["tenants sync"] = time.perf_counter() - start
    log(f"tenants sync: {timings['tenants sync']:.1f} s ({timings['tenants sync'] / tenants * 1000:.0f} ms per tenant)")
    return env, timings


# --- seeding -------------------------------------------------------------------------------------------------

HELPERS = """
CREATE TEMP TABLE seed_items AS
SELECT cv.tenant_id, cv.id AS version_id,
       row_number() OVER (PARTITION BY cv.tenant_id ORDER BY s.ord, i.ord)::int AS idx,
       i.item ->> 'key' AS item_key, i.item ->> 'theme' AS theme, (i.item ->> 'positive')::boolean AS positive,
       s.section ->> 'answered_by' AS answered_by
FROM (SELECT DISTINCT ON (tenant_id) tenant_id, id, content FROM checklist_versions
      WHERE status = 'published' ORDER BY tenant_id, number DESC) AS cv
JOIN tenants t ON t.id = cv.tenant_id AND t.slug LIKE 'bench-%%'
CROSS JOIN LATERAL jsonb_array_elements(cv.content::jsonb -> 'sections') WITH ORDINALITY AS s(section, ord)
CROSS JOIN LATERAL jsonb_array_elements(s.section -> 'items') WITH ORDINALITY AS i(item, ord)
WHERE NOT coalesce((i.item ->> 'retired')::boolean, false);

CREATE TEMP TABLE seed_areas AS
SELECT a.tenant_id, a.id AS area_id, row_number() OVER (PARTITION BY a.tenant_id ORDER BY a.id)::int AS idx
FROM areas a JOIN tenants t ON t.id = a.tenant_id AND t.slug LIKE 'bench-%%' WHERE a.active;

-- reporter functions (and their organisations) per tenant: leg '' = any leg, else the functions of that leg
CREATE TEMP TABLE seed_pick AS
SELECT f.tenant_id, l.leg, array_agg(f.id ORDER BY f.id) AS function_ids,
       array_agg(f.organisation_id ORDER BY f.id) AS organisation_ids, count(*)::int AS n
FROM reporter_functions f
JOIN organisations o ON o.tenant_id = f.tenant_id AND o.id = f.organisation_id AND o.active
JOIN tenants t ON t.id = f.tenant_id AND t.slug LIKE 'bench-%%'
CROSS JOIN LATERAL (VALUES (''), (o.leg)) AS l(leg)
WHERE f.active
GROUP BY f.tenant_id, l.leg;

CREATE TEMP TABLE seed_tenants AS
SELECT i.tenant_id, min(i.version_id) AS version_id, count(*)::int AS n_items,
       (SELECT count(*) FROM seed_areas a WHERE a.tenant_id = i.tenant_id)::int AS n_areas
FROM seed_items i GROUP BY i.tenant_id;

CREATE INDEX ON seed_items (tenant_id, idx);
CREATE INDEX ON seed_areas (tenant_id, idx);
CREATE INDEX ON seed_pick (tenant_id, leg);
ANALYZE seed_items; ANALYZE seed_areas; ANALYZE seed_pick; ANALYZE seed_tenants;
"""

# One chunk: every bench tenant, the given weeks, ~per_week reports per tenant and week (70–130 %, by a hash of
# tenant and week), inserted in time order. Columns as ReportingContext.values() and the importer write them.
INSERT = """
WITH b AS MATERIALIZED (
    SELECT t.tenant_id, t.version_id, t.n_items, t.n_areas, w.monday, s.n AS ordinal,
           random() AS r_item, random() AS r_area, random() AS r_function, random() AS r_day, random() AS r_hour,
           random() AS r_minute, random() AS r_severity, random() AS r_located, random() AS r_text,
           random() AS r_street, random() AS r_suffix, random() AS r_comment, random() AS r_action,
           random() AS r_lat1, random() AS r_lat2, random() AS r_lon1, random() AS r_lon2, random() AS r_created
    FROM seed_tenants t
    CROSS JOIN unnest(%(mondays)s::date[]) AS w(monday)
    CROSS JOIN LATERAL generate_series(1, greatest(1, round(%(per_week)s * (0.7 + 0.6 *
        (abs(hashtext(concat_ws(':', t.tenant_id, w.monday))::bigint) %% 1000) / 999.0))::int)) AS s(n)
), g AS (
    SELECT b.*,
           ((b.monday + (%(days)s::int[])[1 + floor(b.r_day * %(n_days)s)::int])
            + make_interval(hours => (%(hours)s::int[])[1 + floor(b.r_hour * %(n_hours)s)::int],
                            mins => floor(b.r_minute * 60)::int)) AT TIME ZONE %(zone)s AS occurred_at
    FROM b
)
INSERT INTO reports (
    tenant_id, checklist_version_id, item_key, theme, positive, area_id, place_text, lat, lon, occurred_at,
    occurred_until, week, period, severity, comment, early_action, organisation_id, reporter_function_id,
    reported_by, late, source, import_key, created_at, updated_at
)
SELECT g.tenant_id, g.version_id, i.item_key, i.theme, i.positive, a.area_id,
       CASE WHEN g.r_located >= %(located)s OR g.r_text < 0.5 THEN
           (%(streets)s::text[])[1 + ((a.idx - 1) * 5 + floor(g.r_street * 5)::int) %% %(n_streets)s]
           || (%(suffixes)s::text[])[1 + floor(g.r_suffix * %(n_suffixes)s)::int]
       END,
       CASE WHEN g.r_located < %(located)s THEN
           round((59.27 + ((a.idx - 1) %% 3 - 1) * 0.03 + (g.r_lat1 + g.r_lat2 - 1) * 0.004)::numeric, 6)::float8
       END,
       CASE WHEN g.r_located < %(located)s THEN
           round((15.21 + (((a.idx - 1) / 3) %% 2 - 0.5) * 0.06 + (g.r_lon1 + g.r_lon2 - 1) * 0.008)::numeric,
                 6)::float8
       END,
       g.occurred_at, NULL,
       to_char(g.occurred_at AT TIME ZONE %(zone)s, 'IYYY-"W"IW'),
       to_char(g.occurred_at AT TIME ZONE %(zone)s, 'IYYY-"W"IW'),
       (%(severities)s::int[])[1 + floor(g.r_severity * %(n_severities)s)::int],
       (%(comments)s::text[])[1 + floor(g.r_comment * %(n_comments)s)::int],
       CASE WHEN g.r_action < 0.15 THEN (%(actions)s::text[])[1 + floor(g.r_action / 0.15 * %(n_actions)s)::int]
            ELSE '' END,
       p.organisation_ids[f.k], p.function_ids[f.k], NULL, false, 'import',
       encode(sha256(convert_to(concat_ws('|', g.tenant_id, g.monday, g.ordinal, i.item_key, a.area_id, g.occurred_at),
                                'UTF8')), 'hex'),
       least(g.occurred_at + g.r_created * interval '40 hours', now()),
       least(g.occurred_at + g.r_created * interval '40 hours', now())
FROM g
JOIN seed_items i ON i.tenant_id = g.tenant_id AND i.idx = 1 + floor(g.n_items * power(g.r_item, 1.6))::int
JOIN seed_areas a ON a.tenant_id = g.tenant_id AND a.idx = 1 + floor(g.n_areas * power(g.r_area, 1.4))::int
JOIN seed_pick p ON p.tenant_id = g.tenant_id AND p.leg = coalesce(i.answered_by, '')
CROSS JOIN LATERAL (SELECT 1 + floor(g.r_function * p.n)::int AS k) AS f
ORDER BY g.occurred_at
"""


def insert_parameters(per_week: int) -> dict[str, Any]:
    days, hours, severities = (
        expand(DAY_WEIGHTS, range(7)),
        expand(HOUR_WEIGHTS, range(24)),
        expand(SEVERITY_WEIGHTS, range(1, 5)),
    )
    return {
        "per_week": per_week, "zone": ZONE_NAME, "located": LOCATED_SHARE,
        "days": days, "n_days": len(days), "hours": hours, "n_hours": len(hours),
        "severities": severities, "n_severities": len(severities),
        "streets": list(STREETS), "n_streets": len(STREETS), "suffixes": list(SUFFIXES), "n_suffixes": len(SUFFIXES),
        "comments": list(COMMENTS), "n_comments": len(COMMENTS), "actions": list(ACTIONS), "n_actions": len(ACTIONS),
    }  # fmt: skip


def owner_connection(env: dict[str, str]) -> psycopg.Connection:
    """The schema owner, whom the row-level security policies admit to every row."""
    connection = psycopg.connect(libpq(env["EST_MIGRATION_DATABASE_URL"]))
    connection.execute("set work_mem = '256MB'")
    connection.commit()
    return connection


def seed(env: dict[str, str], mondays: list[date], per_week: int, workers: int) -> tuple[int, float]:
    """Insert the reports of ``mondays`` for every bench tenant, in chunks of weeks, ``workers`` connections."""
    with owner_connection(env) as connection:
        tenants = connection.execute("select count(*) from tenants where slug like 'bench-%%'").fetchone()[0]
        cadences = connection.execute(
            "select distinct cadence ->> 'frequency', cadence ->> 'timezone' from tenants where slug like 'bench-%%'"
        ).fetchall()
    if cadences != [("weekly", ZONE_NAME)]:
        raise RuntimeError(f"the seed computes period = ISO week in {ZONE_NAME}; bench tenants have {cadences}")
    weeks_per_chunk = max(1, round(60_000 / max(1, tenants * per_week)))
    chunks: queue.Queue[list[date]] = queue.Queue()
    for start in range(0, len(mondays), weeks_per_chunk):
        chunks.put(mondays[start : start + weeks_per_chunk])
    total_chunks = chunks.qsize()
    parameters = insert_parameters(per_week)
    lock = threading.Lock()
    progress = {"rows": 0, "chunks": 0}
    failures: list[BaseException] = []
    stop = threading.Event()
    begin = time.perf_counter()

    def worker() -> None:
        try:
            with owner_connection(env) as connection:
                connection.execute(HELPERS)
                connection.commit()
                while not stop.is_set():
                    try:
                        weeks = chunks.get_nowait()
                    except queue.Empty:
                        return
                    cursor = connection.execute(INSERT, {**parameters, "mondays": weeks})
                    connection.commit()
                    with lock:
                        progress["rows"] += cursor.rowcount
                        progress["chunks"] += 1
                        done, rows = progress["chunks"], progress["rows"]
                    if done % max(1, total_chunks // 10) == 0 or done == total_chunks:
                        seconds = time.perf_counter() - begin
                        log(f"  seed {done}/{total_chunks} chunks, {rows:,} rows, {seconds:.0f} s, "
                            f"{rows / seconds:,.0f} rows/s")  # fmt: skip
        except BaseException as error:
            failures.append(error)
            stop.set()

    threads = [threading.Thread(target=worker, name=f"seed-{n}", daemon=True) for n in range(workers)]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            while thread.is_alive():
                thread.join(0.5)
    except BaseException:
        stop.set()
        raise
    if failures:
        raise RuntimeError(f"seeding failed: {failures[0]!r}") from failures[0]
    return progress["rows"], time.perf_counter() - begin


def drop_foreign_keys(env: dict[str, str]) -> list[tuple[str, str]]:
    """Drop the foreign keys of ``reports`` (returning their exact definitions): each costs one trigger call per
    inserted row (six per report, about 60 % of the insert time here). :func:`add_foreign_keys` puts them back."""
    with owner_connection(env) as connection:
        definitions = connection.execute(
            "select conname, pg_get_constraintdef(oid) from pg_constraint "
            "where conrelid = 'reports'::regclass and contype = 'f' order by conname"
        ).fetchall()
        for name, _ in definitions:
            connection.execute(f'ALTER TABLE reports DROP CONSTRAINT "{name}"')
        connection.commit()
    return definitions


def add_foreign_keys(env: dict[str, str], definitions: list[tuple[str, str]]) -> float:
    """Re-create the dropped foreign keys as they were; PostgreSQL validates every row (one query per key).

    The validation query runs as the owner, so the FORCEd row-level security quals are attached to both tables;
    the planner takes ``tenant_id = nullif(current_setting(…))::int OR coalesce(current_setting(…)) = 'on'`` for
    very selective and picks a nested-loop anti-join (7.8 M reports x 1,800 areas: hours). Without nested loops it
    is a hash anti-join of seconds."""
    start = time.perf_counter()
    with owner_connection(env) as connection:
        connection.execute("set enable_nestloop = off")
        for name, definition in definitions:
            connection.execute(f'ALTER TABLE reports ADD CONSTRAINT "{name}" {definition}')
        connection.commit()
    return time.perf_counter() - start


SEEDED_MARK = "lagesbild_compile seeded:"


def mark_seeded(env: dict[str, str], database: str, note: str) -> None:
    with owner_connection(env) as connection:
        comment = psycopg.sql.SQL("COMMENT ON DATABASE {} IS {}")
        connection.execute(
            comment.format(psycopg.sql.Identifier(database), psycopg.sql.Literal(f"{SEEDED_MARK} {note}"))
        )
        connection.commit()


def vacuum_analyze(env: dict[str, str]) -> float:
    start = time.perf_counter()
    with psycopg.connect(libpq(env["EST_MIGRATION_DATABASE_URL"]), autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE) reports")
        connection.execute("ANALYZE")
    return time.perf_counter() - start


def check_sample(env: dict[str, str], size: int = 2000) -> str:
    """Sampled rows against est's own rules: week/period labels, the item's theme/positive in its version, the
    organisation of the function, a leg-restricted item answered by that leg; returns a one-line verdict."""
    from core.checklists.content import index
    from core.cycles import periods

    with owner_connection(env) as connection:
        rows = connection.execute(
            """
            select r.occurred_at, r.week, r.period, r.item_key, r.theme, r.positive, cv.content, t.cadence,
                   f.organisation_id, r.organisation_id, o.leg, r.severity, r.lat, r.place_text, r.created_at, r.late
            from reports r tablesample system (1)
            join checklist_versions cv on cv.tenant_id = r.tenant_id and cv.id = r.checklist_version_id
            join tenants t on t.id = r.tenant_id
            join reporter_functions f on f.tenant_id = r.tenant_id and f.id = r.reporter_function_id
            join organisations o on o.tenant_id = r.tenant_id and o.id = r.organisation_id
            limit %s
            """,
            (size,),
        ).fetchall()
    problems: Counter[str] = Counter()
    for (occurred, week, period, item_key, theme, positive, content, cadence, function_org, org, leg, severity, lat,
         place, created, late) in rows:  # fmt: skip
        item = index(content)[item_key]
        problems["week"] += week != periods.week_label(occurred, cadence)
        problems["period"] += period != periods.period_of(occurred, cadence).label
        problems["item"] += (item.theme, item.positive) != (theme, positive) or item.retired
        problems["answered_by"] += item.answered_by is not None and item.answered_by != leg
        problems["organisation"] += function_org != org
        problems["severity"] += not 1 <= severity <= 4
        problems["place"] += lat is None and not place
        problems["late"] += late != (created > periods.deadline(periods.period_of(occurred, cadence), cadence))
    bad = {key: count for key, count in problems.items() if count}
    verdict = "OK" if not bad else f"PROBLEMS {bad}"
    return f"{len(rows)} sampled rows checked against est's rules: {verdict}"


# --- est in-process ------------------------------------------------------------------------------------------


@dataclass
class SqlClock:
    """Per cursor execution: time from before to after ``cursor.execute`` (psycopg fetches the rows in it)."""

    seconds: float = 0.0
    count: int = 0
    capture: list[tuple[str, Any, float]] | None = None

    def install(self, engine: Any) -> Callable[[], None]:
        from sqlalchemy import event

        def before(conn: Any, _cursor: Any, _statement: str, _parameters: Any, _context: Any, _many: bool) -> None:
            conn.info["bench_t0"] = time.perf_counter()

        def after(conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, many: bool) -> None:
            elapsed = time.perf_counter() - conn.info.pop("bench_t0", time.perf_counter())
            self.seconds += elapsed
            self.count += 1
            if self.capture is not None and not many:
                self.capture.append((statement, parameters, elapsed))

        event.listen(engine, "before_cursor_execute", before)
        event.listen(engine, "after_cursor_execute", after)

        def remove() -> None:
            event.remove(engine, "before_cursor_execute", before)
            event.remove(engine, "after_cursor_execute", after)

        return remove

    def reset(self) -> None:
        self.seconds, self.count = 0.0, 0


def est_statistics(tenant_id: int, monday: date, clock: SqlClock | None = None) -> tuple[float, dict[str, Any]]:
    """One ``statistics_for`` (the compile job's computation) in a fresh Session and transaction; the transaction
    (and its ``set_config``) begins with loading the tenant, as in the job, before the timed part. It ends with a
    commit, as the job's does (a rollback would also make psycopg forget its prepared statements)."""
    from core.cycles import periods
    from core.cycles.periods import week_span
    from core.db import new_session
    from core.lagesbild.service import Scope, statistics_for
    from core.tenancy import tenant_context
    from core.tenants.models import Tenant

    period = periods.Period(monday, 1)
    with new_session() as session, tenant_context(tenant_id, session):
        tenant = session.get(Tenant, tenant_id)
        if clock is not None:
            clock.reset()
        start = time.perf_counter()
        result = statistics_for(session, tenant, Scope("tenant"), week_span(period), period)
        elapsed = time.perf_counter() - start
        session.commit()
    return elapsed, result


def est_breakdown(tenant_id: int, monday: date) -> dict[str, float]:
    """``statistics_for``'s parts timed one by one (the same calls it makes): the one read (the period's reports
    and the comparison counts) with row handling, and ``compile_statistics`` (pure Python)."""
    from core.cycles import periods
    from core.cycles.periods import comparison_spans, week_span
    from core.db import new_session
    from core.lagesbild.service import CURRENT, Scope, _read
    from core.lagesbild.statistics import compile_statistics
    from core.tenancy import tenant_context
    from core.tenants.models import Tenant

    period = periods.Period(monday, 1)
    span, scope = week_span(period), Scope("tenant")
    with new_session() as session, tenant_context(tenant_id, session):
        tenant = session.get(Tenant, tenant_id)
        zone = periods.zone(tenant.cadence)
        start = time.perf_counter()
        rows, earlier = _read(session, scope, {CURRENT: span, **comparison_spans(span, period)}, zone)
        fetched = time.perf_counter()
        compile_statistics(rows, zone=zone, comparisons=earlier)
        end = time.perf_counter()
        session.commit()
    return {"read (reports + 3 comparison periods, one statement)": fetched - start,
            "compile_statistics (Python)": end - fetched}  # fmt: skip


def round_trips(connection: psycopg.Connection, count: int = 200) -> list[float]:
    """``select 1`` on an open connection: the machine's round-trip cost, for reading the ratio."""
    times = []
    for _ in range(count):
        start = time.perf_counter()
        connection.execute("select 1").fetchall()
        times.append(time.perf_counter() - start)
    return times


def compile_plan(
    tenant_id: int, monday: date, via_job: bool, on_step: Callable[[str], None] | None = None
) -> list[tuple[str, float, int]]:
    """Every step of the cycle's plan, in order: directly (``compile_step`` + commit, as the job does) or through
    ``core.jobs.enqueue`` (in-process runner: job row, progress, result). Returns (step, seconds, total)."""
    from core.cycles import periods
    from core.cycles import service as cycles
    from core.db import new_session
    from core.jobs import enqueue
    from core.jobs.models import Job
    from core.lagesbild import jobs as lagesbild_jobs
    from core.lagesbild.service import compile_step
    from core.tenancy import tenant_context
    from core.tenants.models import Tenant

    results: list[tuple[str, float, int]] = []
    with new_session() as session, tenant_context(tenant_id, session):
        tenant = session.get(Tenant, tenant_id)
        cycle, _ = cycles.ensure(session, tenant, periods.Period(monday, 1).start(ZONE) + timedelta(hours=12))
        if cycle.state == "collecting" and cycle.deadline <= datetime.now(UTC):
            cycles.housekeeping(session, tenant, datetime.now(UTC))  # the scheduler: past its deadline → compiling
        session.commit()
        if cycle.state != "compiling":
            raise RuntimeError(f"cycle {cycle.period} is {cycle.state}, not compiling")
        steps = cycles.plan(session, tenant, cycle)
        for step in steps:
            if on_step is not None:
                on_step(step.key)
            start = time.perf_counter()
            if via_job:
                job_id = enqueue(lagesbild_jobs.compile_cycle_step, tenant=tenant_id, cycle_id=cycle.id,
                                 step=step.key, user_id=None)  # fmt: skip
                elapsed = time.perf_counter() - start
                job = session.get(Job, job_id)
                if job is None or job.status != "finished":
                    raise RuntimeError(f"compile job {job_id} for {step.key}: {job and job.status} {job and job.error}")
                total = job.result["total"]
            else:
                picture = compile_step(session, tenant, cycle, step, None)
                total = picture.statistics["total"]
                session.commit()
                elapsed = time.perf_counter() - start
            results.append((step.key, elapsed, total))
    return results


def past_deadline(tenant_id: int, mondays: list[date]) -> list[date]:
    """The weeks whose reporting deadline has passed: only their cycles can be moved on to compiling."""
    from core.cycles import periods
    from core.db import new_session
    from core.tenancy import tenant_context
    from core.tenants.models import Tenant

    with new_session() as session, tenant_context(tenant_id, session):
        cadence = session.get(Tenant, tenant_id).cadence
    now = datetime.now(UTC)
    return [monday for monday in mondays if periods.deadline(periods.Period(monday, 1), cadence) <= now]


def explain_captured(
    tenant_id: int, captured: list[tuple[str, Any, float]], only_new: set[str] | None = None
) -> list[tuple[str, float, str]]:
    """``EXPLAIN (ANALYZE, BUFFERS)`` of captured statements, as the app role in the tenant context, in one
    transaction that is rolled back (so writes explained leave nothing behind)."""
    from core.db import new_session
    from core.tenancy import tenant_context

    plans: list[tuple[str, float, str]] = []
    with new_session() as session, tenant_context(tenant_id, session):
        connection = session.connection()
        for statement, parameters, elapsed in captured:
            if only_new is not None:
                if statement in only_new:
                    continue
                only_new.add(statement)
            savepoint = connection.begin_nested()
            try:
                result = connection.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                plan = "\n".join(row[0] for row in result)
                savepoint.rollback()
            except Exception as error:  # a statement that cannot be explained as captured: say so, go on
                savepoint.rollback()
                plan = f"(not explained: {type(error).__name__}: {str(error).splitlines()[0]})"
            plans.append((statement, elapsed, plan))
        session.rollback()
    return plans


# --- the floor -----------------------------------------------------------------------------------------------

FLOOR_DIMENSIONS = ("by_item", "by_theme", "by_area", "by_organisation", "by_hour", "by_weekday", "by_severity")
FLOOR_SQL = """
WITH w(p, s, e) AS (VALUES
    ('current', %(s0)s::timestamptz, %(e0)s::timestamptz),
    ('previous', %(s1)s::timestamptz, %(e1)s::timestamptz),
    ('before_previous', %(s2)s::timestamptz, %(e2)s::timestamptz),
    ('last_year', %(s3)s::timestamptz, %(e3)s::timestamptz)
), r AS (
    SELECT w.p,
           r.item_key,
           CASE WHEN r.positive THEN 'positiv' ELSE coalesce(r.theme, '') END AS theme,
           a.key AS area,
           coalesce(o.key, 'okand') AS org,
           extract(hour FROM r.occurred_at AT TIME ZONE %(zone)s::text)::int AS hour,
           extract(isodow FROM r.occurred_at AT TIME ZONE %(zone)s::text)::int - 1 AS dow,
           r.severity
    FROM w
    JOIN reports r ON r.tenant_id = %(tenant)s::int AND r.occurred_at >= w.s AND r.occurred_at < w.e
    JOIN areas a ON a.tenant_id = r.tenant_id AND a.id = r.area_id
    LEFT JOIN organisations o ON o.tenant_id = r.tenant_id AND o.id = r.organisation_id
)
SELECT p, grouping(item_key, theme, area, org, hour, dow, severity) AS g,
       coalesce(item_key, theme, area, org, hour::text, dow::text, severity::text) AS key, count(*)
FROM r
GROUP BY GROUPING SETS ((p), (p, item_key), (p, theme), (p, area), (p, org), (p, hour), (p, dow), (p, severity))
"""


def floor_parameters(tenant_id: int, monday: date) -> dict[str, Any]:
    """The four windows as est computes them (``week_span``/``comparison_spans``, local midnight to midnight)."""
    from core.cycles import periods
    from core.cycles.periods import comparison_spans, week_span

    period = periods.Period(monday, 1)
    spans = [week_span(period), *comparison_spans(week_span(period), period).values()]
    parameters: dict[str, Any] = {"tenant": tenant_id, "zone": ZONE_NAME}
    for number, span in enumerate(spans):
        parameters[f"s{number}"], parameters[f"e{number}"] = span.window(ZONE)
    return parameters


def floor_connection(env: dict[str, str], tenant_id: int) -> psycopg.Connection:
    connection = psycopg.connect(libpq(env["EST_DATABASE_URL"]), autocommit=True)
    connection.execute("select set_config('est.tenant_id', %s, false)", (str(tenant_id),))
    return connection


def floor_counts(connection: psycopg.Connection, tenant_id: int, monday: date) -> tuple[float, dict[str, Any]]:
    parameters = floor_parameters(tenant_id, monday)
    start = time.perf_counter()
    rows = connection.execute(FLOOR_SQL, parameters).fetchall()
    counts: dict[str, dict[str, Any]] = {}
    for p, g, key, count in rows:
        entry = counts.setdefault(p, {"total": 0, **{d: {} for d in FLOOR_DIMENSIONS}})
        if g == 127:
            entry["total"] = count
        else:
            dimension = FLOOR_DIMENSIONS[(64, 32, 16, 8, 4, 2, 1).index(127 - g)]
            entry[dimension][key] = count
    return time.perf_counter() - start, counts


def compare_with_est(est: dict[str, Any], floor: dict[str, Any]) -> list[str]:
    """Where the floor's counts differ from est's statistics (empty: identical)."""
    current = floor.get("current", {"total": 0, **{d: {} for d in FLOOR_DIMENSIONS}})
    mine = {
        "total": est["total"],
        "by_item": est["by_item"], "by_theme": est["by_theme"], "by_area": est["by_area"],
        "by_organisation": est["by_organisation"],
        "by_hour": {str(h): n for h, n in enumerate(est["by_hour"]) if n},
        "by_weekday": {str(d): n for d, n in enumerate(est["by_weekday"]) if n},
        "by_severity": est["by_severity"],
    }  # fmt: skip
    differences = [f"{key}: est {mine[key]} floor {current[key]}" for key in mine if mine[key] != current[key]]
    for name in ("previous", "before_previous", "last_year"):
        theirs = floor.get(name, {"total": 0, "by_item": {}, "by_theme": {}, "by_area": {}})
        direction = est["direction"][name]
        if direction is None:  # before the tenant's first report: est compares with nothing, the floor counts 0
            if theirs["total"]:
                differences.append(f"{name}: est none, floor {theirs['total']}")
            continue
        if direction["total"] != theirs["total"]:
            differences.append(f"{name}.total: est {direction['total']} floor {theirs['total']}")
        for dimension in ("by_item", "by_theme", "by_area"):
            then = {k: v["then"] for k, v in direction[dimension].items() if v["then"]}
            if then != theirs[dimension]:
                differences.append(f"{name}.{dimension}: est {then} floor {theirs[dimension]}")
    return differences


# --- the run -------------------------------------------------------------------------------------------------


def compact_sql(statement: str, limit: int = 600) -> str:
    text = " ".join(statement.split())
    return text if len(text) <= limit else text[:limit] + " …"


def seeded_weeks(total_weeks: int) -> list[date]:
    """The Mondays of the ``total_weeks`` complete ISO weeks before the current one (local time)."""
    today = datetime.now(ZONE).date()
    this_monday = today - timedelta(days=today.weekday())
    return [this_monday - timedelta(weeks=n) for n in range(total_weeks, 0, -1)]


def prepare(args: argparse.Namespace, database: str, workdir: Path) -> Setup:
    instance = workdir / "instance"
    instance.mkdir()
    if args.reuse and database_exists(database):
        with superuser("postgres") as connection:
            mark = connection.execute(
                "select shobj_description(oid, 'pg_database') from pg_database where datname = %s", (database,)
            ).fetchone()[0]
        if mark and mark.startswith(SEEDED_MARK):
            env = est_env(database, instance)
            run([str(BIN / "est"), "db", "upgrade"], child_env(env))
            log(f"reusing {database} ({mark}): no set-up, no seeding")
            try:
                earlier = json.loads(mark.removeprefix(SEEDED_MARK))
            except ValueError:
                earlier = {}
            return Setup(database, env, created=False, timings=earlier.get("timings", {}),
                         seed_rows=earlier.get("rows", 0), seeded_at=earlier.get("at", ""))  # fmt: skip
        log(f"{database} exists but its seeding did not finish: setting it up again")
    env, timings = deploy(database, instance, workdir, args.tenants)
    mondays = seeded_weeks(args.weeks)
    log(f"seeding {args.tenants} tenants x {len(mondays)} weeks ({mondays[0]} .. {mondays[-1] + timedelta(days=6)}) "
        f"x ~{args.per_week} reports/week with {args.jobs} connections")  # fmt: skip
    foreign_keys = [] if args.seed_with_fks else drop_foreign_keys(env)
    rows, seconds = seed(env, mondays, args.per_week, args.jobs)
    timings["insert reports"] = seconds
    log(f"inserted {rows:,} reports in {seconds:.1f} s ({rows / seconds:,.0f} rows/s)")
    if foreign_keys:
        timings["re-add foreign keys"] = add_foreign_keys(env, foreign_keys)
        log(f"re-added {len(foreign_keys)} foreign keys of reports, every row validated: "
            f"{timings['re-add foreign keys']:.1f} s")  # fmt: skip
    timings["vacuum analyze"] = vacuum_analyze(env)
    log(f"VACUUM ANALYZE: {timings['vacuum analyze']:.1f} s")
    seeded_at = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    note = {"tenants": args.tenants, "weeks": args.weeks, "per_week": args.per_week, "rows": rows, "at": seeded_at}
    mark_seeded(env, database, json.dumps({**note, "timings": timings}))
    return Setup(database, env, created=True, timings=timings, seed_rows=rows)


def bench(args: argparse.Namespace) -> int:
    database = args.reuse or f"est_lagesbild_{os.getpid()}"
    keep = args.keep or bool(args.reuse)
    command = shlex.join([".venv/bin/python", "bench/lagesbild_compile.py", *sys.argv[1:]])
    figures: dict[str, Any] = {}
    with terminate_on_sigterm(), tempfile.TemporaryDirectory(prefix="est-bench-") as tmp:
        try:
            setup = prepare(args, database, Path(tmp))
            if setup.created:
                log(check_sample(setup.env))
            figures = measure(args, setup)
            summary(args, setup, figures, command)
        finally:
            if keep:
                log(f"kept database {database}; re-run with: .venv/bin/python bench/lagesbild_compile.py "
                    f"--reuse {database}{' --quick' if args.quick else ''}")  # fmt: skip
            else:
                drop_database(database)
                log(f"dropped database {database}")
    return 0 if figures.get("passed") else 1


def measure(args: argparse.Namespace, setup: Setup) -> dict[str, Any]:
    for key in [k for k in os.environ if k.startswith("EST_")]:
        del os.environ[key]
    os.environ.update(setup.env)
    from core.app import create_app

    app = create_app()
    engine = app.extensions["est.engine"]
    figures: dict[str, Any] = {}
    with app.app_context(), superuser(setup.database) as su:
        tenants = su.execute("select id, slug from tenants where slug like 'bench-%%' order by slug").fetchall()
        tenant_id, slug = tenants[(len(tenants) - 1) // 2]
        last = su.execute("select max(occurred_at) from reports where tenant_id = %s", (tenant_id,)).fetchone()[0]
        last_day = last.astimezone(ZONE).date()
        last_monday = last_day - timedelta(days=last_day.weekday())
        weeks = [last_monday - timedelta(weeks=n) for n in range(args.samples - 1, -1, -1)]
        figures.update(tenant=slug, tenant_id=tenant_id, tenants=len(tenants), weeks=(weeks[0], weeks[-1]))
        figures["reports"] = su.execute("select count(*) from reports").fetchone()[0]
        figures["tenant_reports"] = su.execute("select count(*) from reports where tenant_id = %s",
                                               (tenant_id,)).fetchone()[0]  # fmt: skip
        figures["sizes"] = su.execute(
            "select pg_total_relation_size('reports'), pg_relation_size('reports'), pg_indexes_size('reports')"
        ).fetchone()
        figures["server"] = su.execute("show server_version").fetchone()[0]
        figures["settings"] = dict(su.execute(
            "select name, setting || coalesce(unit, '') from pg_settings where name in "
            "('shared_buffers', 'work_mem', 'jit', 'max_parallel_workers_per_gather', 'random_page_cost')"
        ).fetchall())  # fmt: skip

        section(f"statistics_for vs the floor: tenant {slug} (id {tenant_id}), weeks {weeks[0]} .. {weeks[-1]}")
        clock = SqlClock()
        remove = clock.install(engine)
        floor_db = floor_connection(setup.env, tenant_id)
        try:
            log(f"warm-up: {len(weeks)} weeks, est and floor")
            mismatches: list[str] = []
            week_totals: list[int] = []
            for monday in weeks:
                _, est = est_statistics(tenant_id, monday)
                _, floor = floor_counts(floor_db, tenant_id, monday)
                week_totals.append(est["total"])
                mismatches += [f"{monday}: {m}" for m in compare_with_est(est, floor)]
            figures["mismatches"] = mismatches
            figures["week_totals"] = week_totals
            log(f"floor vs est, {len(weeks)} weeks: {'identical counts' if not mismatches else 'DIFFERENT'}")
            for line in mismatches[:10]:
                print(f"    {line}")
            est_times: list[float] = []
            sql_times: list[float] = []
            sql_counts: list[int] = []
            floor_times: list[float] = []
            for round_number in range(args.rounds):
                for index, monday in enumerate(weeks):
                    order = ("est", "floor") if (index + round_number) % 2 == 0 else ("floor", "est")
                    for which in order:
                        if which == "est":
                            elapsed, _ = est_statistics(tenant_id, monday, clock)
                            est_times.append(elapsed)
                            sql_times.append(clock.seconds)
                            sql_counts.append(clock.count)
                        else:
                            floor_times.append(floor_counts(floor_db, tenant_id, monday)[0])
            figures["est"] = est_times
            figures["est_sql"] = sql_times
            figures["est_statements"] = statistics.median(sql_counts)
            figures["floor"] = floor_times
            for name, values in (("est statistics_for", est_times), ("  of which SQL", sql_times),
                                 ("floor (1 statement)", floor_times)):  # fmt: skip
                ms = [v * 1000 for v in values]
                print(f"  {name:<22} n={len(ms):<4} p50 {percentile(ms, 0.5):7.2f} ms   "
                      f"p95 {percentile(ms, 0.95):7.2f} ms   min {min(ms):7.2f}   max {max(ms):7.2f}")  # fmt: skip
            breakdown: dict[str, list[float]] = {}
            for monday in weeks:
                for part, seconds in est_breakdown(tenant_id, monday).items():
                    breakdown.setdefault(part, []).append(seconds * 1000)
            figures["breakdown"] = {part: statistics.median(values) for part, values in breakdown.items()}
            figures["round_trip"] = percentile([t * 1000 for t in round_trips(floor_db)], 0.5)
            print("  est's parts, called one by one (median ms): "
                  + ", ".join(f"{part} {ms:.2f}" for part, ms in figures["breakdown"].items()))  # fmt: skip
            print(f"  one round trip (select 1 on an open connection): p50 {figures['round_trip']:.3f} ms")
            print(f"  reports per week for this tenant: median {statistics.median(week_totals):.0f} "
                  f"(min {min(week_totals)}, max {max(week_totals)}); SQL statements per compile: "
                  f"{figures['est_statements']:.0f}")  # fmt: skip

            section("compile_step: the whole plan of a cycle (statistics + storing), org model A")
            job_weeks = past_deadline(tenant_id, weeks)[-args.job_weeks :]
            if not job_weeks:
                raise RuntimeError("no sampled week has passed its reporting deadline: seed more weeks")
            direct: list[list[tuple[str, float, int]]] = []
            via_job: list[list[tuple[str, float, int]]] = []
            for monday in job_weeks:
                direct.append(compile_plan(tenant_id, monday, via_job=False))
            for monday in job_weeks:
                via_job.append(compile_plan(tenant_id, monday, via_job=True))
            figures["direct"], figures["via_job"] = direct, via_job
            for title, runs in (("direct compile_step + commit", direct),
                                ("through core.jobs.enqueue, in-process (recompiled in place)", via_job)):  # fmt: skip
                print(f"  {title}, {len(runs)} weeks, median ms:")
                steps = [key for key, _, _ in runs[0]]
                for position, key in enumerate(steps):
                    values = [run[position][1] * 1000 for run in runs]
                    reports = runs[-1][position][2]
                    print(f"    {key:<28} {statistics.median(values):8.1f} ms   ({reports} reports in the latest week)")
                plan_totals = [sum(s for _, s, _ in run) * 1000 for run in runs]
                print(f"    {'whole plan':<28} {statistics.median(plan_totals):8.1f} ms")

            section("EXPLAIN (ANALYZE, BUFFERS): every statement of one compile (the plan's last step), then the floor")
            clock.capture = []
            starts: dict[str, int] = {}
            plan_run = compile_plan(tenant_id, job_weeks[-1], via_job=False,
                                    on_step=lambda key: starts.__setitem__(key, len(clock.capture or [])))  # fmt: skip
            captured = clock.capture
            clock.capture = None
            figures["captured"] = len(captured)
            last_key = plan_run[-1][0]
            last_step = captured[starts[last_key] :]
            seen: set[str] = set()
            plans = explain_captured(tenant_id, last_step)
            seen.update(s for s, _, _ in plans)
            extra = explain_captured(tenant_id, captured, only_new=seen)
            print(f"  compile of the plan captured {len(captured)} statements; the last step, '{last_key}', issued "
                  f"{len(last_step)} ({plan_run[-1][1] * 1000:.1f} ms): each of them below, then the other "
                  f"statements of the run that differ in text (tenant, cycle, plan; leg-scoped steps)")  # fmt: skip
            for number, (statement, elapsed, plan) in enumerate([*plans, *extra], start=1):
                print(f"\n  [{number}] {elapsed * 1000:.2f} ms as issued  {compact_sql(statement)}")
                print("\n".join(f"      {line}" for line in plan.splitlines()))
            parameters = floor_parameters(tenant_id, weeks[-1])
            plan = "\n".join(r[0] for r in floor_db.execute("EXPLAIN (ANALYZE, BUFFERS) " + FLOOR_SQL, parameters))
            print(f"\n  [floor] {compact_sql(FLOOR_SQL, 200)}")
            print("\n".join(f"      {line}" for line in plan.splitlines()))
        finally:
            remove()
            floor_db.close()
    return figures


def summary(args: argparse.Namespace, setup: Setup, figures: dict[str, Any], command: str) -> None:
    est_ms = [v * 1000 for v in figures["est"]]
    floor_ms = [v * 1000 for v in figures["floor"]]
    sql_ms = [v * 1000 for v in figures["est_sql"]]
    p50, p95, floor_p50 = percentile(est_ms, 0.5), percentile(est_ms, 0.95), percentile(floor_ms, 0.5)
    ratio = p50 / floor_p50
    checks = [
        ("est p50", f"{p50:.1f} ms", f"<= {TARGET_P50_MS:.0f} ms", p50 <= TARGET_P50_MS),
        ("est p95", f"{p95:.1f} ms", f"<= {TARGET_P95_MS:.0f} ms", p95 <= TARGET_P95_MS),
        ("est p50 / floor p50", f"{ratio:.1f} x", f"<= {TARGET_RATIO:.0f} x", ratio <= TARGET_RATIO),
    ]
    seed_total = sum(setup.timings.values())
    if setup.timings:
        seed_ok = seed_total <= TARGET_SEED_S
        checks.append(("set-up + seed", f"{seed_total:.0f} s", f"<= {TARGET_SEED_S:.0f} s", seed_ok))
    figures["passed"] = all(ok for *_, ok in checks[:3]) and not figures["mismatches"]
    total, heap, indexes = figures["sizes"]
    load1, load5, _ = os.getloadavg()
    section("summary")
    print(f"  machine     {len(os.sched_getaffinity(0))} CPUs (nproc), {platform.machine()}, "
          f"Python {platform.python_version()}, PostgreSQL {figures['server']}, "
          f"load average {load1:.2f}/{load5:.2f}")  # fmt: skip
    print("  postgres    " + ", ".join(f"{k}={v}" for k, v in sorted(figures["settings"].items())))
    print(f"  data        {figures['tenants']} tenants (6 areas, org model A, Örebro checklist, weekly), "
          f"{figures['reports']:,} reports; reports table {total / 2**30:.2f} GiB total "
          f"(heap {heap / 2**30:.2f} GiB, indexes {indexes / 2**30:.2f} GiB)")  # fmt: skip
    print(f"  tenant      {figures['tenant']} (id {figures['tenant_id']}): {figures['tenant_reports']:,} reports, "
          f"~{statistics.median(figures['week_totals']):.0f} a week; weeks {figures['weeks'][0]} .. "
          f"{figures['weeks'][1]} ({len(figures['week_totals'])} weeks x {args.rounds} round(s), "
          f"after a warm-up)")  # fmt: skip
    when = "" if setup.created else f" (reused {setup.database}; seeded {setup.seeded_at or 'earlier'} by this script)"
    if setup.timings:
        print("  seeding     " + ", ".join(f"{k} {v:.1f} s" for k, v in setup.timings.items())
              + f", total {sum(setup.timings.values()):.0f} s; {setup.seed_rows:,} rows inserted{when}")  # fmt: skip
    else:
        print(f"  seeding     skipped{when}")
    print(f"  est         statistics_for p50 {p50:.1f} ms, p95 {p95:.1f} ms; of which SQL p50 "
          f"{percentile(sql_ms, 0.5):.1f} ms in {figures['est_statements']:.0f} statements")  # fmt: skip
    print("  est parts   " + ", ".join(f"{part} {ms:.1f} ms" for part, ms in figures["breakdown"].items())
          + f" (medians); one round trip {figures['round_trip']:.2f} ms")  # fmt: skip
    print(f"  floor       one statement p50 {floor_p50:.2f} ms, p95 {percentile(floor_ms, 0.95):.2f} ms; counts "
          f"{'identical to est' if not figures['mismatches'] else 'DIFFERENT from est (see above)'}")  # fmt: skip
    for title, key in (("compile", "direct"), ("via job", "via_job")):
        runs = figures[key]
        steps = {name: statistics.median(run[i][1] * 1000 for run in runs) for i, (name, _, _) in enumerate(runs[0])}
        whole = statistics.median(sum(s for _, s, _ in run) * 1000 for run in runs)
        print(f"  {title:<11} whole plan {whole:.1f} ms (median of {len(runs)} weeks): "
              + ", ".join(f"{name} {ms:.1f}" for name, ms in steps.items()))  # fmt: skip
    print("  targets")
    for name, value, target, ok in checks:
        print(f"    {name:<22} {value:>10}   target {target:<10} {'PASS' if ok else 'FAIL'}")
    print(f"  command     {command}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="20 tenants x 1 year instead of 300 x 5 years")
    parser.add_argument("--tenants", type=int, default=0, help="tenants to onboard (300; quick 20)")
    parser.add_argument("--weeks", type=int, default=0, help="weeks of history (260; quick 52)")
    parser.add_argument("--per-week", type=int, default=100, help="mean reports per tenant and week (100)")
    parser.add_argument("--samples", type=int, default=50, help="weeks measured (50)")
    parser.add_argument("--rounds", type=int, default=1, help="timed passes over the weeks (1)")
    parser.add_argument("--job-weeks", type=int, default=3, help="weeks for the compile_step / job timings (3)")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)), help="seeding connections (nproc)")
    parser.add_argument(
        "--seed-with-fks",
        action="store_true",
        help="insert with the foreign keys of reports in place (slower) instead of re-adding them",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument("--reuse", metavar="DBNAME", help="use (and keep) this database; seed it if needed")
    args = parser.parse_args()
    args.tenants = args.tenants or (20 if args.quick else 300)
    args.weeks = args.weeks or (52 if args.quick else 260)
    if min(args.tenants, args.weeks, args.per_week, args.samples, args.rounds, args.job_weeks, args.jobs) < 1:
        parser.error("counts must be at least 1")
    if args.samples > args.weeks - 2:
        parser.error("--samples must leave two earlier weeks of history for the comparisons")
    if args.tenants > 999:
        parser.error("at most 999 tenants (slugs bench-001 .. bench-999)")
    started = datetime.now(UTC)
    log(f"lagesbild_compile: {'quick' if args.quick else 'full'} run, started {started:%Y-%m-%d %H:%M} UTC")
    return bench(args)


if __name__ == "__main__":
    sys.exit(main())
