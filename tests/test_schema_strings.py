"""Meta-test: every string est loads is free text through the personal-data guard, or a checked format.

A string a request (or an onboarding file, a checklist, an import row) carries is stored or acted on. If it is not
a ``FreeText`` and not held to a format (an e-mail address, a key, one of a set, a pattern), a person's name or
number could be stored through it unchecked. The schemas walked are those of every view's arguments in the API
and those the services load themselves; a schema used neither as input nor as a response is an error too, so a
new schema cannot go unclassified (a base class of one that is used counts as used).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import marshmallow as ma
import pytest
from flask import Flask
from marshmallow import class_registry

from core.api import ErrorSchema
from core.api.fields import PeriodLabel
from core.checklists.content import ChecklistContentSchema
from core.privacy import FreeText
from core.tenants.schemas import TenantSpecSchema
from tests.fixtures.tenant_doc import tenant_doc


@pytest.fixture(autouse=True)
def clean_database() -> Iterator[None]:
    """These tests only read schemas: nothing to wipe after them."""
    yield


# Loaded by a service rather than as a view's arguments (the checklist comes as a dict inside a draft's body).
LOADED_BY_SERVICES: list[type[ma.Schema]] = [ChecklistContentSchema]
# A format: the value must be one of a set, match a pattern, or be a parsed kind of string.
FORMAT_VALIDATORS = (ma.validate.OneOf, ma.validate.Regexp, ma.validate.Equal, ma.validate.ContainsOnly)
FORMAT_FIELDS = (ma.fields.Email, ma.fields.Url, ma.fields.UUID, PeriodLabel)
# Secrets are hashed, never stored or shown as text.
SECRETS = {"password", "current_password", "new_password"}


def _views(app: Flask) -> Iterator[Callable[..., Any]]:
    for view in app.view_functions.values():
        view_class = getattr(view, "view_class", None)
        if view_class is None:
            yield view
        else:
            yield from (getattr(view_class, method.lower()) for method in view_class.methods or ())


def _schema(schema: ma.Schema | type[ma.Schema]) -> ma.Schema:
    return schema() if isinstance(schema, type) else schema


def argument_schemas(app: Flask) -> list[ma.Schema]:
    return [
        _schema(parameter["schema"])
        for view in _views(app)
        for parameter in getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", [])
    ]


def response_schemas(app: Flask) -> list[ma.Schema]:
    return [
        _schema(response["schema"])
        for view in _views(app)
        for responses in getattr(view, "_apidoc", {}).get("response", {}).get("responses", {}).values()
        for response in responses
        if response.get("schema") is not None
    ]


def _inner_fields(field: ma.fields.Field) -> Iterator[ma.fields.Field]:
    if isinstance(field, ma.fields.List):
        yield field.inner
    elif isinstance(field, ma.fields.Tuple):
        yield from field.tuple_fields
    elif isinstance(field, ma.fields.Mapping):
        yield from (inner for inner in (field.key_field, field.value_field) if inner is not None)


def loaded_fields(schema: ma.Schema, seen: set[type] | None = None) -> Iterator[tuple[str, ma.fields.Field]]:
    """Every field a load of ``schema`` fills, with a dotted name, through nested schemas and containers."""
    seen = set() if seen is None else seen
    if type(schema) in seen:
        return
    seen.add(type(schema))
    pending = [(f"{type(schema).__name__}.{name}", field) for name, field in schema.load_fields.items()]
    while pending:
        name, field = pending.pop()
        yield name, field
        if isinstance(field, ma.fields.Nested):
            yield from loaded_fields(field.schema, seen)
        pending.extend((f"{name}[]", inner) for inner in _inner_fields(field))


def schema_classes(schemas: list[ma.Schema]) -> set[type]:
    """The classes of ``schemas`` and of every schema nested in them."""
    found: set[type] = set()
    for schema in schemas:
        list(loaded_fields(schema, found))
        for field in schema.dump_fields.values():
            nested = field.inner if isinstance(field, ma.fields.List) else field
            if isinstance(nested, ma.fields.Nested):
                found |= schema_classes([nested.schema])
    return found


def unguarded(schema: ma.Schema) -> list[str]:
    """The strings a load of ``schema`` takes that are neither free text nor a format."""
    return sorted(
        name
        for name, field in loaded_fields(schema)
        if isinstance(field, ma.fields.String)
        and not isinstance(field, (FreeText, *FORMAT_FIELDS))
        and not any(isinstance(validator, FORMAT_VALIDATORS) for validator in field.validators)
        and not (field.load_only and name.rsplit(".", 1)[-1] in SECRETS)
    )


def input_schemas(app: Flask) -> list[ma.Schema]:
    return [*argument_schemas(app), *(schema() for schema in LOADED_BY_SERVICES)]


def test_every_loaded_string_is_free_text_or_a_format(app: Flask) -> None:
    offenders = sorted({name for schema in input_schemas(app) for name in unguarded(schema)})
    assert offenders == []


def test_every_schema_of_est_is_input_or_response(app: Flask) -> None:
    # The one error shape: the documented body of every operation's error responses.
    known = schema_classes(input_schemas(app)) | schema_classes(response_schemas(app)) | {ErrorSchema}
    est_schemas = {
        cls
        for classes in class_registry._registry.values()
        for cls in classes
        if cls.__module__.split(".")[0] in ("core", "plugins")
    }
    unclassified = {cls for cls in est_schemas - known if not any(issubclass(used, cls) for used in known)}
    assert sorted(cls.__qualname__ for cls in unclassified) == []


class Report(ma.Schema):
    comment = FreeText(validate=ma.validate.Length(max=10))
    area = ma.fields.String(validate=ma.validate.OneOf(["a"]))
    email = ma.fields.Email()
    password = ma.fields.String(load_only=True)
    summary = ma.fields.String(dump_only=True)


class Place(ma.Schema):
    text = ma.fields.String()


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, []),
        ({"note": ma.fields.String()}, ["note"]),
        ({"notes": ma.fields.List(ma.fields.String())}, ["notes[]"]),
        ({"labels": ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())}, ["labels[]", "labels[]"]),
        ({"place": ma.fields.Nested(Place)}, ["Place.text"]),
        ({"places": ma.fields.List(ma.fields.Nested(Place))}, ["Place.text"]),
        ({"key": ma.fields.String(validate=ma.validate.Regexp("^[a-z]+$"))}, []),
        ({"key": ma.fields.String(validate=ma.validate.Length(max=4))}, ["key"]),
    ],
)
def test_the_walk_finds_a_plain_string_wherever_it_is(fields: dict, expected: list[str]) -> None:
    schema = Report.from_dict(fields, name="Probe")()
    assert [name.removeprefix("Probe.") for name in unguarded(schema)] == expected


@pytest.mark.parametrize("field", ["severity_scale", "assessment_scale"])
def test_scale_labels_of_an_onboarding_document_go_through_the_guard(field: str) -> None:
    document = tenant_doc(**{field: ["Låg", "Ring 070-123 45 67"]})
    with pytest.raises(ma.ValidationError) as caught:
        TenantSpecSchema().load(document)
    assert caught.value.messages == {field: {1: ["Innehåller ett telefonnummer; ta bort det."]}}
