"""What a detail page says about its entry to machines: schema.org JSON-LD and OpenGraph.

Only facts the entry records are written (an unknown founding year is left out, never
guessed), in the reader's language with the other language's name as an alternate name.
The JSON-LD block is data (`type="application/ld+json"`): browsers do not run it, so the
CSP needs no exception; <, > and & are escaped as in json_script, so no text in it can
close the element.
"""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

from .i18n import LANGUAGE_CODES, translated_value
from .models import Enterprise, Exhibition, Person, PolicyInitiative, Product, Region

SCHEMA = "https://schema.org"
# OpenGraph names locales language_TERRITORY.
OG_LOCALES = {"zh-hans": "zh_CN", "en": "en_US"}
JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld(data):
    """A <script type="application/ld+json"> data block, escaped like json_script."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


def compact(data):
    """`data` without the facts that are not recorded (None, "", [] or {})."""
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def other_names(entry, field, shown):
    """The entry's name in the other languages, where it differs from the one shown."""
    names = (getattr(entry, build_localized_fieldname(field, code), "") for code in LANGUAGE_CODES)
    return list(dict.fromkeys(name for name in names if name and name != shown))


def described(kind, entry, url, field="name"):
    """What every description starts with: type, name, other names, page and summary."""
    name = translated_value(entry, field)[0]
    return {
        "@context": SCHEMA,
        "@type": kind,
        "name": name,
        "alternateName": other_names(entry, field, name),
        "url": url,
        "description": translated_value(entry, "summary")[0] if hasattr(entry, "summary") else "",
    }


def organisation(name):
    return compact({"@type": "Organization", "name": name})


def address(city, region):
    return compact(
        {
            "@type": "PostalAddress",
            "addressLocality": city,
            "addressRegion": translated_value(region, "full_name")[0] if region else "",
        }
    )


def absolute(origin, image):
    return f"{origin}{image.url}" if image else ""


def enterprise_data(enterprise, url, origin):
    data = described("Organization", enterprise, url)
    if enterprise.credit_code:
        data["identifier"] = {
            "@type": "PropertyValue",
            "propertyID": "统一社会信用代码",
            "name": _("Unified social credit code"),
            "value": enterprise.credit_code,
        }
    city = translated_value(enterprise, "city")[0]
    data.update(
        foundingDate=str(enterprise.founded_year or ""),
        address=address(city, enterprise.region) if city or enterprise.region_id else {},
        sameAs=[enterprise.website] if enterprise.website else [],
        logo=absolute(origin, enterprise.logo),
    )
    return data


def product_data(product, url, origin):
    data = described("Product", product, url)
    maker = product.enterprise
    data.update(
        category=translated_value(product, "category")[0],
        image=absolute(origin, product.image),
    )
    # A public product's maker is public (Product.is_public).
    data["manufacturer"] = compact(
        {
            "@type": "Organization",
            "name": translated_value(maker, "name")[0],
            "url": origin + maker.get_absolute_url(),
        }
    )
    return data


def exhibition_data(exhibition, url, origin):
    data = described("ExhibitionEvent", exhibition, url)
    city = translated_value(exhibition, "city")[0]
    place = {}
    if city or exhibition.region_id:
        place = compact(
            {"@type": "Place", "name": city, "address": address(city, exhibition.region)}
        )
    data.update(
        startDate=exhibition.start_date,
        endDate=exhibition.end_date,
        location=place,
        organizer=organisation(translated_value(exhibition, "organiser")[0]),
        sameAs=[exhibition.website] if exhibition.website else [],
    )
    if len(data["organizer"]) == 1:
        del data["organizer"]  # a type and no name
    return data


LEGAL_FORCE = {
    PolicyInitiative.Stage.IN_FORCE: "https://schema.org/InForce",
    PolicyInitiative.Stage.EXPIRED: "https://schema.org/NotInForce",
}


def policy_data(policy, url, origin):
    """An issued document (with a number or a date of issue) is Legislation; a programme
    known only by its title is a GovernmentService."""
    authority = translated_value(policy, "authority")[0]
    body = compact({"@type": "GovernmentOrganization", "name": authority}) if authority else {}
    region = translated_value(policy.region, "full_name")[0] if policy.region_id else ""
    if policy.document_number or policy.issued_on:
        data = described("Legislation", policy, url, field="title")
        data.update(
            legislationIdentifier=policy.document_number,
            legislationDate=policy.issued_on,
            legislationPassedBy=body,
            legislationJurisdiction=region,
            legislationLegalForce=LEGAL_FORCE.get(policy.stage, ""),
        )
        return data
    data = described("GovernmentService", policy, url, field="title")
    data.update(provider=body, areaServed=region)
    return data


def person_data(person, url, origin):
    return described("Person", person, url)


def region_data(region, url, origin):
    return described("AdministrativeArea", region, url, field="full_name")


DESCRIPTIONS = {
    Enterprise: enterprise_data,
    Product: product_data,
    Exhibition: exhibition_data,
    PolicyInitiative: policy_data,
    Person: person_data,
    Region: region_data,
}


def structured_data(entry, origin):
    """The schema.org description of an entry whose page is at origin + its URL; None for
    an entry the public does not see (a draft that staff preview)."""
    if not entry.is_public():
        return None
    describe = DESCRIPTIONS[type(entry)]
    return compact(describe(entry, origin + entry.get_absolute_url(), origin))


def opengraph(data):
    """(property, content) of the OpenGraph tags, from the JSON-LD description."""
    language = get_language() or settings.LANGUAGE_CODE
    tags = [
        ("og:title", data["name"]),
        ("og:type", "profile" if data["@type"] == "Person" else "website"),
        ("og:url", data["url"]),
        ("og:description", data.get("description", "")),
        ("og:image", data.get("logo") or data.get("image") or ""),
        ("og:locale", OG_LOCALES.get(language, "")),
    ]
    tags += [
        ("og:locale:alternate", locale) for code, locale in OG_LOCALES.items() if code != language
    ]
    return [(name, content) for name, content in tags if content]
