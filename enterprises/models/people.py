"""People the sources quote, and what they said."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .base import PublishableModel, PublishableQuerySet, published_through
from .reference import Source


class PersonQuerySet(PublishableQuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def with_statement_counts(self):
        """Each person with `statement_count`, their published statements."""
        return self.annotate(
            statement_count=models.Count("statements", filter=published_through("statements"))
        )


class Person(PublishableModel):
    """Someone a source quotes: an official, an entrepreneur, an engineer."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        help_text=_("Part of the page address, e.g. li-zibin."),
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["slug"]
        permissions = [("publish_person", _("Can publish and archive people"))]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("enterprises:person-detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)


class StatementQuerySet(PublishableQuerySet):
    def get_by_natural_key(self, person_slug, slug):
        return self.get(person__slug=person_slug, slug=slug)

    def published(self, page_of=None):
        """Published statements of published people; on the page of a person
        (`page_of="person"`, published or previewed by staff), their published statements."""
        statements = super().published()
        return (
            statements if page_of == "person" else statements.filter(published_through("person"))
        )

    def for_listing(self):
        return self.select_related("person", "source", "enterprise")


class Statement(PublishableModel):
    """What a person said, in the directory's own words, as a source reports it."""

    publish_permission = "enterprises.publish_person"

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, verbose_name=_("person"), related_name="statements"
    )
    slug = models.SlugField(_("key"), max_length=100)
    role = models.CharField(
        _("role"), max_length=200, blank=True, help_text=_("As the source gives it: president.")
    )
    organisation = models.CharField(
        _("organisation"),
        max_length=300,
        blank=True,
        help_text=_(
            "As the source names it, e.g. China Association of Small and Medium Enterprises."
        ),
    )
    enterprise = models.ForeignKey(
        "Enterprise",
        on_delete=models.SET_NULL,
        verbose_name=_("enterprise spoken for"),
        related_name="spokespeople",
        null=True,
        blank=True,
        help_text=_("The enterprise in the directory the person speaks for, if any."),
    )
    paraphrase = models.TextField(
        _("what was said"),
        help_text=_("In the directory's own words: a paraphrase, not a quotation."),
    )
    reported_on = models.DateField(
        _("reported on"),
        null=True,
        blank=True,
        help_text=_("The date of the report that gives the statement."),
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, verbose_name=_("source"), related_name="statements"
    )
    enterprises = models.ManyToManyField(
        "Enterprise", verbose_name=_("about enterprises"), related_name="statements", blank=True
    )
    products = models.ManyToManyField(
        "Product", verbose_name=_("about products"), related_name="statements", blank=True
    )
    exhibitions = models.ManyToManyField(
        "Exhibition", verbose_name=_("about exhibitions"), related_name="statements", blank=True
    )
    policies = models.ManyToManyField(
        "PolicyInitiative",
        verbose_name=_("about policy initiatives"),
        related_name="statements",
        blank=True,
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = StatementQuerySet.as_manager()

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = [models.F("reported_on").desc(nulls_last=True), "person", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "slug"], name="statement_unique_slug_per_person"
            )
        ]

    def __str__(self):
        return f"{self.person}: {self.paraphrase[:60]}"

    def natural_key(self):
        return (self.person.slug, self.slug)

    natural_key.dependencies = [
        "enterprises.person",
        "enterprises.source",
        "enterprises.enterprise",
        "enterprises.product",
        "enterprises.exhibition",
        "enterprises.policyinitiative",
    ]

    def is_public(self):
        return super().is_public() and self.person_id is not None and self.person.is_public()
