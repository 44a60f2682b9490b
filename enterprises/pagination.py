"""Pagination whose cost does not grow with the list.

- The number of results comes from the facet cube where it can (exact, no COUNT over the
  table); otherwise the count stops at COUNT_CAP ("more than 10,000").
- Pages in the second half of a list are read backwards from its end, so the last page is
  as cheap as the first; and no page lies more than MAX_DEPTH rows from an end: the middle
  of a very long list is not paged into at all (narrow the filters, or sort the other way).
"""

from django.core.paginator import InvalidPage, Page, Paginator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

COUNT_CAP = 10_000
MAX_DEPTH = 10_000


class PageTooDeep(InvalidPage):
    pass


class DirectoryPage(Page):
    """A page whose next/previous links lead only to pages that can be shown."""

    def has_next(self):
        return super().has_next() and self.paginator.reachable(self.number + 1)

    def has_previous(self):
        return super().has_previous() and self.paginator.reachable(self.number - 1)


class DirectoryPaginator(Paginator):
    def __init__(self, object_list, per_page, known_count=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.known_count = known_count
        self.capped = False

    @cached_property
    def count(self):
        if self.known_count is not None:
            return self.known_count
        found = self.object_list[: COUNT_CAP + 1].count()
        self.capped = found > COUNT_CAP
        return min(found, COUNT_CAP)

    def reachable(self, number):
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        return bottom <= MAX_DEPTH or (not self.capped and self.count - top <= MAX_DEPTH)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        if not self.reachable(number):
            raise PageTooDeep(
                _(
                    "Page %(number)s lies in the middle of a very long list, which is not "
                    "shown; narrow the filters, or sort the other way to start from its end."
                )
                % {"number": number}
            )
        if self.count - top < bottom and not self.capped and self.object_list.ordered:
            # In the second half: read backwards from the end, so that the offset is never
            # more than half the list, and the last page is as cheap as the first.
            rows = list(self.object_list.reverse()[self.count - top : self.count - bottom])
            rows.reverse()
        else:
            rows = self.object_list[bottom:top]
        return DirectoryPage(rows, number, self)
