"""Signing in to the admin without giving attackers a lever.

Three defences, cheapest first:

- a *throttle* per client address, before anything else happens: a password hash costs a
  second of CPU, so more than a few attempts a minute from one address get 429 at once;
- a *lockout by address* (django-axes): an address that failed AXES_FAILURE_LIMIT times within
  the cool-off period is refused, whichever usernames it tried;
- a *lockout by username*: a username that failed AXES_FAILURE_LIMIT times from anywhere is
  under attack; from then on each address gets a single attempt at it until the cool-off
  period ends, so a guesser spread over many addresses gets one guess per address, while
  its owner, typing the right password from another address, still signs in.
"""

import time

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.cache import cache
from django.core.validators import MaxLengthValidator
from django.db.models import Sum
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from .clients import client_ip

USERNAME_MAX_LENGTH = 150


class SignInForm(AdminAuthenticationForm):
    """The admin's sign-in form; an impossible username is a form error, not an attempt."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.max_length = USERNAME_MAX_LENGTH
        field.validators.append(MaxLengthValidator(USERNAME_MAX_LENGTH))
        field.widget.attrs["maxlength"] = str(USERNAME_MAX_LENGTH)


def attempted_username(request, credentials=None):
    """The username of a sign-in attempt (for django-axes), cut to what a user can have."""
    source = credentials if credentials else getattr(request, "POST", {})
    username = source.get(settings.AXES_USERNAME_FORM_FIELD)
    return username[:USERNAME_MAX_LENGTH] if isinstance(username, str) else username


def throttled(request):
    """A 429 response when this client made too many sign-in attempts this minute, else
    None (and the attempt is counted)."""
    limit = settings.SIGN_IN_ATTEMPTS_PER_MINUTE
    if not limit:
        return None
    minute = int(time.time() // 60)
    key = f"sign-in:{client_ip(request)}:{minute}"
    cache.add(key, 0, timeout=120)
    try:
        attempts = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=120)
        attempts = 1
    if attempts <= limit:
        return None
    wait = 60 - int(time.time() % 60)
    response = TemplateResponse(
        request,
        "admin/sign_in_refused.html",
        {
            "title": _("Too many sign-in attempts"),
            "message": _(
                "Too many sign-in attempts came from your address in the last minute. "
                "Wait a minute, then try again."
            ),
        },
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response


class DirectoryAxesHandler(AxesDatabaseHandler):
    """django-axes' database handler with lockouts by address and by username (see the
    module docstring). Attempts are stored per username and address, and a successful
    sign-in clears only those of its own username and address."""

    def get_failures(self, request, credentials=None):
        limit = get_failure_limit(request, credentials)
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        ip_address = request.axes_ip_address
        by_address = failures(recent.filter(ip_address=ip_address))
        if by_address >= limit:
            return by_address
        username = get_client_username(request, credentials)
        if username and failures(recent.filter(username=username)) >= limit:
            tried_here = failures(recent.filter(username=username, ip_address=ip_address))
            if tried_here:
                return limit
        return by_address


def failures(attempts):
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
