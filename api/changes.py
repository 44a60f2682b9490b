"""The change feed (/api/v1/changes/?since=<timepoint>): what happened to the published
directory since a time, from the history records, in the order it happened.

Each event names an entry (kind, id, slug), what happened to it in public (created,
updated, published, archived, deleted), the fields that changed, the timepoint, and the
entry's values after the event in the columns of the data releases: a release plus the feed
from the release's timepoint gives the directory now. A draft's changes never appear; an
entry entering published status appears as published, leaving it as archived.

Pages are read by cursor on (history time, kind, history id): each request reads a bounded
number of history records, and `next` continues after the last one read (polled later, it
returns what happened meanwhile)."""

import base64
import binascii
import json
from dataclasses import dataclass
from functools import cached_property

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from enterprises.models import Status
from releases.tables import TABLES_BY_NAME
from releases.writing import csv_value

from .language import message_language
from .pagination import bad_parameter

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
SCAN = 500  # history records read per request, whatever is filtered out
MAX_PARAMETER = 200


@dataclass(frozen=True)
class Kind:
    """An entry kind of the feed: its release table, its key (None: rows known by id
    only), whether its rows are public only when published (reference rows are always
    public), and the entries it belongs to, as (column, kind name): a recognition, product,
    exhibit, target or statement is public only while they are (a null column: none)."""

    name: str
    table: str
    key: str | None = "slug"
    has_status: bool = True
    parents: tuple = ()

    @cached_property
    def model(self):
        return TABLES_BY_NAME[self.table].model

    @cached_property
    def history(self):
        return self.model.history.model

    @cached_property
    def columns(self):
        return [column.name for column in TABLES_BY_NAME[self.table].columns]

    def visible(self, record):
        """Whether the row is public by itself (its own status), its parents aside."""
        if record is None or record.history_type == "-":
            return False
        return not self.has_status or record.status == Status.PUBLISHED

    def slug(self, record):
        return None if self.key is None else getattr(record, self.key)


KINDS = [
    Kind("enterprise", "enterprises"),
    Kind("exhibition", "exhibitions"),
    Kind("policy", "policies"),
    Kind("indicator", "indicators"),
    Kind("person", "people"),
    Kind("region", "regions", has_status=False),
    Kind("industry", "industries", key="code", has_status=False),
    Kind(
        "recognition",
        "recognitions",
        key=None,
        has_status=False,
        parents=(("enterprise_id", "enterprise"),),
    ),
    Kind("product", "products", parents=(("enterprise_id", "enterprise"),)),
    Kind(
        "exhibit",
        "exhibits",
        key=None,
        has_status=False,
        parents=(("product_id", "product"), ("exhibition_id", "exhibition")),
    ),
    Kind("target", "policy_targets", has_status=False, parents=(("initiative_id", "policy"),)),
    Kind(
        "statement",
        "statements",
        parents=(("person_id", "person"), ("enterprise_id", "enterprise")),
    ),
]
KIND_INDEX = {kind.name: index for index, kind in enumerate(KINDS)}
BY_NAME = {kind.name: kind for kind in KINDS}
# For each kind, the kinds that belong to it and the column that names it.
CHILDREN = {
    kind.name: [
        (child, column) for child in KINDS for column, name in child.parents if name == kind.name
    ]
    for kind in KINDS
}


class Ledger:
    """The rows' history as the feed reads it: a row's record at a time, and whether it was
    public then, its parents' state included. Records are read once per request, for many
    rows at a time."""

    def __init__(self):
        self.records = {}  # (kind name, id) -> [records by time], each loaded once

    def load(self, kind, ids, until):
        wanted = {i for i in ids if i is not None and (kind.name, i) not in self.records}
        if not wanted:
            return
        found = {i: [] for i in wanted}
        rows = kind.history.objects.filter(id__in=wanted, history_date__lte=until).order_by(
            "history_date", "history_id"
        )
        for record in rows:
            found[record.id].append(record)
        for i, records in found.items():
            self.records[kind.name, i] = records

    def record_at(self, kind, pk, time, until):
        if (kind.name, pk) not in self.records:
            self.load(kind, [pk], until)
        latest = None
        for record in self.records[kind.name, pk]:
            if record.history_date > time:
                break
            latest = record
        return latest

    def prepare(self, records, until):
        """Load the parents (and theirs) of these records in one query per kind."""
        level = records
        while level:
            wanted = {}
            for kind, record in level:
                for column, name in kind.parents:
                    wanted.setdefault(name, set()).add(getattr(record, column))
            level = []
            for name, ids in wanted.items():
                parent = BY_NAME[name]
                self.load(parent, ids, until)
                if parent.parents:
                    level += [
                        (parent, record) for i in ids for record in self.records.get((name, i), [])
                    ]

    def parents_public(self, kind, record, time, until, skip=None):
        """Whether every entry the record belongs to was public at `time` (the parent
        named by `skip`, a column, aside)."""
        for column, name in kind.parents:
            pk = getattr(record, column)
            if column == skip or pk is None:
                continue
            parent = BY_NAME[name]
            if not self.public(parent, self.record_at(parent, pk, time, until), time, until):
                return False
        return True

    def public(self, kind, record, time, until):
        return kind.visible(record) and self.parents_public(kind, record, time, until)


