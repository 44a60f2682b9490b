"""Cursor pagination on the list's own order, read from a key (keyset), not an offset.

The order is the queryset's (a FilterSet's sort or relevance ranking, else the model's
ordering), made total by the primary key. A cursor holds the ordering values of the row it
continues from, so each page costs an index read however deep it lies, and rows added or
removed between requests never make a page repeat or skip rows.
"""

import base64
import binascii
import json
from dataclasses import dataclass, replace

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connections
from django.db.models import F, OrderBy, Q
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def bad_parameter(name, message):
    return exceptions.ValidationError({name: [message]})


@dataclass(frozen=True)
class Key:
    """One term of a total order: a column, annotation or extra select (the relevance
    ranking), its direction, and whether NULLs come after every value in that direction."""

    name: str
    descending: bool
    nulls_after: bool
    nullable: bool
    # The SQL of an extra select, which no Q can reach: (sql, params), else None.
    extra: tuple | None = None

    def reversed(self):
        return replace(self, descending=not self.descending, nulls_after=not self.nulls_after)

    def order_by(self):
        if self.extra is not None:
            return f"-{self.name}" if self.descending else self.name
        expression = F(self.name)
        if self.nullable:
            placement = {"nulls_last": True} if self.nulls_after else {"nulls_first": True}
        else:
            placement = {}
        return expression.desc(**placement) if self.descending else expression.asc(**placement)

    def equal(self, value):
        return Q(**{f"{self.name}__isnull": True}) if value is None else Q(**{self.name: value})

    def after(self, value):
        """Q of the rows that come after `value` in this term alone (None: nothing does)."""
        if value is None:
            return None if self.nulls_after else Q(**{f"{self.name}__isnull": False})
        q = Q(**{f"{self.name}__{'lt' if self.descending else 'gt'}": value})
        if self.nullable and self.nulls_after:
            q |= Q(**{f"{self.name}__isnull": True})
        return q


def keys_of(queryset):
    """The queryset's order as Keys, ending with the primary key."""
    query = queryset.query
    terms = list(query.order_by or query.get_meta().ordering)
    # Where NULLs go when the SQL says nothing: PostgreSQL takes them as larger than any
    # value, SQLite as smaller.
    nulls_large = connections[queryset.db].vendor != "sqlite"
    keys = []
    for term in terms:
        if isinstance(term, str):
            descending = term.startswith("-")
            name, nulls_first, nulls_last = term.lstrip("-"), False, False
        elif isinstance(term, OrderBy) and isinstance(term.expression, F):
            descending, name = term.descending, term.expression.name
            nulls_first, nulls_last = term.nulls_first, term.nulls_last
        else:
            raise TypeError(f"Cannot page by {term!r}")
        if name == "pk":
            name = queryset.model._meta.pk.name
        extra = query.extra.get(name)
        nullable = not (extra or name in query.annotations) and field_of(queryset.model, name).null
        if nulls_last or nulls_first:
            nulls_after = bool(nulls_last)
        else:
            nulls_after = nulls_large != descending
        keys.append(Key(name, descending, nulls_after, nullable, extra))
    pk = queryset.model._meta.pk.name
    if not keys or keys[-1].name != pk:
        keys.append(Key(pk, False, True, False))
    return keys


def field_of(model, name):
    return model._meta.get_field(name)


def after_row(keys, values):
    """Q of the rows after the one with these ordering values."""
    condition, same = Q(pk__in=[]), Q()
    for key, value in zip(keys, values, strict=True):
        step = key.after(value)
        if step is not None:
            condition |= same & step
        same &= key.equal(value)
    return condition


def after_row_sql(queryset, keys, values):
    """The same condition as SQL, for an order with extra selects (never NULL) and columns
    of the model's own table (the primary key)."""
    connection = connections[queryset.db]
    table = connection.ops.quote_name(queryset.model._meta.db_table)
    terms, params = [], []
    same, same_params = [], []
    for key, value in zip(keys, values, strict=True):
        if value is None:
            raise ValueError
        if key.extra is not None:
            sql, sql_params = key.extra
            expression, expression_params = f"({sql})", list(sql_params)
        else:
            column = field_of(queryset.model, key.name).column
            expression, expression_params = f"{table}.{connection.ops.quote_name(column)}", []
        placeholder = "%s"
        if isinstance(value, float) and connection.vendor == "postgresql":
            placeholder = "CAST(%s AS real)"  # ts_rank is a real: compare it as one
        operator = "<" if key.descending else ">"
        terms.append(" AND ".join([*same, f"{expression} {operator} {placeholder}"]))
        params += [*same_params, *expression_params, value]
        same.append(f"{expression} = {placeholder}")
        same_params += [*expression_params, value]
    return "(" + " OR ".join(f"({term})" for term in terms) + ")", params


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
