"""Checking the groups an org model declares: unique keys, parents that exist and form no cycle, the tenant's areas.

The plugin manager checks every org model at start-up for sample tenants (:func:`sample_shapes`), so a model that
declares a broken hierarchy stops start-up with a message naming its plugin. Onboarding checks the groups again for
the tenant's own areas and options, where a problem is refused on ``org_model`` before anything is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from core.domain import GroupSpec, OrgModel, TenantShape
from core.i18n import N_, _

SAMPLE_AREAS = ("omrade_1", "omrade_2")

# What each kind of problem says (message ids; translated where a problem is described).
REASONS: Mapping[str, str] = {
    "type": N_("not a GroupSpec"),
    "duplicate": N_("duplicate group key"),
    "parent": N_("parent '{detail}' does not exist"),
    "cycle": N_("its parents form a cycle: {detail}"),
    "area": N_("area '{detail}' is not one of the tenant's areas"),
}


@dataclass(frozen=True)
class GroupProblem:
    """What is wrong with one declared group: ``reason`` is a key of :data:`REASONS`."""

    group: str
    reason: str
    detail: str = ""

    def describe(self) -> str:
        """The problem in the current locale (an operator's at start-up, the caller's at onboarding)."""
        return f"{self.group}: {_(REASONS[self.reason], detail=self.detail)}"


def sample_shapes(model: OrgModel) -> list[TenantShape]:
    """The tenants a model's groups are checked for at start-up: two areas, with none and with all of its options."""
    names = {area: f"Område {number}" for number, area in enumerate(SAMPLE_AREAS, 1)}
    return [
        TenantShape(slug="kontroll", areas=SAMPLE_AREAS, area_names=names, options=options)
        for options in ({}, dict.fromkeys(model.options, True))
    ]


def problems(groups: list[GroupSpec], shape: TenantShape) -> list[GroupProblem]:
    """Everything wrong with ``groups`` as declared for ``shape``; an empty list when they can be created."""
    found = [GroupProblem(repr(group), "type") for group in groups if not isinstance(group, GroupSpec)]
    if found:
        return found
    parents: dict[str, str | None] = {}
    for group in groups:
        if group.key in parents:
            found.append(GroupProblem(group.key, "duplicate"))
        parents[group.key] = group.parent
    for group in groups:
        if group.parent is not None and group.parent not in parents:
            found.append(GroupProblem(group.key, "parent", group.parent))
        if group.area is not None and group.area not in shape.areas:
            found.append(GroupProblem(group.key, "area", group.area))
    return found + _cycles(parents)


def _cycles(parents: dict[str, str | None]) -> list[GroupProblem]:
    """One problem per cycle of parents, named from its smallest key (a group that is its own parent included)."""
    found, seen = [], set()
    for start in sorted(parents):
        path: list[str] = []
        key: str | None = start
        while key is not None and key in parents and key not in path and key not in seen:
            path.append(key)
            key = parents[key]
        seen.update(path)
        if key in path:
            cycle = path[path.index(key) :]
            first = cycle.index(min(cycle))
            cycle = cycle[first:] + cycle[:first]
            found.append(GroupProblem(cycle[0], "cycle", " → ".join([*cycle, cycle[0]])))
    return found
