"""Applying a reviewed list: recognitions and draft enterprises written in one transaction."""

from collections import Counter

from django.core.exceptions import ValidationError
from django.db import DatabaseError, router, transaction
from django.utils.translation import gettext as _

from ..models import Enterprise, Recognition, Status
from ..models.base import DEFAULT_SUFFIX
from .outcomes import Change, Outcome

NEW = "new"


class ApplyError(Exception):
    """A row the database refused; nothing of the list was written."""


def apply(result, choices=None, using=None):
    """Write a review: a recognition per matched row (added, or its stage advanced), a
    draft enterprise citing the source per new row; rows to confirm take the choice given
    by row number (a candidate's pk, or NEW), and are skipped without one. All or nothing.
    A file applied twice changes nothing the second time, and a later notice of the same
    batch advances the stage of the recognitions it finds. Returns a Counter of what was
    done."""
    using = using or router.db_for_write(Recognition)
    choices = choices or {}
    target, done = result.target, Counter()
    reason = _("Official list import: %(source)s") % {"source": target.source.slug}
    with transaction.atomic(using=using):
        for row in result.rows:
            if row.outcome == Outcome.INVALID:
                done["invalid"] += 1
                continue
            enterprise_pk = row.enterprise.pk if row.enterprise else None
            if row.outcome == Outcome.AMBIGUOUS:
                choice = choices.get(row.number)
                if choice == NEW:
                    enterprise_pk = None
                elif choice in {c.pk for c in row.candidates}:
                    enterprise_pk = choice
                else:
                    done["skipped"] += 1
                    continue
            try:
                if enterprise_pk is None:
                    enterprise_pk = new_enterprise(result, row, reason, using).pk
                    done["enterprises"] += 1
                stored = result.recognitions.get(enterprise_pk)
                change = target.change_for(stored)
                if change == Change.ADD:
                    recognition = target.recognition(enterprise_pk)
                elif change == Change.ADVANCE:
                    recognition = Recognition.objects.using(using).get(pk=stored["pk"])
                    recognition.stage, recognition.source = target.stage, target.source
                    for name in ("batch", "notice_number", "notice_date"):
                        if getattr(target, name):
                            setattr(recognition, name, getattr(target, name))
                    if target.notice_date:
                        # The title runs from the notice that awards it, not the public one.
                        recognition.valid_from = recognition.valid_until = None
                        recognition.review_due = None
                else:
                    done[change] += 1
                    continue
                recognition._change_reason = reason
                recognition.save(using=using)
            except (DatabaseError, ValidationError) as exc:
                messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                raise ApplyError(
                    _("Row %(row)d (%(name)s): %(reason)s Nothing was written.")
                    % {"row": row.number, "name": row.row.name, "reason": " ".join(messages)}
                ) from exc
            done[change] += 1
    return done


def new_enterprise(result, row, reason, using):
    """A draft enterprise with the row's facts, citing the list's source."""
    place = row.place
    city = place.city_names[-1] if place and place.city_names else ""
    enterprise = Enterprise(
        credit_code=row.row.credit_code,
        region=place.region if place else None,
        industry=result.industries.get(row.row.industry),
        status=Status.DRAFT,
        **{
            f"name_{DEFAULT_SUFFIX}": row.row.name,
            f"city_{DEFAULT_SUFFIX}": city if not city.endswith(("区", "县")) else "",
        },
    )
    enterprise.full_clean(exclude=["slug"])
    enterprise._change_reason = reason
    enterprise.save(using=using)
    enterprise.sources.add(result.target.source)
    return enterprise
