"""The machine codes of errors: every error answer carries one in ``error`` (beside ``code``, the HTTP status, and
``message``, the text for people), so that clients never parse text. The OpenAPI document lists them as the enum of
the Error schema's ``error`` field. A code, once published, keeps its meaning; add new ones here.

Codes name what went wrong, ``<subject>.<problem>``; the generic ones stand for an HTTP status when nothing more
precise applies. Field-level errors (``errors``) carry texts only; their error's code says what kind they are
(``validation.invalid`` for a request that does not match its schema).
"""

from __future__ import annotations

from collections.abc import Mapping

# code → what it means (English, for the OpenAPI document and developers)
CODES: Mapping[str, str] = {
    # generic, one per HTTP status
    "request.malformed": "The request could not be read (400).",
    "auth.required": "Authentication is needed (401).",
    "auth.forbidden": "The caller's role does not allow this (403).",
    "not_found": "No such object, or not one the caller may see (404).",
    "method.not_allowed": "The method is not allowed here; see Allow (405).",
    "conflict": "Conflicts with the current state (409).",
    "etag.stale": "If-Match does not match: somebody changed the object since it was read (412).",
    "request.too_large": "The request is too large (413).",
    "request.unsupported_media_type": "Send application/json (415).",
    "validation.invalid": "The request does not match its schema; see errors (422).",
    "etag.missing": "If-Match is required: read the object and send its ETag (428).",
    "rate.limited": "Too many attempts; see Retry-After (429).",
    "internal": "An unexpected error (500).",
    "unavailable": "A service est needs is not reachable (503).",
    "workflow.transition_not_allowed": "The subject's state machine does not lead from its state to that one (409).",
    "workflow.guard_missing": "The org model's guards still miss something; errors names each (409).",
    "distribution.not_found": "No such distribution list (404).",
    "database.busy": "The embedded database is busy with another writer; send the request again (503, Retry-After).",
    "auth.platform_admin_only": "Only platform administrators may do this (403).",
    "auth.role_required": "The caller's role in the tenant is too low (403).",
    "auth.malformed": "The Authorization header is not 'Bearer <token>' (401).",
    "auth.token_invalid": "The token is unknown or expired (401).",
    "auth.csrf": "A cookie session's change lacks the right X-CSRF-Token (403).",
    "auth.credentials_wrong": "Wrong e-mail address or password (401).",
    "auth.password_wrong": "The current password given does not match (422).",
    "auth.login_throttled": "Too many failed logins for the account or address; see Retry-After (429).",
    "request.bad_character": "Text holds NUL or a lone surrogate, which cannot be stored (422).",
    "conflict.duplicate": "A unique value exists already: another request was first (409).",
    "conflict.concurrent": "Somebody else changed the same thing at the same time (409).",
    "key.unknown": "A key names no active object of the tenant (422).",
    "member.not_found": "No such member (404).",
    "member.last_admin": "The change would leave the tenant without an admin (409).",
    "password.weak": "The password breaks the password policy (422).",
    "invitation.member_already": "The invited address belongs to a member already (409).",
    "invitation.not_found": "No such invitation (404).",
    "invitation.closed": "The invitation is accepted or revoked already (409).",
    "invitation.gone": "The invitation does not exist, has expired or is used (404).",
    "invitation.password_required": "A new account needs a password (422).",
    "invitation.login_required": "The invited address has an account: log in as it (401).",
    "invitation.other_account": "Logged in as another account than the invited one (403).",
    "tenant.not_found": "No such tenant (404).",
    "meeting.not_found": "No meeting is recorded for the cycle (404).",
    "cycle.not_found": "No such cycle (404).",
    "cycle.too_far_ahead": "A cycle opens at most one period ahead (422).",
    "auth.group_required": "Only members of the groups the org model names may do this (403).",
    "cycle.transition_not_allowed": "The cycle cannot move from its state to the one asked (409).",
    "cycle.steps_uncompiled": "Steps of the compilation plan are not compiled yet; see errors.steps (409).",
    "cycle.assessment_missing": "The joint l\u00e4gesbild has no assessment (409).",
    "cycle.meeting_missing": "The meeting record is missing (409).",
    "cycle.risk_missing": "The meeting has given no area a risk value (409).",
    "meeting.closed": "The cycle's meeting record can no longer change (409).",
    "lagesbild.not_found": "No such l\u00e4gesbild (404).",
    "cycle.not_compiling": "Compiling happens only while the cycle is compiling (409).",
    "area.unknown": "No such area (422).",
    "lagesbild.not_compiled": "The l\u00e4gesbild is not compiled (409).",
    "lagesbild.published_already": "The l\u00e4gesbild is published already (409).",
    "lagesbild.not_assessed": "Only an assessed l\u00e4gesbild can be published (409).",
    "lagesbild.superseded": "There is a newer version of the l\u00e4gesbild (409).",
    "lagesbild.step_unknown": "The step is not in the cycle's compilation plan (422).",
    "lagesbild.own_leg_only": "Each party compiles its own reports (403).",
    "lagesbild.compiler_leg_only": "Another leg compiles this period (403).",
    "lagesbild.published_by_cycle": "A cycle's l\u00e4gesbild is published by moving the cycle (409).",
    "report.invalid": "A report's field is wrong; see errors (422).",
    "report.item_unknown": "The item is not on the tenant's checklist (422).",
    "report.item_retired": "The item is no longer in use (422).",
    "report.area_unknown": "No such active area (422).",
    "report.item_other_leg": "The item is answered by another leg than the reporter's organisation (422).",
    "report.place_outside_sweden": "The point lies outside Sweden (422).",
    "report.place_outside_area": "The point lies outside the report's area (422).",
    "report.in_future": "The moment lies in the future (422).",
    "report.window_invalid": "The time window ends before its start or lasts more than 31 days (422).",
    "report.severity_out_of_scale": "The severity is outside the tenant's scale (422).",
    "report.own_organisation_only": "A reporter reports for their own organisation only (422).",
    "report.own_function_only": "A reporter reports for their own function only (422).",
    "report.function_other_organisation": "The reporter function belongs to another organisation (422).",
    "report.period_compiled": "The report's period is compiled; the report can no longer change (409).",
    "report.not_found": "No such report, or not one the caller may see (404).",
    "import.file_empty": "The uploaded file is empty (422).",
    "import.file_refused": "The file cannot be read as a table; see errors.file (422).",
    "import.format_unknown": "The file is neither CSV nor XLSX (422).",
    "import.columns_wrong": "The file's header has missing or unknown columns (422).",
    "import.row_invalid": "A row of the import is wrong; see errors (422).",
    "checklist.invalid": "The checklist content is not valid; see errors (422).",
    "checklist.not_published": "The tenant has no published checklist (404).",
    "checklist.version_not_found": "No such checklist version (404).",
    "checklist.draft_exists": "There is a draft already (409).",
    "checklist.published_immutable": "Published checklist versions never change (409).",
    "proposal.not_found": "No such proposal (404).",
    "proposal.invalid": "The proposal is not valid; see errors (422).",
    "proposal.closed": "The proposal is answered already (409).",
    "proposal.answer_invalid": "The answer's status does not fit the proposal's kind (422).",
    "tenant.invalid": "The onboarding document is not valid; see errors (422).",
    "tenant.exists": "A tenant with that slug exists already (409).",
    "privacy.personal_data": "Free text holds an identifier of a person; see errors (422).",
    # --- lägesbild renderings
    "rendering.pdf_unavailable": "PDF rendering needs system libraries (Pango) this server lacks (503).",
    "rendering.version_forbidden": "The caller's role may not read this version of the lägesbild (403).",
}

STATUS_CODES: Mapping[int, str] = {
    400: "request.malformed",
    401: "auth.required",
    403: "auth.forbidden",
    404: "not_found",
    405: "method.not_allowed",
    409: "conflict",
    412: "etag.stale",
    413: "request.too_large",
    415: "request.unsupported_media_type",
    422: "validation.invalid",
    428: "etag.missing",
    429: "rate.limited",
    500: "internal",
    503: "unavailable",
}


def checked(code: str) -> str:
    """``code`` if it is registered; an unknown code is a defect of the caller."""
    if code not in CODES:
        raise ValueError(f"unregistered error code {code!r}: add it to core.error_codes.CODES")
    return code


def for_status(status: int) -> str:
    """The generic code of an HTTP status (``internal`` for one without)."""
    return STATUS_CODES.get(status, "internal" if status >= 500 else "request.malformed")
