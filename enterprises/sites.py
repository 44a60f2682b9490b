"""The admin site: the directory's name, and a sign-in that is throttled before it costs."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .signin import SignInForm, throttled


class DirectoryAdminSite(admin.AdminSite):
    site_header = _("China Specialized SME Directory: editors' admin")
    site_title = _("Directory admin")
    index_title = _("Directory content")
    login_form = SignInForm

    def login(self, request, extra_context=None):
        if request.method == "POST":
            refused = throttled(request)
            if refused is not None:
                return refused
        return super().login(request, extra_context)
