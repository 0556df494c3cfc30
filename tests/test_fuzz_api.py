"""Schemathesis over the whole OpenAPI document, as a tenant admin: no input gives a 500, and every response is
the one the document describes.

Every operation the document lists is fuzzed (so endpoints added later are covered without editing this file),
with positive and negative data, a fixed seed and ``EXAMPLES`` examples per operation. The checks are
``not_a_server_error``, ``response_schema_conformance`` and ``status_code_conformance``. Every operation documents
its own error statuses and flask-smorest's ``default`` response, the one error shape ``{code, status, message,
errors}`` that every error of est has: so any status conforms, and its body is checked against that shape. The
counts are printed so CI shows them.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from tests.helpers import Api

EXAMPLES = 50
SLUG = "alfa"
ADMIN = "admin@alfa.se"
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]


@dataclass
class Tally:
    """What the run did and found: printed at the end, asserted to hold no failure."""

    operations: int = 0
    cases: int = 0
    failures: Counter = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)

    def record(self, group: FailureGroup, label: str) -> None:
        for failure in group.exceptions:
            kind = type(failure).__name__
            self.failures[kind] += 1
            self.examples.setdefault(f"{kind} {label}", failure.title + ": " + failure.message[:400])

    def summary(self) -> str:
        server = self.failures["ServerError"]
        schema = self.failures["JsonSchemaError"] + self.failures["MalformedJson"]
        other = sum(self.failures.values()) - server - schema
        return (
            f"schemathesis: {self.operations} operations, {self.cases} cases, {server} server errors, "
            f"{schema} response-schema violations, {other} other failures"
        )


class Caller:
    """The tenant admin the fuzzer acts as. Its own membership is never deleted or demoted and its own token never
    revoked (where ``GET /api/v1/auth/tokens`` lists it); should a fuzzed request under ``/auth/`` still have ended
    its token, a new one is minted."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.token = api.user(ADMIN, tenant=SLUG, role="admin")
        members = api.get(f"/api/v1/tenants/{SLUG}/members", self.token).get_json()["items"]
        self.membership_id = next(m["id"] for m in members if m["email"] == ADMIN)
        tokens = api.get("/api/v1/auth/tokens", self.token)
        items = tokens.get_json().get("items") if tokens.status_code == 200 else None
        self.token_id = max(item["id"] for item in items) if items else None  # the caller's only token

    def protects(self, case: schemathesis.Case) -> bool:
        ids = set((case.path_parameters or {}).values())
        own_membership = case.method in ("DELETE", "PATCH") and self.membership_id in ids and "member" in case.path
        own_token = case.method == "DELETE" and case.path.startswith("/api/v1/auth/tokens") and self.token_id in ids
        return own_membership or own_token

    def keep_authenticated(self, case: schemathesis.Case) -> None:
        if (
            case.path.startswith("/api/v1/auth/")
            and self.api.get(f"/api/v1/tenants/{SLUG}/areas", self.token).status_code == 401
        ):
            self.token = self.api.user(ADMIN, tenant=SLUG, role="admin")


def fuzz_operation(operation: APIOperation, caller: Caller, tally: Tally) -> None:
    """``EXAMPLES`` cases of ``operation``, positive and negative ones drawn together, on the test tenant."""
    slug = {"slug": SLUG} if "slug" in {p.name for p in operation.path_parameters} else None
    cases = st.one_of([operation.as_strategy(mode, path_parameters=slug) for mode in GenerationMode])

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases)
    def run(case: schemathesis.Case) -> None:
        if caller.protects(case):
            return
        tally.cases += 1
        try:
            case.call_and_validate(headers={"Authorization": f"Bearer {caller.token}"}, checks=CHECKS)
        except FailureGroup as group:
            tally.record(group, operation.label)
        except Exception as error:  # the test client re-raises what the app did not handle: a 500
            tally.failures["ServerError"] += 1
            tally.examples.setdefault(f"ServerError {operation.label}", repr(error)[:400])
        caller.keep_authenticated(case)

    run()


def test_fuzz_the_whole_api(app: Flask, api: Api, capsys: pytest.CaptureFixture) -> None:
    api.onboard(SLUG)
    caller = Caller(api)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    tally = Tally()
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        tally.operations += 1
        fuzz_operation(operation, caller, tally)
    line = f"{tally.summary()} in {time.monotonic() - started:.0f} s"
    with capsys.disabled():
        print(f"\n{line}")
    assert not tally.failures, "\n".join([line, *(f"{k}: {v}" for k, v in tally.examples.items())])


pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
