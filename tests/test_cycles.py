"""The weekly cycle as each organisation model runs it, end to end through the API."""

from __future__ import annotations

from dataclasses import replace

import pytest

from core.app import create_app
from tests.cycle_helpers import Tenant
from tests.helpers import Api
from tests.plugins import org_model_e

W11 = "2024-03-12T12:00:00+01:00"  # ISO week 2024-W11 (Mon 11 – Sun 17 March)
W12 = "2024-03-19T12:00:00+01:00"


@pytest.mark.hook("est_cycle_compiler")
@pytest.mark.hook("est_compilation_plan")
@pytest.mark.hook("est_transition_guards")
def test_model_a_legs_compile_their_own_then_the_rota_leg_compiles_the_joint_picture(api: Api) -> None:
    t = Tenant(api)
    group = ("koordinatorsgrupp",)
    kommun = t.member("kommun", "coordinator", organisation="kommun", groups=group)
    polis = t.member("polis", "coordinator", organisation="polis", groups=group)
    bostader = t.member("bostader", "coordinator", organisation="bostader", groups=group)
    outsider = t.member("utanfor", "coordinator", organisation="kommun")
    reporters = {
        "kommun": t.member("falt", "reporter", function="faltgrupp", organisation="kommun"),
        "polis": t.member("omr", "reporter", function="omradespolis", organisation="polis"),
        "bostader": t.member("hus", "reporter", function="husvardar", organisation="bostader"),
    }
    for n, token in enumerate(reporters.values()):
        for day in range(n + 1):
            t.report(token, area="centrum", at=f"2024-03-1{2 + day}T2{day}:15:00+01:00")
    cycle = t.cycle(W11)
    assert cycle["compiler_leg"] == "polis" and cycle["state"] == "collecting"
    assert t.cycle(W12)["compiler_leg"] == "fastighetsforetag"  # the rota turns every period
    assert [s["key"] for s in cycle["plan"]] == ["part_kommun", "part_polis", "part_fastighetsforetag", "gemensam"]

    assert t.move(cycle["id"], "compiling", outsider).status_code == 403  # not in the koordinatorsgrupp
    assert t.move(cycle["id"], "compiling", kommun).status_code == 200
    assert t.compile(cycle["id"], "part_polis", kommun).status_code == 403  # each leg compiles its own
    correction = api.current("PATCH", f"{t.base}/reports/1", reporters["kommun"], json={"severity": 3})
    assert correction.status_code == 200  # still open: nothing compiled yet
    assert t.compile(cycle["id"], "gemensam", polis).status_code == 409  # the parts come first
    parts = [t.compiled(cycle["id"], f"part_{leg}", token)
             for leg, token in (("kommun", kommun), ("polis", polis), ("fastighetsforetag", bostader))]  # fmt: skip
    assert [p["statistics"]["total"] for p in parts] == [1, 2, 3]
    locked = api.current("PATCH", f"{t.base}/reports/1", reporters["kommun"], json={"severity": 1})
    assert locked.status_code == 409  # compiled: the report is now part of a picture
    assert t.compile(cycle["id"], "gemensam", kommun).status_code == 403  # this period polis compiles
    joint = t.compiled(cycle["id"], "gemensam", polis)
    assert joint["statistics"]["total"] == 6 and joint["status"] == "compiled"

    assert t.move(cycle["id"], "assessed", polis).status_code == 409  # not assessed yet
    assert t.assess(joint["id"], {"centrum": 2, "norr": 1}, polis).status_code == 200
    assert t.move(cycle["id"], "assessed", polis).status_code == 200
    late_edit = api.current("PATCH", f"{t.base}/reports/1", reporters["kommun"], json={"severity": 1})
    assert late_edit.status_code == 409  # compiled: the reporters' reports are now part of the picture
    late = t.report(reporters["kommun"], area="norr", at="2024-03-15T23:00:00+01:00")
    assert late["late"] is True  # a new report after the deadline is still accepted, marked late
    assert t.move(cycle["id"], "published", bostader).status_code == 200
    assert t.picture(joint["id"])["status"] == "published"
    assert t.move(cycle["id"], "closed", kommun).status_code == 200
    log = api.get(f"{t.base}/cycles/{cycle['id']}/log", t.admin).get_json()
    assert [(e["from_state"], e["to_state"]) for e in log] == [
        (None, "collecting"), ("collecting", "compiling"), ("compiling", "assessed"), ("assessed", "published"),
        ("published", "closed"),
    ]  # fmt: skip
    assert all(e["by_user"] for e in log[1:])


