"""Reference data: sources cited by every curated fact, regions and industries."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .base import published_through


class SourceQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def cited(self):
        """The sources a public entry cites (a source cited only by drafts is not shown):
        what the API's source list and the data releases publish."""
        from . import (
            Enterprise,
            Exhibit,
            Exhibition,
            Indicator,
            PolicyInitiative,
            PolicyTarget,
            Product,
            Recognition,
            Statement,
        )

        source = models.OuterRef("pk")
        citing = [
            Enterprise.objects.published().filter(sources=source),
            Product.objects.published().filter(sources=source),
            Exhibition.objects.published().filter(sources=source),
            PolicyInitiative.objects.published().filter(sources=source),
            PolicyInitiative.objects.published().filter(criteria_source=source),
            Indicator.objects.published().filter(source=source),
            Recognition.objects.published().filter(source=source),
            Statement.objects.published().filter(source=source),
            Exhibit.objects.published().filter(source=source),
            PolicyTarget.objects.filter(
                initiative__in=PolicyInitiative.objects.published(), latest_value_source=source
            ),
            Region.objects.filter(source=source),
            Industry.objects.filter(source=source),
        ]
        condition = models.Exists(citing[0])
        for rows in citing[1:]:
            condition |= models.Exists(rows)
        return self.filter(condition)


class Source(models.Model):
    """A published document that states facts recorded in the directory."""

    # Sources, regions and industries are shown wherever public entries cite or use them.
    publish_permission = "enterprises.publish_enterprise"

    slug = models.SlugField(
        _("key"),
        max_length=100,
        unique=True,
        help_text=_("A short stable identifier, e.g. xinhua-2023-04-13-specialized-smes."),
    )

    class Language(models.TextChoices):
        CHINESE = "zh-hans", _("Chinese")
        ENGLISH = "en", _("English")

    publisher = models.CharField(_("publisher"), max_length=200)
    title = models.CharField(_("title"), max_length=300)
    title_is_descriptive = models.BooleanField(
        _("descriptive title"),
        default=False,
        help_text=_(
            "Tick when the page's own title was not kept and the title only describes it."
        ),
    )
    language = models.CharField(
        _("language"),
        max_length=7,
        choices=Language,
        blank=True,
        help_text=_("The language the document is written in."),
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    url = models.URLField(_("web address"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["-published_on", "slug"]

    def __str__(self):
        date = f", {self.published_on:%Y-%m-%d}" if self.published_on else ""
        return f"{self.publisher}: {self.title}{date}"

    def natural_key(self):
        return (self.slug,)

    def is_public(self):
        """Whether a public entry cites this source."""
        if self.pk is None:
            return False
        return any(
            related.published().exists()
            for related in (
                self.enterprises,
                self.products,
                self.exhibitions,
                self.policies,
                self.indicators,
                self.recognitions,
                self.policy_criteria,
            )
        )


class RegionQuerySet(models.QuerySet):
    def get_by_natural_key(self, code):
        return self.get(code=code)

    def with_enterprise_counts(self):
        """Each region with `enterprise_count`, its published enterprises."""
        return self.annotate(
            enterprise_count=models.Count("enterprises", filter=published_through("enterprises"))
        )


class Region(models.Model):
    """A provincial-level division of China, coded per GB/T 2260."""

    publish_permission = "enterprises.publish_enterprise"

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Province")
        AUTONOMOUS_REGION = "autonomous_region", _("Autonomous region")
        MUNICIPALITY = "municipality", _("Municipality")
        SAR = "sar", _("Special administrative region")

    code = models.CharField(
        _("code"),
        max_length=2,
        unique=True,
        validators=[RegexValidator(r"^[1-8][0-9]$", _("Enter the two-digit GB/T 2260 code."))],
        help_text=_("Two-digit GB/T 2260 code, e.g. 21 for Liaoning."),
    )
    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    name = models.CharField(_("name"), max_length=50, help_text=_("Short name, e.g. Liaoning."))
    full_name = models.CharField(
        _("full name"), max_length=100, help_text=_("Official name, e.g. Liaoning Province.")
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, verbose_name=_("source"), null=True, blank=True
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("enterprises:region-detail", kwargs={"slug": self.slug})

    def translations_of(self, field):
        return [getattr(self, f"{field}_zh_hans"), getattr(self, f"{field}_en")]

    def natural_key(self):
        return (self.code,)

    def is_public(self):
        return True


class IndustryQuerySet(models.QuerySet):
    def get_by_natural_key(self, code):
        return self.get(code=code)

    def sections(self):
        return self.filter(level=Industry.Level.SECTION)


class Industry(models.Model):
    """A category of GB/T 4754-2017: a section (A-T) or, below it, a division, group or class."""

    publish_permission = "enterprises.publish_enterprise"

    class Level(models.TextChoices):
        SECTION = "section", pgettext_lazy("industry level", "section")
        DIVISION = "division", pgettext_lazy("industry level", "division")
        GROUP = "group", pgettext_lazy("industry level", "group")
        CLASS = "class", pgettext_lazy("industry level", "class")

    CODE_SHAPES = {
        Level.SECTION: re.compile(r"^[A-T]$"),
        Level.DIVISION: re.compile(r"^\d{2}$"),
        Level.GROUP: re.compile(r"^\d{3}$"),
        Level.CLASS: re.compile(r"^\d{4}$"),
    }
    PARENT_LEVEL = {
        Level.DIVISION: Level.SECTION,
        Level.GROUP: Level.DIVISION,
        Level.CLASS: Level.GROUP,
    }

    code = models.CharField(
        _("code"),
        max_length=4,
        unique=True,
        help_text=_(
            "A letter for a section (C), 2 digits for a division, 3 for a group, 4 for a class."
        ),
    )
    level = models.CharField(_("level"), max_length=10, choices=Level, default=Level.SECTION)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        verbose_name=_("parent"),
        related_name="children",
        null=True,
        blank=True,
    )
    name = models.CharField(_("name"), max_length=200)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, verbose_name=_("source"), null=True, blank=True
    )

    objects = IndustryQuerySet.as_manager()

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    def natural_key(self):
        return (self.code,)

    def translations_of(self, field):
        return [getattr(self, f"{field}_zh_hans"), getattr(self, f"{field}_en")]

    def is_public(self):
        return True

    def clean(self):
        errors = {}
        shape = self.CODE_SHAPES.get(self.level)
        if shape and not shape.match(self.code or ""):
            errors["code"] = _("This code does not have the shape of a %(level)s code.") % {
                "level": self.get_level_display()
            }
        expected_parent = self.PARENT_LEVEL.get(self.level)
        if expected_parent is None and self.parent_id:
            errors["parent"] = _("A section has no parent.")
        elif expected_parent is not None:
            if self.parent is None:
                errors["parent"] = _("Choose the %(level)s this belongs to.") % {
                    "level": Industry.Level(expected_parent).label
                }
            elif self.parent.level != expected_parent:
                errors["parent"] = _("The parent must be a %(level)s.") % {
                    "level": Industry.Level(expected_parent).label
                }
            elif self.level != self.Level.DIVISION and not self.code.startswith(self.parent.code):
                errors["code"] = _("The code must begin with its parent's code.")
        if errors:
            raise ValidationError(errors)
