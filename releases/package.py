"""The release's descriptor: a Frictionless Data Package v2 (datapackage.json)."""

from django.conf import settings
from django.utils.translation import gettext as _

from .writing import table_type

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
RESOURCE_PROFILE = "https://datapackage.org/profiles/2.0/dataresource.json"
SCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"


def table_schema(table, delta=False):
    """A table's Table Schema; a delta's adds the kind of change and has no keys (a deleted
    row carries its key only, and its references may be gone)."""
    fields = [{"name": c.name, "type": table_type(c)} for c in table.columns]
    if delta:
        change = {"enum": ["created", "updated", "deleted"], "required": True}
        return {
            "$schema": SCHEMA_PROFILE,
            "fields": [{"name": "change", "type": "string", "constraints": change}, *fields],
        }
    return {
        "$schema": SCHEMA_PROFILE,
        "fields": fields,
        "primaryKey": list(table.key),
        "foreignKeys": [
            {"fields": [column], "reference": {"resource": target, "fields": ["id"]}}
            for column, target in table.foreign_keys.items()
        ],
    }


def resource(name, written, schema=None, media="text/csv"):
    described = {
        "$schema": RESOURCE_PROFILE,
        "name": name,
        "path": written.path,
        "bytes": written.bytes,
        "hash": f"sha256:{written.sha256}",
        "mediatype": media,
    }
    if schema is not None:
        described |= {
            "type": "table",
            "format": "csv",
            "encoding": "utf-8",
            "dialect": {"header": True},
            "schema": schema,
        }
    else:
        described |= {"type": "file", "format": "parquet"}
    return described


def descriptor(release_name, created, resources):
    return {
        "$schema": PROFILE,
        "name": f"smedirectory-{release_name.lower()}",
        "title": _("Directory of specialized and sophisticated SMEs: data release %(name)s")
        % {"name": release_name},
        "version": release_name,
        "created": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "licenses": [settings.RELEASE_LICENSE],
        "sources": [
            {"title": _("The documents in the sources table, each cited by the rows it states")}
        ],
        "resources": resources,
    }
