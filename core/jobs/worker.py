"""`est worker`: a real rq worker, with rq's scheduler, running jobs in the est app."""

from __future__ import annotations

from flask import Flask

from core.jobs import runner


def run_worker(app: Flask, *, burst: bool = False) -> None:
    from redis import Redis
    from rq import Queue, Worker

    settings = app.config["EST"]
    if not settings.redis_url:
        raise SystemExit("EST_REDIS_URL is not set: without Redis, jobs run in-process and need no worker.")
    runner.worker_app = app
    runner.fail_abandoned(app)
    # The work horse forks; the engine's pool is disposed in the child (see core.db.make_engine).
    app.extensions["est.engine"].dispose()
    connection = Redis.from_url(settings.redis_url)
    worker = Worker([Queue(settings.queue_name, connection=connection)], connection=connection)
    worker.work(with_scheduler=True, burst=burst)
