"""Pagination: ``?page=&page_size=`` in, ``{items, page, page_size, total}`` out.

``page`` is bounded so that no offset can overflow a database integer (a huge page number is a 422, never
a 500).
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from sqlalchemy import Select, func, select

from core.api.fields import Integer
from core.tenancy import current_session

MAX_PAGE = 1_000_000


class PageArgs(ma.Schema):
    page = Integer(load_default=1, validate=ma.validate.Range(min=1, max=MAX_PAGE))
    page_size = Integer(load_default=50, validate=ma.validate.Range(min=1, max=200))


_page_schemas: dict[type, type] = {}


def page_of(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """The page envelope schema for ``item_schema`` (one per item schema, named for OpenAPI)."""
    if item_schema not in _page_schemas:
        name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
        _page_schemas[item_schema] = type(
            name,
            (ma.Schema,),
            {
                "items": ma.fields.List(ma.fields.Nested(item_schema)),
                "page": Integer(),
                "page_size": Integer(),
                "total": Integer(),
            },
        )
    return _page_schemas[item_schema]


def paginate(statement: Select, args: dict[str, Any]) -> dict[str, Any]:
    session = current_session()
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    page, size = args["page"], args["page_size"]
    items = session.scalars(statement.limit(size).offset((page - 1) * size)).all()
    return {"items": items, "page": page, "page_size": size, "total": total}