def json_value(value):
    """A value as the feed writes it: JSON's own types where they fit, else the release
    CSV's text (dates, times in UTC, decimals)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    return csv_value(value)


@dataclass(frozen=True)
class Position:
    """Where the feed is: after the history record at (time, kind index, history id)."""

    time: object
    kind: int = len(KINDS)
    history_id: int = 0

    def encode(self):
        raw = json.dumps([self.time.isoformat(), self.kind, self.history_id]).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text):
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            moment, kind, history_id = json.loads(raw)
            time = parse_datetime(moment)
        except (binascii.Error, ValueError, TypeError):
            time = None
        valid = (
            time is not None
            and time.tzinfo is not None
            and isinstance(kind, int)
            and isinstance(history_id, int)
            and 0 <= kind <= len(KINDS)
            and 0 <= history_id < 2**63
        )
        if not valid:
            raise bad_parameter("cursor", _("This cursor is not one the API gave."))
        return cls(time, kind, history_id)

    def after(self, index):
        """Q of kind `index`'s history records after this position."""
        if index > self.kind:
            return Q(history_date__gte=self.time)
        if index == self.kind:
            return Q(history_date__gt=self.time) | Q(
                history_date=self.time, history_id__gt=self.history_id
            )
        return Q(history_date__gt=self.time)


def since_position(text):
    if len(text) > MAX_PARAMETER or "\x00" in text:
        raise bad_parameter("since", _("Give a timepoint such as 2026-01-31T08:00:00Z."))
    try:
        time = parse_datetime(text.replace(" ", "+"))
    except ValueError:
        time = None
    if time is None:
        raise bad_parameter("since", _("Give a timepoint such as 2026-01-31T08:00:00Z."))
    if time.tzinfo is None:
        raise bad_parameter("since", _("Give the timepoint's time zone (Z for UTC)."))
    if time > timezone.now():
        # A reader starting there would be told it is caught up, and miss what happens
        # until then.
        raise bad_parameter("since", _("Give a timepoint that is not in the future."))
    return Position(time)


def page_size(text):
    if text is None:
        return DEFAULT_PAGE_SIZE
    if not text.isdigit() or len(text) > 4 or not 1 <= int(text) <= MAX_PAGE_SIZE:
        message = _("Give a whole number from 1 to %(max)s.") % {"max": MAX_PAGE_SIZE}
        raise bad_parameter("page_size", message)
    return int(text)


def previous_record(history):
    """The history id of each record's predecessor (the same row's record before it)."""
    earlier = Q(history_date__lt=OuterRef("history_date")) | Q(
        history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id")
    )
    before = history.objects.filter(earlier, id=OuterRef("id"))
    return Subquery(before.order_by("-history_date", "-history_id").values("history_id")[:1])


def records_after(position):
    """The next SCAN history records of every kind after `position`, in feed order, each
    as (record, kind index), with `record.previous` its predecessor or None."""
    found = []
    for index, kind in enumerate(KINDS):
        history = kind.history
        rows = (
            history.objects.filter(position.after(index))
            .annotate(previous_id=previous_record(history))
            .order_by("history_date", "history_id")[:SCAN]
        )
        found += [(record, index) for record in rows]
    found.sort(key=lambda pair: (pair[0].history_date, pair[1], pair[0].history_id))
    found = found[:SCAN]
    for index, kind in enumerate(KINDS):
        wanted = [r.previous_id for r, i in found if i == index and r.previous_id is not None]
        history = kind.history
        previous = history.objects.in_bulk(wanted, field_name="history_id") if wanted else {}
        for record, i in found:
            if i == index:
                record.previous = previous.get(record.previous_id)
    return found


def change(kind, record, happened, fields, values):
    return {
        "kind": kind.name,
        "id": record.id,
        "slug": kind.slug(record),
        "event": happened,
        "fields": fields,
        "timepoint": json_value(record.history_date),
        "values": values,
    }


def row_values(kind, record):
    return {name: json_value(getattr(record, name)) for name in kind.columns}


