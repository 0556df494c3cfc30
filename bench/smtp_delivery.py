"""Benchmark: one real `est worker` delivers 500 outbox messages to a local SMTP server. Prints figures.

    .venv/bin/python bench/smtp_delivery.py                 # 500 recipients
    .venv/bin/python bench/smtp_delivery.py --recipients 2000

Set-up: a fresh database from ``.ci/postgres-setup`` (the worker connects as the application role, under
row-level security), ``est db upgrade``, ``est tenants sync`` of ``tenants/orebro.toml``, and the messages queued
as the schema owner with one INSERT (one per recipient, as a publication queues them). An aiosmtpd server in this
process receives them (one SMTP transaction per recipient); Redis on 127.0.0.1 with a queue of this run's own.

Measured: from ``est mail sweep`` (which enqueues the tenant's delivery job) until the server holds every message
and every row is ``sent``; the worker is started (and warm) before. Target: <= 60 s. Exit status 1 when missed.
The database, the worker and the server are removed also on failure or Ctrl-C.
"""

from __future__ import annotations

import argparse
import email
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg
from _shared import terminate_on_sigterm
from aiosmtpd.controller import Controller

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PGHOST = os.environ.get("PGHOST", "127.0.0.1")
TARGET_S = 60.0


class Counting:
    """The SMTP server's handler: counts distinct Message-IDs accepted."""

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.accepted = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's hook name)
        message_id = email.message_from_bytes(envelope.content)["Message-ID"]
        with self.lock:
            self.accepted += 1
            self.ids.add(message_id)
        return "250 2.0.0 Ok"


def run(command: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=600, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result.stdout


def superuser() -> psycopg.Connection:
    return psycopg.connect(f"postgresql://postgres@{PGHOST}/postgres", autocommit=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def sent_rows(database: str) -> int:
    with psycopg.connect(f"postgresql://est_owner@{PGHOST}/{database}") as connection:
        return connection.execute("select count(*) from outbox where status = 'sent'").fetchone()[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--recipients", type=int, default=500)
    args = parser.parse_args()
    database = f"est_bench_smtp_{secrets.token_hex(4)}"
    workdir = Path(tempfile.mkdtemp(prefix="est-bench-smtp-"))
    handler = Counting()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    worker: subprocess.Popen | None = None
    try:
        exports = {}
        base = {k: v for k, v in os.environ.items() if not k.startswith("EST_")}
        for line in run([str(REPO / ".ci" / "postgres-setup"), "--recreate", database], base).splitlines():
            key, _, value = line.removeprefix("export ").partition("=")
            exports[key] = value
        env = {**base, **exports, "EST_SECRET_KEY": secrets.token_urlsafe(32), "EST_INSTANCE_PATH": str(workdir),
               "EST_REDIS_URL": "redis://127.0.0.1:6379/0", "EST_QUEUE_NAME": f"{database}-queue",
               "EST_SMTP_HOST": "127.0.0.1", "EST_SMTP_PORT": str(port), "EST_SMTP_TLS": "none"}  # fmt: skip
        run([str(BIN / "est"), "db", "upgrade"], env)
        tenants = workdir / "tenants"
        tenants.mkdir()
        shutil.copy(REPO / "tenants" / "orebro.toml", tenants)
        run([str(BIN / "est"), "tenants", "sync", "--dir", str(tenants)], env)
        with psycopg.connect(f"postgresql://est_owner@{PGHOST}/{database}") as connection:
            connection.execute(
                "insert into outbox (tenant_id, key, to_address, subject, body, status, created_at, attempts) "
                "select t.id, 'bench:' || n, 'mottagare' || n || '@example.se', 'Lägesbild vecka 10', "
                "'Veckans lägesbild: se bifogad länk.', 'queued', now(), 0 "
                "from tenants t, generate_series(1, %s) n where t.slug = 'orebro'",
                (args.recipients,),
            )
        controller.start()
        worker = subprocess.Popen([str(BIN / "est"), "worker"], cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                                  stderr=open(workdir / "worker.log", "wb"))  # fmt: skip
        time.sleep(3)  # let the worker start (not measured)
        start = time.perf_counter()
        run([str(BIN / "est"), "mail", "sweep"], env)
        while handler.accepted < args.recipients or sent_rows(database) < args.recipients:
            if time.perf_counter() - start > 10 * TARGET_S or worker.poll() is not None:
                raise RuntimeError(f"stalled at {handler.accepted}; see {workdir / 'worker.log'}")
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        print(f"recipients: {args.recipients}, accepted by the server: {handler.accepted}, distinct Message-IDs: "
              f"{len(handler.ids)}, rows sent: {sent_rows(database)}")  # fmt: skip
        print(f"delivered by one worker in {seconds:.1f} s ({args.recipients / seconds:.0f} messages/s); "
              f"target <= {TARGET_S:.0f} s: {'met' if seconds <= TARGET_S else 'MISSED'}")  # fmt: skip
        return 0 if seconds <= TARGET_S and len(handler.ids) == args.recipients else 1
    finally:
        if worker is not None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(30)
            except subprocess.TimeoutExpired:
                worker.kill()
        controller.stop()
        with superuser() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    with terminate_on_sigterm():
        sys.exit(main())
