"""Swedish first, English available: the catalogues, the choice of language, machine error codes, and the check
that no message bypasses the catalogue. (Every response of the whole suite is also checked for messages of the
other language: tests/language_check.py, hooked in tests/conftest.py.)"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from core import error_codes
from core.i18n import LazyText, catalogue, format_moment, use_locale
from core.i18n.catalogue import ROOT
from tests.cycle_helpers import Tenant
from tests.helpers import Api

EN = {"Accept-Language": "en"}
ME = "/api/v1/auth/me"


def test_both_catalogues_hold_every_message_translated() -> None:
    """Every message id of the code, the templates and marshmallow is in sv and en, translated, none fuzzy, none
    stale (run `est i18n update` and translate the empty sv entries)."""
    for locale, result in catalogue.check().items():
        assert result.ok, (locale, result)


# The callables whose arguments people read. A string literal or f-string anywhere in their arguments (not inside
# _(), N_(), _l(), gettext() or ngettext(), and not a machine value such as "answered" or a code=) bypasses the
# catalogue. `est i18n update` then finds nothing to translate; wrap the text in _() instead (README, "Languages").
MESSAGE_CALLS = {
    "DomainError", "NotFound", "Conflict", "PersonalDataError", "ReportErrors", "OnboardingError", "FileError",
    "ValidationError", "InvalidPeriod", "ClickException", "refuse", "fail", "abort", "notify", "BadRequest",
}  # fmt: skip
TRANSLATING = {"_", "N_", "_l", "gettext", "ngettext", "tenant_text"}
MACHINE_VALUE = re.compile(r"^[a-z0-9_.:-]*$")
MACHINE_KEYWORDS = {"code", "error", "kind", "key"}


def _name(node: ast.expr) -> str | None:
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None


def _bypasses(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, ast.Call) and _name(node.func) in TRANSLATING:
        return []
    if isinstance(node, ast.JoinedStr):
        return [node]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [] if MACHINE_VALUE.match(node.value) else [node]
    if isinstance(node, ast.Dict):
        return [found for value in node.values for found in _bypasses(value)]
    return [found for child in ast.iter_child_nodes(node) for found in _bypasses(child)]


def literal_messages(path: Path) -> list[str]:
    """``file:line`` of every text passed to a message-carrying callable without the catalogue."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and _name(node.func) in MESSAGE_CALLS:
            arguments = [*node.args, *(k.value for k in node.keywords if k.arg not in MACHINE_KEYWORDS)]
            for argument in arguments:
                found += [f"{path.relative_to(ROOT)}:{hit.lineno}" for hit in _bypasses(argument)]
    return found


def test_no_message_bypasses_the_catalogue() -> None:
    found = [hit for path in sorted((ROOT / "core").rglob("*.py")) for hit in literal_messages(path)]
    assert found == []


def test_the_bypass_check_finds_plain_swedish_messages(tmp_path: Path) -> None:
    """What a change made in parallel adds (plain Swedish strings) is found, wherever the text sits."""
    source = tmp_path / "core_module.py"
    source.write_text(
        "raise Conflict('Cykeln är stängd.')\n"
        "raise DomainError(_('Fine.'), {'field': [f'Högst {n} tecken.']}, code='validation.invalid')\n"
        "raise DomainError(_('Fine.'), {'status': ['answered']}, status=403)\n"
        "abort(403, message='Endast admin.', error='auth.forbidden')\n"
        "fail('area', 'Finns inte.', 'report.area_unknown')\n"
    )
    hits = [hit.rsplit(":", 1)[1] for hit in literal_messages_in(source)]
    assert hits == ["1", "2", "4", "5"]


def literal_messages_in(path: Path) -> list[str]:
    import tests.test_i18n as me

    original, me.ROOT = me.ROOT, path.parent
    try:
        return literal_messages(path)
    finally:
        me.ROOT = original