def events_of(kind, record, ledger, until):
    """The public events a history record makes: its own (none for a draft's change, or a
    change of nothing a release holds), then, when the entry became or stopped being
    public, those of the rows that belong to it and come or go with it."""
    time, previous = record.history_date, record.previous
    # Each side with its own parents (a row may move from one entry to another).
    before = kind.visible(previous) and ledger.parents_public(kind, previous, time, until)
    now = kind.visible(record) and ledger.parents_public(kind, record, time, until)
    if not before and not now:
        return []
    fields = [
        name
        for name in kind.columns
        if record.previous is None or getattr(record, name) != getattr(record.previous, name)
    ]
    if before and now:
        return (
            [change(kind, record, "updated", fields, row_values(kind, record))] if fields else []
        )
    if now:
        happened = "created" if record.previous is None else "published"
        own = change(kind, record, happened, fields, row_values(kind, record))
    else:
        happened = "deleted" if record.history_type == "-" else "archived"
        own = change(kind, record, happened, [], None)
    return [own, *belonging(kind, record.id, time, now, ledger, until)]


def belonging(kind, pk, time, now, ledger, until):
    """The rows of the entry `pk` of `kind` that were public but for it, as of `time`: they
    become public with it (`now`) or stop being public with it, and so on down."""
    found = []
    for child, column in CHILDREN[kind.name]:
        ids = list(
            child.history.objects.filter(**{column: pk}, history_date__lte=time)
            .values_list("id", flat=True)
            .distinct()
        )
        ledger.load(child, ids, until)
        for child_pk in sorted(ids):
            record = ledger.record_at(child, child_pk, time, until)
            if record is None or getattr(record, column) != pk or not child.visible(record):
                continue
            if not ledger.parents_public(child, record, time, until, skip=column):
                continue
            if now:
                values = row_values(child, record)
                found.append(change(child, record, "published", list(child.columns), values))
            else:
                found.append(change(child, record, "archived", [], None))
            found[-1]["timepoint"] = json_value(time)
            found += belonging(child, child_pk, time, now, ledger, until)
    return found


def read_feed(position, size):
    """Up to `size` events after `position`, the position to continue from, and whether
    nothing more is there to read now. An entry's events and those of the rows that come or
    go with it are never split across pages, unless they alone are more than a page."""
    events, ledger = [], Ledger()
    found = records_after(position)
    until = found[-1][0].history_date if found else position.time
    ledger.prepare([(KINDS[index], record) for record, index in found], until)
    for read, (record, index) in enumerate(found, 1):
        happened = events_of(KINDS[index], record, ledger, until)
        if events and len(events) + len(happened) > size:
            return events, position, False
        position = Position(record.history_date, index, record.history_id)
        events += happened
        if len(events) >= size:
            return events, position, read == len(found) < SCAN
    # Caught up: every record there is was read (not only the first SCAN of them).
    return events, position, len(found) < SCAN


class ChangeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField([kind.name for kind in KINDS])
    id = serializers.IntegerField()
    slug = serializers.CharField(allow_null=True)
    event = serializers.ChoiceField(["created", "updated", "published", "archived", "deleted"])
    fields = serializers.ListField(child=serializers.CharField())
    timepoint = serializers.DateTimeField()
    values = serializers.DictField(allow_null=True)


class ChangePageSerializer(serializers.Serializer):
    next = serializers.URLField()
    caught_up = serializers.BooleanField()
    results = ChangeSerializer(many=True)


class ChangeFeedView(APIView):
    """What changed in the published directory since a timepoint, oldest first."""

    http_method_names = ["get", "head"]

    @extend_schema(
        operation_id="changes_list",
        parameters=[
            OpenApiParameter("since", str, description="A timepoint (ISO 8601 with zone)."),
            OpenApiParameter("cursor", str, description="The `next` link's cursor."),
            OpenApiParameter("page_size", int, description=f"1 to {MAX_PAGE_SIZE}."),
        ],
        responses=ChangePageSerializer,
    )
    def get(self, request):
        with translation.override(message_language(request)):
            position = self.position(request.query_params)
            size = page_size(request.query_params.get("page_size"))
        events, position, caught_up = read_feed(position, size)
        query = request.query_params.copy()
        query.pop("since", None)
        query["cursor"] = position.encode()
        response = Response(
            {
                "next": request.build_absolute_uri(f"{request.path}?{query.urlencode()}"),
                "caught_up": caught_up,
                "results": events,
            }
        )
        response["Cache-Control"] = "no-cache"
        return response

    def position(self, params):
        cursor, since = params.get("cursor"), params.get("since")
        if cursor is not None:
            if len(cursor) > MAX_PARAMETER:
                raise bad_parameter("cursor", _("This cursor is not one the API gave."))
            return Position.decode(cursor)
        if since is None:
            raise bad_parameter("since", _("Give the timepoint to start from."))
        return since_position(since)
