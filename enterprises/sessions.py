"""Staff sessions end: at the latest SESSION_MAX_AGE after signing in, and sooner after
SESSION_IDLE_TIMEOUT without a request."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _

from .middleware import API_PATHS

SIGNED_IN_AT = "signed_in_at"
LAST_SEEN = "last_seen"
# The last-seen time is written at most this often (seconds), not on every request.
LAST_SEEN_RESOLUTION = 60


@receiver(user_logged_in)
def start_session_clock(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN] = now
        request.session.set_expiry(settings.SESSION_IDLE_TIMEOUT)


def expired(session, now):
    signed_in_at = session.get(SIGNED_IN_AT, 0)
    last_seen = session.get(LAST_SEEN, 0)
    return (
        now - signed_in_at > settings.SESSION_MAX_AGE
        or now - last_seen > settings.SESSION_IDLE_TIMEOUT
    )


class SessionTimeoutMiddleware:
    """Sign out a session that is too old or was idle too long, and keep the idle clock."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(API_PATHS):
            # The API reads no session (its answers are the same for everyone): loading
            # one here would make every API response vary on cookies.
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            if expired(request.session, now):
                logout(request)
                messages.info(request, _("Your session ended; please sign in again."))
                if request.path.startswith(("/admin/", "/en/admin/")):
                    return redirect_to_login(request.get_full_path(), reverse("admin:login"))
            elif now - request.session.get(LAST_SEEN, 0) >= LAST_SEEN_RESOLUTION:
                request.session[LAST_SEEN] = now
                request.session.set_expiry(settings.SESSION_IDLE_TIMEOUT)
        return self.get_response(request)
