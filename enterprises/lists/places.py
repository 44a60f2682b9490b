"""Where a list's row says its enterprise is: a region, and a city within it."""

from dataclasses import dataclass

from ..models import Region
from ..names import name_key, place_names, without_place


@dataclass(frozen=True)
class Place:
    """Where a row says its enterprise is: a region (or None) and the spellings of the
    region and of a city within it, as a name may begin with them."""

    region: Region | None
    region_names: tuple
    city_names: tuple

    def core(self, key):
        """The key without a leading region and city named by this place."""
        return without_place(without_place(key, self.region_names), self.city_names)

    def prefixes(self):
        return (*self.region_names, *self.city_names)

    def contradicts(self, candidate):
        return bool(self.region and candidate.region_id and candidate.region_id != self.region.pk)

    def agrees(self, candidate):
        if self.region and candidate.region_id:
            return candidate.region_id == self.region.pk
        return bool(self.city_names) and name_key(candidate.city) in self.city_names


class Places:
    """The regions, read once, and the place each row names."""

    def __init__(self):
        self.regions = {region.pk: region for region in Region.objects.all()}
        self.spellings = sorted(
            (
                (spelling, region)
                for region in self.regions.values()
                for spelling in place_names(
                    region.name_zh_hans,
                    region.full_name_zh_hans,
                    region.name_en,
                    region.full_name_en,
                )
            ),
            key=lambda pair: len(pair[0]),
            reverse=True,
        )

    def of(self, text):
        key = name_key(text)
        for spelling, region in self.spellings:
            if key.startswith(spelling):
                rest = key[len(spelling) :]
                return Place(region, tuple(place_names(*self.names_of(region))), city_names(rest))
        return Place(None, (), city_names(key))

    @staticmethod
    def names_of(region):
        return (region.name_zh_hans, region.full_name_zh_hans)


def city_names(text):
    """The spellings of the city a place names after its region: 杭州 of 杭州市余杭区."""
    city = text.split("市", 1)[0] + "市" if "市" in text[1:] else text
    return tuple(place_names(city)) if len(city) >= 2 else ()
