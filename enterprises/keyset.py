"""A total order read as keys, and the rows after a given row in it (keyset reading).

The order is a queryset's own (a FilterSet's sort or relevance ranking, else the model's
ordering), made total by the primary key. Reading on from the ordering values of the last
row costs an index read however deep it lies, and rows added or removed meanwhile never
make a reader repeat or skip rows: the API's cursor pages and the streamed downloads both
read this way.
"""

from dataclasses import dataclass, replace

from django.db import connections
from django.db.models import F, OrderBy, Q


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
