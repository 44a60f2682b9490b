"""Keep derived data right whichever way a row is saved: admin, fixtures, imports or code."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from .images import ImageUploadMixin
from .models import (
    Enterprise,
    Exhibition,
    Industry,
    PolicyInitiative,
    Product,
    Recognition,
    Region,
    SearchTerm,
    TimestampedModel,
)
from .models.searchable import SearchableModel
from .search.indexing import refresh_documents


@receiver(pre_save)
def prepare_row(sender, instance, raw, **kwargs):
    if raw and isinstance(instance, TimestampedModel):
        # Fixture loads (raw saves) bypass save(): carry over what fixtures do not hold
        # (creation time, derived fields) so that loading the same data twice changes nothing.
        stored = None
        if instance.pk is not None:
            stored = sender._default_manager.filter(pk=instance.pk).first()
        if getattr(instance, "_keep_given_state", False):
            pass  # a backup being restored: its timestamps and versions are the truth
        elif stored is not None:
            instance.carry_over_from(stored)
        else:
            instance.updated_at = instance.created_at
        if not hasattr(instance, "_change_reason"):
            instance._change_reason = "Fixture load"
    if isinstance(instance, Enterprise):
        instance.refresh_name_key()
    if isinstance(instance, SearchableModel):
        instance.sanitize_rich_text()
        instance.refresh_search_document()
    if isinstance(instance, ImageUploadMixin) and not raw:
        replaced = instance.process_images()
        if replaced:
            transaction.on_commit(lambda: delete_files(instance, replaced))


def delete_files(instance, names):
    for field in instance.image_fields:
        storage = instance._meta.get_field(field).storage
        for name in names:
            storage.delete(name)
        break


@receiver(post_save)
def record_vocabulary(sender, instance, **kwargs):
    if isinstance(instance, SearchableModel):
        SearchTerm.add_words(instance.vocabulary())


@receiver(post_save, sender=Recognition)
@receiver(post_delete, sender=Recognition)
def refresh_enterprise_tier(sender, instance, **kwargs):
    enterprise = Enterprise.objects.filter(pk=instance.enterprise_id).first()
    if enterprise is not None:
        enterprise.refresh_tier()


@receiver(pre_delete, sender=Enterprise)
def release_statements(sender, instance, **kwargs):
    """A statement for a firm that is deleted stays, for no firm (SET_NULL): saved one by one
    rather than by the deletion's bulk update, so that its history records the change and
    the change feed sees it (it may become public without the firm)."""
    for statement in instance.spokespeople.all():
        statement.enterprise = None
        statement._change_reason = "Enterprise deleted"
        statement.save(update_fields=["enterprise", "updated_at"])


@receiver(post_save, sender=Enterprise)
def refresh_product_documents(sender, instance, raw, **kwargs):
    # A product's summary document holds its maker's name.
    refresh_documents(Product.objects.filter(enterprise=instance), fields=("search_summary",))


@receiver(post_save, sender=Region)
def refresh_region_documents(sender, instance, created, **kwargs):
    if created:
        return
    for model in (Enterprise, Exhibition, PolicyInitiative):
        refresh_documents(model.objects.filter(region=instance), fields=("search_summary",))


@receiver(post_save, sender=Industry)
def refresh_industry_documents(sender, instance, created, **kwargs):
    if not created:
        refresh_documents(Enterprise.objects.filter(industry=instance), fields=("search_summary",))