def test_illegal_transitions_are_409_naming_the_allowed_states(api: Api) -> None:
    t = Tenant(api)
    cycle = t.cycle(W11)
    response = t.move(cycle["id"], "published")
    assert response.status_code == 409
    assert response.get_json()["errors"]["allowed"] == ["compiling"]
    stale = api.post(f"{t.base}/cycles/{cycle['id']}/transitions", t.admin, json={"to": "compiling"},
                     headers={"If-Match": '"old"'})  # fmt: skip
    assert stale.status_code == 412
    reporter = t.member("rapportor", "reporter", function="faltgrupp", organisation="kommun")
    assert t.move(cycle["id"], "compiling", reporter).status_code == 403


@pytest.mark.hook("est_proposal_route")
def test_model_b_rolls_local_pictures_up_and_sends_proposals_to_the_chief_group(api: Api) -> None:
    t = Tenant(api, org_model="B", org_model_options={})
    strategic = t.member("strategisk", "coordinator", organisation="polis",
                         groups=("strategisk", "lokal_centrum", "lokal_norr"))  # fmt: skip
    local = t.member("lokal", "coordinator", organisation="kommun", groups=("lokal_centrum",))
    chief = t.member("chef", "coordinator", organisation="kommun", groups=("chefsgrupp",))
    reporter = t.member("falt", "reporter", function="faltgrupp", organisation="kommun")
    for day, area in enumerate(["centrum", "centrum", "norr", "centrum", "norr"]):
        t.report(reporter, area=area, at=f"2024-03-1{1 + day}T1{day}:00:00+01:00",
                 item="brand" if day % 2 else "skadegorelse")  # fmt: skip
    cycle = t.cycle(W11)
    assert cycle["compiler_leg"] is None
    assert [s["key"] for s in cycle["plan"]] == ["lokal_centrum", "lokal_norr", "hela_kommunen"]
    assert t.move(cycle["id"], "compiling", local).status_code == 403  # the strategic group runs the cycle
    assert t.move(cycle["id"], "compiling", strategic).status_code == 200
    centrum = t.compiled(cycle["id"], "lokal_centrum", local)
    assert t.compile(cycle["id"], "lokal_norr", local).status_code == 403  # not its area's group
    norr = t.compiled(cycle["id"], "lokal_norr", strategic)
    whole = t.compiled(cycle["id"], "hela_kommunen", strategic)
    stats = [p["statistics"] for p in (centrum, norr, whole)]
    assert stats[2]["total"] == stats[0]["total"] + stats[1]["total"] == 5
    for field in ("by_item", "by_theme", "by_area", "by_organisation"):
        summed: dict[str, int] = {}
        for part in stats[:2]:
            for key, count in part[field].items():
                summed[key] = summed.get(key, 0) + count
        assert stats[2][field] == dict(sorted(summed.items(), key=lambda kv: (-kv[1], kv[0]))), field
    assert [a + b for a, b in zip(stats[0]["by_hour"], stats[1]["by_hour"], strict=True)] == stats[2]["by_hour"]
    assert whole["statistics"]["rolled_up"] == [centrum["id"], norr["id"]]

    body = {"title": "Kameraövervakning vid torget", "from_group": "strategisk"}
    proposal = api.post(f"{t.base}/proposals", strategic, json=body).get_json()
    assert (proposal["kind"], proposal["target_group"], proposal["status"]) == ("proposal", "chefsgrupp", "open")
    url = f"{t.base}/proposals/{proposal['id']}"
    etag = api.get(url, chief).headers["ETag"]
    denied = api.post(f"{url}/answer", strategic, json={"status": "accepted"}, headers={"If-Match": etag})
    assert denied.status_code == 403
    decided = api.post(f"{url}/answer", chief, json={"status": "accepted", "answer": "Beviljas"},
                       headers={"If-Match": etag})  # fmt: skip
    assert decided.status_code == 200 and decided.get_json()["status"] == "accepted"
    assert api.get(f"{t.base}/proposals?status=open", chief).get_json()["total"] == 0


