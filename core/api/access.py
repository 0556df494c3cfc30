"""Who may call what. Deny by default: every API view declares its access rule with one of these
decorators, the rule is documented in the OpenAPI operation, and start-up fails for a view without one.

Put the decorator directly below ``@blp.route``, so that access is decided before ETags, arguments or
anything else are looked at (an outsider gets 401/404, never a 428 or 422 that reveals more).
"""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from functools import wraps
from typing import TypeVar

from flask import Flask, g
from flask_smorest import abort

from core.accounts.models import Role
from core.i18n import _

F = TypeVar("F", bound=Callable)
SECURITY = [{"bearerAuth": []}, {"sessionCookie": []}]


def _declare(who: str, check: Callable[[], None] | None, errors: tuple[int, ...]) -> Callable[[F], F]:
    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if check is not None:
                check()
            return view(*args, **kwargs)

        apidoc = deepcopy(getattr(view, "_apidoc", {}))
        manual = apidoc.setdefault("manual_doc", {})
        manual["description"] = f"**Who may call:** {who}."
        if check is not None:
            manual["security"] = SECURITY
        manual.setdefault("responses", {}).update({str(code): f"E{code}" for code in errors})
        wrapper._apidoc = apidoc  # type: ignore[attr-defined]
        wrapper._est_access = who  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator


def _require_user() -> None:
    if g.get("user") is None:
        abort(401, message=_("Authentication is required (Authorization: Bearer <token>)."))


def public(view: F) -> F:
    """Anyone, without logging in."""
    return _declare("anyone, without logging in", None, ())(view)


def authenticated(view: F) -> F:
    """Any logged-in user."""
    return _declare("any logged-in user", _require_user, (401,))(view)


def platform_admin(view: F) -> F:
    """Platform administrators only."""

    def check() -> None:
        _require_user()
        if not g.user.is_platform_admin:
            abort(403, message=_("Platform administrators only."), error="auth.platform_admin_only")

    return _declare("platform administrators", check, (401, 403))(view)


def tenant_role(role: Role) -> Callable[[F], F]:
    """Members of the URL's tenant with at least ``role`` (reporter < coordinator < admin), and platform
    administrators. Non-members get 404, so a tenant's existence is not revealed to outsiders."""

    def check() -> None:
        _require_user()
        if g.get("tenant") is None:
            abort(404, message=_("Not found."))
        if g.user.is_platform_admin:
            return
        membership = g.get("membership")
        if membership is None:
            abort(404, message=_("Not found."))
        if Role(membership.role).rank < role.rank:
            abort(403, message=_("Requires the role {role}.", role=role.value), error="auth.role_required")

    who = f"members of the tenant with role {role.value} or higher, and platform administrators"
    return _declare(who, check, (401, 403, 404))


def has_tenant_role(role: Role) -> bool:
    """For views whose output depends on the caller's role (e.g. a reporter sees only their own rows)."""
    if g.user.is_platform_admin:
        return True
    membership = g.get("membership")
    return membership is not None and Role(membership.role).rank >= role.rank


def assert_every_view_declares_access(app: Flask, prefix: str) -> None:
    """Deny by default: refuse to start when an API view has no access rule."""
    undeclared = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(prefix) or rule.endpoint.startswith("api-docs."):
            continue
        if not hasattr(app.view_functions[rule.endpoint], "_est_access"):
            undeclared.append(f"{rule.rule} ({rule.endpoint})")
    if undeclared:
        raise RuntimeError("API views without an access rule: " + ", ".join(undeclared))
