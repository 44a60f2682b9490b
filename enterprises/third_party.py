"""Strings of the admin's third-party apps that their own catalogues do not translate into
Chinese (django-axes has no Chinese catalogue; a few of import-export's and
simple-history's are missing or wrong). Marked here so that makemessages keeps them in the
directory's catalogue, which Django reads first. Nothing imports this module."""

from django.utils.translation import gettext_noop

STRINGS = [
    # django-axes: models, fields and admin
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Access Attempt"),
    gettext_noop("Access lock out"),
    gettext_noop("Attempt Time"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Expires At"),
    gettext_noop("Failed Logins"),
    gettext_noop("Form Data"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("HTTP Accept"),
    gettext_noop("IP Address"),
    gettext_noop("Locked Out"),
    gettext_noop("Logout Time"),
    gettext_noop("Meta Data"),
    gettext_noop("Not set"),
    gettext_noop("Path"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("User Agent"),
    # django-import-export: its Chinese heading for this is garbled
    gettext_noop("Some rows failed to validate"),
    gettext_noop("Select all"),
    gettext_noop("This exporter will export the following fields: "),
]
