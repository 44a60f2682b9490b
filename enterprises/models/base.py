"""What the directory's models share: publication status, timestamps and slugs."""

import re
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext_lazy as _
from pypinyin import lazy_pinyin

# The field-name suffix of the default language: name_zh_hans.
DEFAULT_SUFFIX = settings.MODELTRANSLATION_DEFAULT_LANGUAGE.replace("-", "_")


class CodeField(models.CharField):
    """An identifier typed by people: surrounding spaces dropped, letters upper-cased."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.strip().upper() if isinstance(value, str) else value


class ChoiceListField(models.JSONField):
    """A list of values of one set of choices (`of`, a TextChoices), stored as JSON so that
    SQLite and PostgreSQL hold it alike; edited as checkboxes. Empty means not recorded."""

    def __init__(self, *args, of=None, **kwargs):
        self.of = of
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["of"] = self.of
        return name, path, args, kwargs

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        allowed = set(self.of.values)
        if not isinstance(value, list) or any(item not in allowed for item in value):
            raise ValidationError(
                _("Choose among: %(choices)s.") % {"choices": ", ".join(self.of.values)},
                code="invalid_choice",
            )
        if len(set(value)) != len(value):
            raise ValidationError(_("Each choice once only."), code="duplicate")

    def formfield(self, **kwargs):
        return forms.TypedMultipleChoiceField(
            choices=self.of.choices,
            required=not self.blank,
            widget=forms.CheckboxSelectMultiple,
            label=capfirst(self.verbose_name),
            help_text=self.help_text,
        )


class Status(models.TextChoices):
    """The editorial workflow: editors write drafts and submit them for review; publishers
    publish and archive. Only published entries are public."""

    DRAFT = "draft", _("draft")
    REVIEW = "review", _("in review")
    PUBLISHED = "published", _("published")
    ARCHIVED = "archived", _("archived")


# Statuses an editor without the publish permission may give an entry.
EDITOR_STATUSES = (Status.DRAFT, Status.REVIEW)


def publish_permission(model):
    """The permission that lets a user publish `model`'s rows directly (and change them
    while they are public); others propose changes for review."""
    return getattr(model, "publish_permission", None) or (
        f"{model._meta.app_label}.publish_{model._meta.model_name}"
    )


def may_move(user, model, before, after):
    """The workflow rule, wherever a status changes (admin form and actions, imports): an
    editor moves entries between draft and review; a publisher anywhere."""
    if before == after or user.has_perm(publish_permission(model)):
        return True
    return before in EDITOR_STATUSES and after in EDITOR_STATUSES


class Qualifier(models.TextChoices):
    """How a stated figure relates to the number recorded ("more than 70,000")."""

    MORE_THAN = "more_than", _("more than")
    AT_LEAST = "at_least", _("at least")
    NEARLY = "nearly", _("nearly")
    ABOUT = "about", _("about")
    LESS_THAN = "less_than", _("less than")


class Written(models.Value):
    """A text constant written into the SQL itself rather than passed as a parameter.

    SQLite decides whether a partial index (`WHERE status = 'published'`) answers a query
    as it plans it, before parameters are bound: given the status as a parameter, it still
    scans such an index but reads every row from the table to test the status. Counting
    the published enterprises by founding year took 1.3 s at a million rows that way, and
    57 ms from the index alone."""

    def __init__(self, value):
        super().__init__(str(value), output_field=models.CharField())

    def as_sql(self, compiler, connection):
        return "'" + self.value.replace("'", "''") + "'", []


# "Published" has one spelling in queries: `.published()` on a model's queryset, and for a
# related row, `published_through(path)`. Both write the status into the SQL (see Written).
PUBLISHED_STATUS = Written(Status.PUBLISHED)
# The condition of the partial indexes of published rows (in migrations, as a plain Q).
PUBLISHED_ONLY = models.Q(status=Status.PUBLISHED)


def published_through(*paths):
    """The condition that the rows at these relations (e.g. "product", "exhibition") are
    published: for filters across relations, Count(filter=...) and conditional joins."""
    return models.Q(**{f"{path}__status": PUBLISHED_STATUS for path in paths})


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PUBLISHED_STATUS)

    def visible_to(self, user):
        """Published rows for the public; drafts too for staff, who preview them."""
        if user.is_authenticated and user.is_staff:
            return self.all()
        return self.published()


class SlugQuerySet(PublishableQuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.updated_at = timezone.now()
        if self._state.adding:
            self.created_at = self.updated_at
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "updated_at"}
        super().save(*args, **kwargs)

    def carry_over_from(self, stored):
        """Before a raw save (fixture load) over an existing row: keep what fixtures do not
        carry (creation time, derived fields), and the update time too when nothing changed,
        so loading the same data twice changes nothing."""
        changed = stored_values_differ(self, stored)
        for field in self._meta.concrete_fields:
            if not field.editable and not field.primary_key:
                setattr(self, field.attname, getattr(stored, field.attname))
        if changed:
            self.updated_at = timezone.now()
            if hasattr(self, "version"):
                self.version += 1
        return changed


def stored_values_differ(instance, stored):
    """Whether two copies of a row differ in any value an editor or a fixture can set."""
    return any(
        field.value_from_object(instance) != field.value_from_object(stored)
        for field in instance._meta.concrete_fields
        if field.editable and not field.primary_key
    )


class PublishableModel(TimestampedModel):
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status,
        default=Status.DRAFT,
        help_text=_("Only published entries appear on the public site."),
    )
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Goes up by one at every save; an edit based on an older version is refused."),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version += 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "version"}
        super().save(*args, **kwargs)

    @property
    def is_published(self):
        return self.status == Status.PUBLISHED

    def is_public(self):
        """Whether the public site shows this row."""
        return self.status == Status.PUBLISHED


def slug_from_names(english, chinese, max_length=80):
    """An ASCII slug from the English name, or from the pinyin of the Chinese one."""
    text = english or " ".join(lazy_pinyin(chinese or "", errors="default"))
    slug = slugify(text)[:max_length].strip("-")
    return slug or "entry"


def unique_slug(model, base, exclude_pk=None, max_length=80):
    """`base`, or `base-2`, `base-3`... whichever no other entry of `model` uses now or used
    before (old slugs keep redirecting to their entry)."""
    stem = base[: max_length - 4]
    current = model._default_manager.filter(slug__startswith=stem)
    if exclude_pk is not None:
        current = current.exclude(pk=exclude_pk)
    used = set(current.values_list("slug", flat=True))
    history = model.former_slugs()
    if history is not None:
        former = history.objects.filter(slug__startswith=stem)
        if exclude_pk is not None:
            former = former.exclude(entry_id=exclude_pk)
        used |= set(former.values_list("slug", flat=True))
    slug, number = base[:max_length], 2
    while slug in used:
        suffix = f"-{number}"
        slug = base[: max_length - len(suffix)] + suffix
        number += 1
    return slug


# The slug prefix of generated demo rows (enterprises.demo), never of curated entries.
DEMO_PREFIX = "demo-"


class SluggedModel(PublishableModel):
    """A published entry with a public page at a readable ASCII slug.

    The slug is made from the English name, or the pinyin of the Chinese one. When the name
    it was made from changes, so does the slug, and the old one keeps redirecting; a slug an
    editor typed is left alone.
    """

    slug_source = "name"

    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        blank=True,
        help_text=_("Part of the page address; filled from the name when left empty."),
    )
    # The documents the entry's facts come from (source.enterprises, source.products...).
    sources = models.ManyToManyField(
        "enterprises.Source", verbose_name=_("sources"), related_name="%(class)ss", blank=True
    )
    verified_on = models.DateField(
        _("facts last checked"),
        null=True,
        blank=True,
        help_text=_("When an editor last checked this entry's facts against its sources."),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        max_length = self._meta.get_field("slug").max_length
        stored = None
        if self.pk is not None:
            stored = (
                type(self)
                ._default_manager.filter(pk=self.pk)
                .values("slug", f"{self.slug_source}_en", f"{self.slug_source}_{DEFAULT_SUFFIX}")
                .first()
            )
        if not self.slug:
            self.slug = unique_slug(type(self), self.derived_slug(), self.pk, max_length)
        elif stored and self.slug == stored["slug"]:
            old_base = self.derived_slug(
                {
                    "en": stored[f"{self.slug_source}_en"],
                    "zh": stored[f"{self.slug_source}_{DEFAULT_SUFFIX}"],
                }
            )
            was_derived = re.fullmatch(re.escape(old_base) + r"(-\d+)?", stored["slug"])
            new_base = self.derived_slug()
            if was_derived and new_base != old_base:
                self.slug = unique_slug(type(self), new_base, self.pk, max_length)
        super().save(*args, **kwargs)
        if stored and stored["slug"] != self.slug:
            self.remember_old_slug(stored["slug"])

    def derived_slug(self, values=None):
        values = values or {}
        english = values.get("en", getattr(self, f"{self.slug_source}_en", ""))
        chinese = values.get("zh", getattr(self, f"{self.slug_source}_{DEFAULT_SUFFIX}", ""))
        return slug_from_names(english, chinese, self._meta.get_field("slug").max_length)

    @classmethod
    def former_slugs(cls):
        """The model of this kind's old slugs (a FormerSlug), or None if it keeps none."""
        try:
            return cls._meta.get_field("slug_history").related_model
        except FieldDoesNotExist:
            return None

    def remember_old_slug(self, old_slug):
        history = self.former_slugs()
        if history is None:
            return
        history.objects.filter(slug=self.slug).delete()
        history.objects.update_or_create(slug=old_slug, defaults={"entry": self})

    def natural_key(self):
        return (self.slug,)

    @property
    def is_demo(self):
        """Generated by generate_demo_data, not a curated fact."""
        return self.slug.startswith(DEMO_PREFIX)

    def demo_slug(self, number):
        """The slug of a generated entry: the demo prefix, a number (its id) that keeps it
        unique without asking the database, and the slug its names give. Numbered first,
        so that a run's slugs arrive in the order of the unique index."""
        prefix = f"{DEMO_PREFIX}{number}-"
        room = self._meta.get_field("slug").max_length - len(prefix)
        return prefix + self.derived_slug()[:room].strip("-")


def plain_number(value):
    """A Decimal without trailing zeros: 70000.00 -> 70000, 12.50 -> 12.5."""
    if value is None:
        return None
    value = Decimal(value)
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()
