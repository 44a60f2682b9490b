"""Cursor pagination on the list's own order, read from a key (keyset), not an offset.

The order is the queryset's (a FilterSet's sort or relevance ranking, else the model's
ordering), made total by the primary key. A cursor holds the ordering values of the row it
continues from, so each page costs an index read however deep it lies, and rows added or
removed between requests never make a page repeat or skip rows.
"""

import base64
import binascii
import json

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

from enterprises.keyset import after_row, after_row_sql, field_of, keys_of

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def bad_parameter(name, message):
    return exceptions.ValidationError({name: [message]})


class KeysetPagination(BasePagination):
    """`page_size` (1 to 100, 20 by default) rows after or before the `cursor`."""

    cursor_query_param = "cursor"
    page_size_query_param = "page_size"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        size = self.page_size(request)
        self.keys = keys = keys_of(queryset)
        backwards, values = self.decode(request, queryset, keys)
        if backwards:
            keys = [key.reversed() for key in keys]
        rows = queryset.order_by(*(key.order_by() for key in keys))
        if values is not None:
            if any(key.extra is not None for key in keys):
                sql, params = after_row_sql(queryset, keys, values)
                rows = rows.extra(where=[sql], params=params)
            else:
                rows = rows.filter(after_row(keys, values))
        rows = list(rows[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        if backwards:
            rows.reverse()
        self.rows = rows
        self.has_next = more if not backwards else True
        self.has_previous = (values is not None) if not backwards else more
        if not rows:
            self.has_next = self.has_previous = False
        return rows

    def page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw in (None, ""):
            return DEFAULT_PAGE_SIZE
        try:
            size = int(raw)
        except (TypeError, ValueError):
            size = 0
        if not 1 <= size <= MAX_PAGE_SIZE or len(raw) > 3:
            raise bad_parameter(
                self.page_size_query_param,
                _("Enter a whole number from 1 to %(max)s.") % {"max": MAX_PAGE_SIZE},
            )
        return size

    def decode(self, request, queryset, keys):
        """(backwards, ordering values) from the cursor, or (False, None) without one."""
        raw = request.query_params.get(self.cursor_query_param)
        if not raw:
            return False, None
        invalid = bad_parameter(
            self.cursor_query_param,
            _("This cursor is not valid here; follow the next and previous links."),
        )
        try:
            if len(raw) > 2000:
                raise ValueError
            data = json.loads(base64.urlsafe_b64decode(raw.encode("ascii") + b"=="))
            backwards, values = data["r"], data["v"]
            if not isinstance(backwards, bool) or len(values) != len(keys):
                raise ValueError
            return backwards, [
                self.clean_value(queryset, key, value)
                for key, value in zip(keys, values, strict=True)
            ]
        except (ValueError, TypeError, KeyError, UnicodeError, binascii.Error, ValidationError):
            raise invalid from None

    @staticmethod
    def clean_value(queryset, key, value):
        if value is None:
            if not key.nullable:
                raise ValueError
            return None
        if key.extra is not None or key.name in queryset.query.annotations:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError
            return value
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise ValueError
        if isinstance(value, str) and "\x00" in value:
            raise ValueError
        try:
            field = field_of(queryset.model, key.name)
        except FieldDoesNotExist as exc:
            raise ValueError from exc
        cleaned = field.to_python(value)
        field.run_validators(cleaned)
        return cleaned

    def encode(self, row, backwards):
        values = []
        for key in self.keys:
            value = getattr(row, key.name)
            values.append(value.isoformat() if hasattr(value, "isoformat") else value)
        raw = json.dumps({"r": backwards, "v": values}, separators=(",", ":"), default=str)
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    def link(self, row, backwards):
        # From the decoded parameters: a raw query string may hold unescaped UTF-8.
        query = self.request.query_params.copy()
        query[self.cursor_query_param] = self.encode(row, backwards)
        return self.request.build_absolute_uri(self.request.path) + "?" + query.urlencode()

    def get_next_link(self):
        return self.link(self.rows[-1], False) if self.has_next else None

    def get_previous_link(self):
        if not self.has_previous:
            return None
        return self.link(self.rows[0], True)

    def get_paginated_response(self, data):
        return Response(
            {"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data}
        )

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {"next": link, "previous": link, "results": schema},
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "The position in the list, from a next or previous link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page, 1 to {MAX_PAGE_SIZE} ({DEFAULT_PAGE_SIZE}).",
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": MAX_PAGE_SIZE,
                    "default": DEFAULT_PAGE_SIZE,
                },
            },
        ]
