"""A plugin that records every announcement it hears: in ``calls``, and as JSON lines, with the id of the process
that heard it, in the file ``record_to`` names (set by a test, or by the job that installs the plugin in a real
worker: ``tests.job_functions``). ``probe``, when a test sets it, is asked what the database holds for the
announced object at the moment of the call."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from core.plugin_api import LagesbildInfo, ReportInfo, TenantInfo, hookimpl

calls: list[tuple[str, str, Any, Any]] = []
record_to: str | None = None
probe: Callable[[str, Any], Any] | None = None


def _record(hook: str, tenant: TenantInfo, info: ReportInfo | LagesbildInfo) -> None:
    seen = probe(hook, info) if probe is not None else None
    calls.append((hook, tenant.slug, info, seen))
    if record_to is not None:
        with open(record_to, "a", encoding="utf-8") as file:
            file.write(json.dumps([hook, tenant.slug, asdict(info), os.getpid()], default=str) + "\n")


@hookimpl
def est_report_submitted(tenant: TenantInfo, report: ReportInfo) -> None:
    _record("est_report_submitted", tenant, report)


@hookimpl
def est_lagesbild_compiled(tenant: TenantInfo, lagesbild: LagesbildInfo) -> None:
    _record("est_lagesbild_compiled", tenant, lagesbild)


@hookimpl
def est_lagesbild_published(tenant: TenantInfo, lagesbild: LagesbildInfo) -> None:
    _record("est_lagesbild_published", tenant, lagesbild)