def test_every_error_code_in_the_code_is_registered_and_in_the_openapi_document(api: Api) -> None:
    used = set()
    for path in (ROOT / "core").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _name(node.func) in MESSAGE_CALLS | {"apply"}:
                for keyword in node.keywords:
                    if keyword.arg in ("code", "error") and isinstance(keyword.value, ast.Constant):
                        used.add(keyword.value.value)
                for value in node.args[2:3] if _name(node.func) == "fail" else ():
                    if isinstance(value, ast.Constant):
                        used.add(value.value)
            if isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    if isinstance(key, ast.Constant) and key.value == "error" and isinstance(value, ast.Constant):
                        used.add(value.value)
    assert used - set(error_codes.CODES) == set()
    assert "report.item_unknown" in used and "etag.stale" in error_codes.CODES
    spec = api.get("/api/v1/openapi.json").get_json()
    error = spec["components"]["schemas"]["Error"]["properties"]["error"]
    assert error["enum"] == sorted(error_codes.CODES)
    with pytest.raises(ValueError, match="unregistered"):
        error_codes.checked("report.nonsense")


def test_swedish_by_default_english_on_request(api: Api) -> None:
    body = {"email": "inte-en-adress"}
    swedish = api.post("/api/v1/auth/tokens", json=body).get_json()
    assert swedish == {
        "code": 422,
        "status": "Unprocessable Entity",
        "error": "validation.invalid",
        "message": "Uppgifterna är inte giltiga; se errors.",
        "errors": {"email": ["Ingen giltig e-postadress."], "password": ["Fältet krävs."]},
    }
    english = api.post("/api/v1/auth/tokens", json=body, headers={"Accept-Language": "en-GB,en;q=0.9"}).get_json()
    assert english["message"] == "The data is not valid; see errors."
    assert english["errors"] == {
        "email": ["Not a valid email address."],
        "password": ["Missing data for required field."],
    }
    assert english["error"] == swedish["error"]
    for header in ("de", "sv;q=0.5, en;q=0.4", "*"):
        assert (
            api.get("/api/v1/finns-inte", headers={"Accept-Language": header}).get_json()["message"] == "Hittades inte."
        )
    assert api.get("/api/v1/finns-inte", headers={**EN}).get_json() == {
        "code": 404, "status": "Not Found", "error": "not_found", "message": "Not found."
    }  # fmt: skip
    bad = api.get(ME, headers={"Authorization": "Bearer nope", **EN}).get_json()
    assert (bad["error"], bad["message"]) == ("auth.token_invalid", "Invalid or expired token.")


def test_412_and_428_and_domain_errors_carry_code_and_text_in_both_languages(api: Api) -> None:
    t = Tenant(api)
    cycle = t.cycle("2024-03-12T12:00:00+01:00")
    url = f"{t.base}/cycles/{cycle['id']}/transitions"
    for headers, missing, stale in (
        ({}, "If-Match saknas: hämta objektet och skicka dess ETag.", "Någon annan har ändrat detta sedan du "
         "hämtade det (If-Match stämmer inte). Hämta det igen."),
        (EN, "If-Match is missing: read the object and send its ETag.", "Somebody else has changed this since you "
         "read it (If-Match does not match). Read it again."),
    ):  # fmt: skip
        answer = api.post(url, t.admin, json={"to": "compiling"}, headers=dict(headers))
        assert (answer.status_code, answer.get_json()["error"], answer.get_json()["message"]) == (
            428, "etag.missing", missing
        )  # fmt: skip
        answer = api.post(url, t.admin, json={"to": "compiling"}, headers={"If-Match": '"old"', **headers})
        assert (answer.status_code, answer.get_json()["error"], answer.get_json()["message"]) == (
            412, "etag.stale", stale
        )  # fmt: skip
    report = {"item": "finns_inte", "area": t.areas["centrum"], "occurred_at": "2024-03-12T22:15:00+01:00",
              "severity": 2, "place": {"text": "Torget"}}  # fmt: skip
    for headers, text in (({}, "Punkten finns inte i checklistan."), (EN, "The item is not on the checklist.")):
        refused = api.post(f"{t.base}/reports", t.admin, json=report, headers=dict(headers)).get_json()
        assert refused["error"] == "report.item_unknown" and refused["errors"]["item"] == [text]
    late = {**report, "item": "skadegorelse", "occurred_at": "2999-03-12T22:15:00+01:00"}
    refused = api.post(f"{t.base}/reports", t.admin, json=late, headers={**EN}).get_json()
    assert refused["errors"]["occurred_at"] == ["The year must lie between 1990 and 2100."], refused


