"""Change history (django-simple-history) for every directory model, fixture loads included."""

from simple_history.models import HistoricalRecords


class DirectoryHistory(HistoricalRecords):
    """Also records raw saves, which fixture loads make and simple-history skips; a raw save
    that changes nothing (loading the same file again) adds no record."""

    def post_save(self, instance, created, using=None, **kwargs):
        if kwargs.get("raw") and not hasattr(instance, "skip_history_when_saving"):
            if created or self.differs_from_latest(instance, using):
                self.create_historical_record(instance, "+" if created else "~", using=using)
            return
        super().post_save(instance, created, using=using, **kwargs)

    def differs_from_latest(self, instance, using):
        manager = getattr(instance, self.manager_name)
        latest = manager.using(using).order_by("-history_date", "-history_id").first()
        if latest is None:
            return True
        # Only what an editor or a file sets: derived columns (the tier) are kept up to date
        # by queries that record no history of their own.
        return any(
            getattr(instance, field.attname) != getattr(latest, field.attname)
            for field in self.fields_included(instance)
            if field.editable
        )


# Derived columns: recomputed from the rest, so not worth a history of their own.
DERIVED = ["search_name", "search_summary", "search_body"]