def test_model_c_produces_the_picture_at_the_meeting_and_keeps_a_risk_series(api: Api) -> None:
    t = Tenant(api, org_model="C", org_model_options={})
    group = t.member("operativ", "coordinator", organisation="polis", groups=("operativ_grupp",))
    reporter = t.member("falt", "reporter", function="faltgrupp", organisation="kommun")
    for week, at in enumerate((W11, W12)):
        t.report(reporter, area="norr", at=at)
        cycle = t.cycle(at)
        assert [s["key"] for s in cycle["plan"]] == ["motet"]
        assert t.move(cycle["id"], "compiling", group).status_code == 200
        picture = t.compiled(cycle["id"], "motet", group)
        assert t.assess(picture["id"], {"norr": 3}, group).status_code == 200
        refused = t.move(cycle["id"], "assessed", group)
        assert refused.status_code == 409  # model C's guards: everything missing is named
        assert refused.get_json()["errors"] == {"meeting": ["mötesprotokoll saknas"], "risk": ["riskvärde saknas"]}
        etag = api.get(f"{t.base}/cycles/{cycle['id']}", group).headers["ETag"]
        english = api.post(f"{t.base}/cycles/{cycle['id']}/transitions", group, json={"to": "assessed"},
                           headers={"If-Match": etag, "Accept-Language": "en"}).get_json()  # fmt: skip
        assert english["message"] == "Missing: meeting record missing; risk value missing."  # the plugin's texts too
        assert english["errors"] == {"meeting": ["meeting record missing"], "risk": ["risk value missing"]}
        meeting = {"held_at": f"2024-03-{19 + 7 * week}T09:00:00+01:00", "form": "phone",
                   "attendees": [{"organisation": "polis", "function": "Kommunpolis"},
                                 {"organisation": "kommun", "function": "Fältgrupp"}],
                   "guests": [{"organisation": "Skolan", "function": "Rektor"}]}  # fmt: skip
        url = f"{t.base}/cycles/{cycle['id']}/meeting"
        assert api.request("PUT", url, group, json=meeting).status_code == 200
        assert t.move(cycle["id"], "assessed", group).get_json()["errors"] == {"risk": ["riskvärde saknas"]}
        too_high = {**meeting, "risk": {"area": t.areas["norr"], "value": 11}}
        assert api.request("PUT", url, group, json=too_high).status_code == 422
        risk = {**meeting, "risk": {"area": t.areas["norr"], "value": 4 + week, "comment": "Oro efter skjutning"}}
        assert api.request("PUT", url, group, json=risk).status_code == 200
        assert t.move(cycle["id"], "assessed", group).status_code == 200
        series = api.get(f"{t.base}/stats/assessments?area={t.areas['norr']}&scale=risk", group).get_json()
        assert [(p["period"], p["value"]) for p in series] == [("2024-W11", 4), ("2024-W12", 5)][: week + 1]

    form = api.post(f"{t.base}/proposals", group, json={"title": "Fler fältarbetare kvällstid"})
    assert form.status_code == 422 and "department" in form.get_json()["errors"]
    body = {"title": "Fler fältarbetare kvällstid", "department": "Socialförvaltningen"}
    form = api.post(f"{t.base}/proposals", group, json=body).get_json()
    assert (form["kind"], form["department"]) == ("forwarding_form", "Socialförvaltningen")
    url = f"{t.base}/proposals/{form['id']}"
    answered = api.post(f"{url}/answer", group, json={"status": "answered", "answer": "Utreds"},
                        headers={"If-Match": api.get(url, group).headers["ETag"]})  # fmt: skip
    assert answered.get_json()["status"] == "answered"


@pytest.mark.hook("est_cycle_transitioned")
@pytest.mark.hook("est_transition_rule")
def test_a_third_party_org_model_changes_the_decisions_without_touching_core(settings) -> None:
    # Jobs run in-process here: the plugin is registered in this app only, not in a separate worker.
    app = create_app(replace(settings, redis_url=""), extra_plugins=[org_model_e])
    api = Api(app)
    t = Tenant(api, org_model="E", org_model_options={})
    bostader = t.member("bostader", "coordinator", organisation="bostader", groups=("koordinatorsgrupp",))
    kommun = t.member("kommun", "coordinator", organisation="kommun", groups=("koordinatorsgrupp",))
    cycle = t.cycle(W11)
    assert cycle["compiler_leg"] == "fastighetsforetag"
    assert [s["key"] for s in cycle["plan"]] == ["allt"]
    org_model_e.transitions.clear()
    assert t.move(cycle["id"], "compiling", kommun).status_code == 200
    assert t.compile(cycle["id"], "allt", kommun).status_code == 403
    assert t.compiled(cycle["id"], "allt", bostader)["statistics"]["total"] == 0
    assert org_model_e.transitions == [("alfa", "2024-W11", "collecting", "compiling")]
    proposal = api.post(f"{t.base}/proposals", kommun, json={"title": "Ny belysning"}).get_json()
    assert proposal["target_group"] == "koordinatorsgrupp"
