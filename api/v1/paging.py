"""Pages of a list: ``?page=&per_page=``, the page object in the body and ``Link`` /
``X-Total-Count`` headers. A page past the end is empty (200), never a 404.

    {"items": […], "page": {"number": 2, "per_page": 25, "total_items": 130,
                            "total_pages": 6}}
    Link: <…/api/v1/courses?page=1&per_page=25>; rel="first", <…?page=1…>; rel="prev", …
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import marshmallow as ma
from flask import request
from sqlalchemy import Select, func, select

from academy.extensions import db
from academy.web.urls import public_path_url


@dataclass(frozen=True)
class PageInfo:
    number: int
    per_page: int
    total_items: int

    @property
    def total_pages(self) -> int:
        return max(math.ceil(self.total_items / self.per_page), 1)

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page

    def as_dict(self) -> dict[str, int]:
        return {
            "number": self.number,
            "per_page": self.per_page,
            "total_items": self.total_items,
            "total_pages": self.total_pages,
        }


class PageSchema(ma.Schema):
    number = ma.fields.Integer(metadata={"description": "Nummer dieser Seite (ab 1)"})
    per_page = ma.fields.Integer(metadata={"description": "Einträge je Seite"})
    total_items = ma.fields.Integer(metadata={"description": "Einträge insgesamt"})
    total_pages = ma.fields.Integer(metadata={"description": "Seiten insgesamt"})


def page_schema(item: type[ma.Schema], name: str) -> type[ma.Schema]:
    """The schema of one page of ``item`` rows (``items`` and ``page``)."""
    return ma.Schema.from_dict(
        {
            "items": ma.fields.List(ma.fields.Nested(item), required=True),
            "page": ma.fields.Nested(PageSchema, required=True),
        },
        name=name,
    )


def page_of(
    statement: Select[Any], args: dict[str, Any], options: Sequence[Any] = ()
) -> tuple[list[Any], PageInfo]:
    """One page of ``statement`` (one ORM entity per row, loaded with ``options``): a
    count and a page query (plus the loader options' own)."""
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    info = PageInfo(args["page"], args["per_page"], int(total or 0))
    if info.offset >= info.total_items:
        return [], info
    page = statement.options(*options).limit(info.per_page).offset(info.offset)
    return list(db.session.scalars(page).unique()), info


def page_of_list(items: Sequence[Any], args: dict[str, Any]) -> tuple[list[Any], PageInfo]:
    info = PageInfo(args["page"], args["per_page"], len(items))
    return list(items[info.offset : info.offset + info.per_page]), info


def _link(number: int, per_page: int) -> str:
    query = {k: v for k, v in request.args.items() if k not in ("page", "per_page")}
    query.update(page=str(number), per_page=str(per_page))
    return public_path_url(request.path) + "?" + urlencode(sorted(query.items()))


def listed(items: list[Any], info: PageInfo, **extra: Any) -> tuple[dict[str, Any], int, dict]:
    """The body, status and headers of a page (for ``@bp.response``)."""
    links = {"first": 1, "last": info.total_pages}
    if info.number > 1:
        links["prev"] = min(info.number - 1, info.total_pages)
    if info.number < info.total_pages:
        links["next"] = info.number + 1
    header = ", ".join(
        f'<{_link(number, info.per_page)}>; rel="{rel}"' for rel, number in links.items()
    )
    headers = {"Link": header, "X-Total-Count": str(info.total_items)}
    return {"items": items, "page": info.as_dict(), **extra}, 200, headers
