"""Find every translatable string in the project's code and templates, as makemessages
would, without needing GNU gettext installed."""

import ast
import re
from pathlib import Path

from django.conf import settings
from django.utils.translation.template import templatize

# name -> positions of (context, singular, plural) among the call's arguments
GETTEXT_CALLS = {
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}
SKIP_PARTS = {".venv", "migrations", "tests", "node_modules", "var", "benchmarks"}


def project_files(pattern):
    base = Path(settings.BASE_DIR)
    for path in sorted(base.rglob(pattern)):
        if not SKIP_PARTS.intersection(path.relative_to(base).parts):
            yield path


def message(name, args):
    context, singular, plural = GETTEXT_CALLS[name]
    try:
        return (
            args[context] if context is not None else "",
            args[singular],
            args[plural] if plural is not None else None,
        )
    except IndexError:
        return None


def python_messages(source):
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name not in GETTEXT_CALLS:
            continue
        args = [
            a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None
            for a in node.args
        ]
        found = message(name, args)
        if found and found[1] is not None:
            yield found


STRING = r"""u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
TEMPLATE_CALL = re.compile(rf"\b(n?p?gettext)\(\s*((?:{STRING}\s*,\s*)*{STRING})")


def template_messages(source, origin):
    """Django turns templates into gettext() calls for xgettext; read those calls."""
    for match in TEMPLATE_CALL.finditer(templatize(source, origin)):
        args = [ast.literal_eval(literal) for literal in re.findall(STRING, match.group(2))]
        found = message(match.group(1), args)
        if found and found[1] is not None:
            yield found


def project_messages():
    """{(context, msgid): (plural, where)} for every translatable string in the project."""
    found = {}
    for path in project_files("*.py"):
        for context, msgid, plural in python_messages(path.read_text(encoding="utf-8")):
            found.setdefault((context, msgid), (plural, path))
    for path in project_files("*.html"):
        text = path.read_text(encoding="utf-8")
        for context, msgid, plural in template_messages(text, str(path)):
            found.setdefault((context, msgid), (plural, path))
    return found
