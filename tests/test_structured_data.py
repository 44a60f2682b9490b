import datetime
import json
import re

import pytest
from django.utils import translation

from enterprises.models import Person, PolicyInitiative, Status
from tests.factories import (
    EnterpriseFactory,
    ExhibitionFactory,
    PolicyFactory,
    ProductFactory,
    RegionFactory,
    valid_credit_code,
)

pytestmark = pytest.mark.django_db

BLOCK = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def page(client, entry, language="en"):
    """The HTML of an entry's page in a language."""
    with translation.override(language):
        response = client.get(entry.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def json_ld(html):
    """The page's one JSON-LD block, parsed."""
    blocks = BLOCK.findall(html)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def meta(html, name):
    return re.findall(rf'<meta property="{re.escape(name)}" content="([^"]*)">', html)


def test_enterprise_is_an_organization_with_its_credit_code(client):
    enterprise = EnterpriseFactory(
        credit_code=valid_credit_code(7), founded_year=2004, website="https://example.com/"
    )
    data = json_ld(page(client, enterprise))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Organization"
    assert data["name"] == enterprise.name_en
    assert data["alternateName"] == [enterprise.name_zh_hans]
    assert data["identifier"] == {
        "@type": "PropertyValue",
        "propertyID": "统一社会信用代码",
        "name": "Unified social credit code",
        "value": enterprise.credit_code,
    }
    assert data["foundingDate"] == "2004"
    assert data["sameAs"] == ["https://example.com/"]
    assert data["url"] == f"http://testserver/en/enterprises/{enterprise.slug}/"


def test_facts_not_recorded_are_left_out(client):
    enterprise = EnterpriseFactory(name_en="", summary_zh_hans="", summary_en="", region=None)
    data = json_ld(page(client, enterprise, "zh-hans"))
    assert data["name"] == enterprise.name_zh_hans
    for absent in ("identifier", "foundingDate", "alternateName", "address", "description"):
        assert absent not in data


def test_product_names_its_manufacturer(client):
    product = ProductFactory(category_en="Industrial robots")
    data = json_ld(page(client, product))
    assert data["@type"] == "Product"
    assert data["category"] == "Industrial robots"
    assert data["manufacturer"] == {
        "@type": "Organization",
        "name": product.enterprise.name_en,
        "url": f"http://testserver/en/enterprises/{product.enterprise.slug}/",
    }


def test_exhibition_is_an_exhibition_event(client):
    exhibition = ExhibitionFactory(
        start_date=datetime.date(2023, 9, 1), end_date=datetime.date(2023, 9, 4)
    )
    data = json_ld(page(client, exhibition))
    assert data["@type"] == "ExhibitionEvent"
    assert (data["startDate"], data["endDate"]) == ("2023-09-01", "2023-09-04")
    assert data["location"]["name"] == "Shenyang"
    assert "organizer" not in data


def test_issued_policy_is_legislation_and_a_programme_a_service(client):
    issued = PolicyFactory(
        document_number="工信部企业〔2022〕63号",
        issued_on=datetime.date(2022, 6, 1),
        authority_en="Ministry of Industry and Information Technology",
        stage=PolicyInitiative.Stage.IN_FORCE,
    )
    data = json_ld(page(client, issued))
    assert data["@type"] == "Legislation"
    assert data["legislationIdentifier"] == "工信部企业〔2022〕63号"
    assert data["legislationDate"] == "2022-06-01"
    assert data["legislationLegalForce"] == "https://schema.org/InForce"
    assert data["legislationPassedBy"]["@type"] == "GovernmentOrganization"
    programme = PolicyFactory(scope=PolicyInitiative.Scope.REGIONAL, region=RegionFactory())
    data = json_ld(page(client, programme))
    assert data["@type"] == "GovernmentService"
    assert data["areaServed"] == programme.region.full_name_en


def test_person_and_region(client):
    person = Person.objects.create(
        name_zh_hans="李四", name_en="Li Si", slug="li-si", status=Status.PUBLISHED
    )
    assert json_ld(page(client, person))["@type"] == "Person"
    region = RegionFactory()
    data = json_ld(page(client, region))
    assert data["@type"] == "AdministrativeArea"
    assert data["name"] == region.full_name_en


def test_a_name_cannot_close_the_data_block(client):
    enterprise = EnterpriseFactory(name_en='</script><script>alert("x")</script>&')
    html = page(client, enterprise)
    assert "</script><script>alert" not in html
    data = json_ld(html)
    assert data["name"] == enterprise.name_en
    assert '<meta property="og:title" content="&lt;/script&gt;' in html


def test_opengraph_and_canonical(client):
    enterprise = EnterpriseFactory()
    url = f"http://testserver/en/enterprises/{enterprise.slug}/"
    html = page(client, enterprise)
    assert f'<link rel="canonical" href="{url}">' in html
    assert meta(html, "og:title") == [enterprise.name_en]
    assert meta(html, "og:url") == [url]
    assert meta(html, "og:type") == ["website"]
    assert meta(html, "og:description") == [enterprise.summary_en]
    assert meta(html, "og:locale") == ["en_US"]
    assert meta(html, "og:locale:alternate") == ["zh_CN"]
    chinese = page(client, enterprise, "zh-hans")
    assert meta(chinese, "og:locale") == ["zh_CN"]


def test_draft_enterprise_is_absent_from_the_product_description(staff_client):
    product = ProductFactory(enterprise=EnterpriseFactory(status=Status.DRAFT))
    assert BLOCK.findall(page(staff_client, product)) == []


def test_staff_preview_of_a_draft_has_no_description(staff_client):
    draft = EnterpriseFactory(status=Status.DRAFT)
    html = page(staff_client, draft)
    assert BLOCK.findall(html) == []
    assert 'rel="canonical"' not in html