def test_a_users_own_setting_wins_over_accept_language(api: Api) -> None:
    token = api.user("lang@example.test")
    assert api.get(ME, token).get_json()["locale"] is None
    refused = api.request("PATCH", ME, token, json={"locale": "de"})
    assert refused.status_code == 422 and refused.get_json()["errors"] == {"locale": ["Måste vara något av: sv, en."]}
    changed = api.request("PATCH", ME, token, json={"locale": "en"}, headers={"Accept-Language": "sv"})
    assert changed.status_code == 200 and changed.get_json()["locale"] == "en"
    wrong = api.post("/api/v1/auth/password", token, json={"current_password": "x", "new_password": "y"})
    assert wrong.get_json()["message"] == "Wrong password." and wrong.get_json()["error"] == "auth.password_wrong"
    assert api.request("PATCH", ME, token, json={"locale": None}).get_json()["locale"] is None
    wrong = api.post("/api/v1/auth/password", token, json={"current_password": "x", "new_password": "y"})
    assert wrong.get_json()["message"] == "Fel lösenord."
    other = api.user("other@example.test")
    assert api.get(ME, other).get_json()["locale"] is None  # only the caller's own account changed


def test_pages_and_cli_speak_the_language_too(app, api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    swedish = api.client.get("/login").get_data(as_text=True)
    english = api.client.get("/login", headers={**EN}).get_data(as_text=True)
    assert '<html lang="sv">' in swedish and "Lösenord" in swedish
    assert '<html lang="en">' in english and "Password" in english and "Lösenord" not in english
    docs = api.client.get("/api/v1/docs", headers={**EN}).get_data(as_text=True)
    assert "API documentation" in docs
    weak = ["users", "create", "x@example.test", "--password", "kort"]
    assert "Lösenordet måste ha minst 12 tecken" in app.test_cli_runner().invoke(args=weak).output
    monkeypatch.setenv("EST_LOCALE", "en")
    assert "The password needs at least 12 characters" in app.test_cli_runner().invoke(args=weak).output


def test_reminders_are_written_in_each_recipients_language(app, api: Api) -> None:
    alfa = Tenant(api, "alfa")
    swede = alfa.member("svensk", "reporter", function="husvardar", organisation="bostader")
    guest = alfa.member("guest", "reporter", function="omradespolis", organisation="polis")
    assert api.request("PATCH", ME, guest, json={"locale": "en"}).status_code == 200
    platform = api.user("drift@plattform.test", admin=True)
    result = app.test_cli_runner().invoke(args=["cycles", "tick", "--now", "2024-03-19T14:00:00+01:00"])
    for job_id in result.output.split():
        assert api.wait_for_job(job_id, platform)["status"] == "finished"
    (sv,) = api.get(f"{alfa.base}/notifications", swede).get_json()["items"]
    (en,) = api.get(f"{alfa.base}/notifications", guest, headers={"Accept-Language": "sv"}).get_json()["items"]
    assert sv["subject"] == "Påminnelse: rapportera för 2024-W11"
    assert sv["body"] == "Din funktion har inte rapporterat för 2024-W11. Sista dag är onsdag 20 mars 2024 10:00."
    assert en["subject"] == "Reminder: report for 2024-W11"
    assert (
        en["body"]
        == "Your function has not reported for 2024-W11. The last day is Wednesday, March 20, 2024, 10:00\u202fAM."
    )


def test_lazy_texts_are_written_when_read_in_the_readers_language() -> None:
    text = LazyText("Longer than maximum length {max}.").format(max=5)
    assert text == "Longer than maximum length 5."  # marshmallow sees the English string
    with use_locale("sv"):
        assert str(text) == "Längre än högst 5 tecken."
    with use_locale("en"):
        assert str(text) == "Longer than maximum length 5."


def test_moments_are_formatted_by_babel_for_the_locale() -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    moment, zone = datetime(2026, 3, 20, 9, 0, tzinfo=UTC), ZoneInfo("Europe/Stockholm")
    with use_locale("sv"):
        assert format_moment(moment, zone) == "fredag 20 mars 2026 10:00"
    with use_locale("en"):
        assert format_moment(moment, zone) == "Friday, March 20, 2026, 10:00\u202fAM"
