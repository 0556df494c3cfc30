"""What demo reporters and coordinators write: short descriptions of what happened and where, never of anyone.

Every text is plain Swedish without names or numbers, so it passes the personal-data guard (the tests check them
all); the coordinators' assessment is built from the picture's own figures."""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

COMMENTS = {
    "samlingsplatser": ("Grupp ungdomar samlades sent på kvällen", "Högljudd samling, nedskräpning efteråt",
                        "Ungdomar från andra områden samlas här", "Trapphäng i flera uppgångar", ""),
    "skadegorelse": ("Krossad ruta i entrén", "Klotter på gavelväggen", "Anlagd brand i papperskorg",
                     "Sönderslagen belysning", "Klotter i gångtunneln", "Uppbrutet förråd", ""),
    "narkotika": ("Misstänkt langning vid kvällstid", "Lukt av cannabis i trapphuset", "Kanyler hittade",
                  "Misstänkt försäljning från bil", ""),
    "vald": ("Bråk mellan ungdomar", "Hot mot personal", "Misshandel rapporterad till polis",
             "Stenkastning mot buss", ""),
    "otillaten_paverkan": ("Personal upplever påtryckningar", "Oro för påverkan på föreningslivet", ""),
    "andra_avvikelser": ("Oro bland boende efter rykten", "Felparkerade bilar blockerar räddningsväg",
                         "Mopedåkning på gångvägar", "Otrygg belysning", ""),
    "positiv": ("Föräldravandring genomfördes", "Ny belysning uppsatt", "Välbesökt aktivitet på fritidsgården",
                "Städdag med boende", "Nattvandrare på plats hela kvällen", "Lugn helg i området"),
}  # fmt: skip
EARLY_ACTIONS = ("Fastighetsskötare kontaktad", "Sanering beställd", "Polispatrull informerad",
                 "Fältgruppen på plats", "Felanmälan gjord", "Samtal med ungdomarna på plats")  # fmt: skip
EARLY_ACTION_SHARE = 0.3
MARK = "demodata"  # in what coordinators write, so demo pictures, meetings and moves are recognisable
THEME_NAMES = {"samlingsplatser": "samlingar", "skadegorelse": "skadegörelse", "narkotika": "narkotika",
               "vald": "våld och hot", "otillaten_paverkan": "otillåten påverkan",
               "andra_avvikelser": "andra avvikelser", "positiv": "positiva händelser"}  # fmt: skip
WEEKDAYS = ("måndagar", "tisdagar", "onsdagar", "torsdagar", "fredagar", "lördagar", "söndagar")
CONDITIONS = ("Lugnt läge i området.", "I stort sett lugnt, enstaka händelser.", "Oroligt läge, främst kvällstid.",
              "Allvarligt läge som kräver samordnade insatser.")  # fmt: skip
ACTIONS = ("Ökad närvaro kvällstid", "Riktad städning och sanering", "Samtal med ungdomar i området",
           "Extra belysning och trygghetsvandring")  # fmt: skip


def comment_for(rng: random.Random, theme: str) -> str:
    return rng.choice(COMMENTS[theme])


def early_action_for(rng: random.Random, theme: str) -> str:
    return rng.choice(EARLY_ACTIONS) if theme != "positiv" and rng.random() < EARLY_ACTION_SHARE else ""


def area_assessment(statistics: dict[str, Any], area_id: int, area_key: str, level: int, levels: int) -> dict:
    """One area's part of the assessment (fig 10.3) from the picture's figures: conditions, direction, the main
    problem with where and when, one action and the positive observations."""
    rows = [r for r in statistics["rows"] if r["area_key"] == area_key]
    problems = [r for r in rows if not r["positive"]]
    previous = (statistics["direction"].get("previous") or {}).get("by_area", {}).get(area_key)
    entry: dict[str, Any] = {
        "area": area_id,
        "level": level,
        "conditions": CONDITIONS[min(len(CONDITIONS) - 1, (level - 1) * len(CONDITIONS) // levels)],
        "direction": previous["trend"] if previous else "same",
        "actions_continue": level > 1,
        "further_actions_needed": level == levels,
    }
    if problems:
        theme = _most(r["theme"] or "andra_avvikelser" for r in problems)
        place = _most(r["place_text"] for r in problems if r["place_text"])
        moments = [datetime.fromisoformat(r["occurred_at"]) for r in problems]
        weekday = _most(m.weekday() for m in moments)
        part = _most(_part_of_day(m.hour) for m in moments)
        entry["problems"] = [{"vad": THEME_NAMES.get(theme, theme).capitalize(), "var": place or "",
                              "nar": f"Främst {WEEKDAYS[weekday]}, {part}", "hur": "", "orsaker": ""}]  # fmt: skip
        if level > 1:
            entry["actions"] = [{"what": ACTIONS[(level - 2) % len(ACTIONS)], "where": place or "",
                                 "status": "continuing" if level > 2 else "new"}]  # fmt: skip
    positives = [r for r in rows if r["positive"]]
    if positives:
        entry["positive"] = "Positiva händelser rapporterades, bland annat aktiviteter och trygghetsvandringar."
    return entry


def summary(levels: list[int], scale: list[str]) -> str:
    worst = scale[max(levels) - 1] if levels else scale[0]
    return (f"{MARK.capitalize()}. Veckans lägesbild bygger på samtliga rapporter. "
            f"Högsta bedömning i något område: {worst.lower()}.")  # fmt: skip


def meeting_notes() -> str:
    return (f"{MARK.capitalize()}. Genomgång av veckans rapporter, bedömning per område och beslut om fortsatta "
            "insatser.")  # fmt: skip


def _most(values) -> Any:
    counts: dict[Any, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return max(counts, key=counts.get) if counts else None


def _part_of_day(hour: int) -> str:
    return "nattetid" if hour < 5 else "dagtid" if hour < 17 else "kvällstid"
