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
    """An entry kind of the feed: its release table, and whether its rows are public only
    when published (reference rows are always public)."""

    name: str
    table: str
    key: str = "slug"
    has_status: bool = True

    @cached_property
    def model(self):
        return TABLES_BY_NAME[self.table].model

    @cached_property
    def columns(self):
        return [column.name for column in TABLES_BY_NAME[self.table].columns]

    def visible(self, record):
        if record is None or record.history_type == "-":
            return False
        return not self.has_status or record.status == Status.PUBLISHED


KINDS = [
    Kind("enterprise", "enterprises"),
    Kind("exhibition", "exhibitions"),
    Kind("policy", "policies"),
    Kind("indicator", "indicators"),
    Kind("person", "people"),
    Kind("region", "regions", has_status=False),
    Kind("industry", "industries", key="code", has_status=False),
]


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
        history = kind.model.history.model
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
        history = kind.model.history.model
        previous = history.objects.in_bulk(wanted, field_name="history_id") if wanted else {}
        for record, i in found:
            if i == index:
                record.previous = previous.get(record.previous_id)
    return found


def event(kind, record):
    """The public event a history record makes, or None (a draft's change, or a change of
    nothing a release holds)."""
    before, now = kind.visible(record.previous), kind.visible(record)
    if not before and not now:
        return None
    fields = [
        name
        for name in kind.columns
        if record.previous is None or getattr(record, name) != getattr(record.previous, name)
    ]
    if before and now:
        if not fields:
            return None
        happened = "updated"
    elif now:
        happened = "created" if record.previous is None else "published"
    else:
        happened = "deleted" if record.history_type == "-" else "archived"
    values = {name: json_value(getattr(record, name)) for name in kind.columns} if now else None
    return {
        "kind": kind.name,
        "id": record.id,
        "slug": getattr(record, kind.key),
        "event": happened,
        "fields": fields if now else [],
        "timepoint": json_value(record.history_date),
        "values": values,
    }


def read_feed(position, size):
    """Up to `size` events after `position`, and the position to continue from."""
    events = []
    for record, index in records_after(position):
        position = Position(record.history_date, index, record.history_id)
        happened = event(KINDS[index], record)
        if happened is not None:
            events.append(happened)
            if len(events) == size:
                break
    return events, position


class ChangeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField([kind.name for kind in KINDS])
    id = serializers.IntegerField()
    slug = serializers.CharField()
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
        events, position = read_feed(position, size)
        query = request.query_params.copy()
        query.pop("since", None)
        query["cursor"] = position.encode()
        response = Response(
            {
                "next": request.build_absolute_uri(f"{request.path}?{query.urlencode()}"),
                "caught_up": len(events) < size and position.time <= timezone.now(),
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
