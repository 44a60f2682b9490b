from axes import apps as axes_apps
from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class DirectoryAdminConfig(admin_apps.AdminConfig):
    """Django's admin, on the directory's own site (name, throttled sign-in)."""

    default = False

    default_site = "enterprises.sites.DirectoryAdminSite"


class SignInSecurityConfig(axes_apps.AppConfig):
    """django-axes, under a name editors understand (its own catalogue has no Chinese; the
    directory's has its strings, see enterprises.third_party)."""

    default = False
    verbose_name = _("Sign-in security")


class EnterprisesConfig(AppConfig):
    default = True
    default_auto_field = "django.db.models.BigAutoField"
    name = "enterprises"
    verbose_name = _("Directory")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import sessions, signals  # noqa: F401
        from .caching import connect_signals

        connect_signals()

        post_migrate.connect(ensure_search_index, sender=self)


def ensure_search_index(sender, using, plan=None, **kwargs):
    """After migrations, restore search index objects a table rebuild may have dropped."""
    from django.db import connections

    from .search.backends import ensure_installed
    from .search.indexing import searchable_models

    if plan is not None and not plan:
        return
    ensure_installed(connections[using], searchable_models())
