"""The editors' admin: every directory model, bilingual fields side by side in tabs.

- forms: the form and widget pieces (one language is enough, malformed ids as errors);
- base: DirectoryAdmin (history, conflicts, the review workflow) and the workflow actions;
- directory: one ModelAdmin per directory model;
- revisions: the publishers' review of what editors proposed.
"""

from . import directory, revisions  # noqa: F401  (registers the ModelAdmins)
