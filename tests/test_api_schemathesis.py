"""The API against its own schema: schemathesis generates requests for every operation
(valid and invalid inputs) and checks that none is a server error, that every status is
one the schema lists and that every response matches the schema."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from enterprises.models import Person, Statement, Status, Tier
from tests.factories import (
    EnterpriseFactory,
    ExhibitFactory,
    ExhibitionFactory,
    IndicatorFactory,
    IndustryFactory,
    PolicyFactory,
    PolicyTargetFactory,
    ProductFactory,
    RecognitionFactory,
    RegionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


@pytest.fixture
def api_schema(db, settings):
    """The schema as the site serves it, over WSGI in this process, with a few published
    rows of every kind (and a draft) for the generated requests to find."""
    settings.API_REQUESTS_PER_MINUTE = 0  # hundreds of requests from one address
    source = SourceFactory(slug="notice")
    region = RegionFactory(code="21", slug="liaoning")
    firm = EnterpriseFactory(
        slug="firm", region=region, industry=IndustryFactory(code="C"), sources=[source]
    )
    RecognitionFactory(enterprise=firm, tier=Tier.LITTLE_GIANT, source=source)
    firm.refresh_tier()
    EnterpriseFactory(slug="draft", status=Status.DRAFT)
    product = ProductFactory(slug="robot", enterprise=firm)
    ExhibitFactory(exhibition=ExhibitionFactory(slug="fair", region=region), product=product)
    PolicyTargetFactory(
        initiative=PolicyFactory(slug="plan"), latest_value=1, latest_value_source=source
    )
    IndicatorFactory(slug="giants", series="giants", source=source)
    person = Person.objects.create(slug="li", name_en="Li", status=Status.PUBLISHED)
    Statement.objects.create(
        person=person, slug="said", paraphrase_en="Said.", source=source, status=Status.PUBLISHED
    )
    # As Django's test client does: a request through the WSGI handler must not close the
    # test's database connection (PostgreSQL would lose the test's transaction).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def check_operation(operation, mode):
    """Generated requests of one operation in one mode, each answer checked."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        case.call_and_validate(checks=CHECKS)

    check()


# schemathesis.pytest.from_fixture reads a private attribute pytest 9 no longer has, so
# the operations are walked here: every one, with valid and with invalid inputs.
def test_api_conforms_to_its_schema(api_schema):
    failures = {}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 21  # a list and a detail of each kind, and search
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                check_operation(operation, mode)
            except Exception as exc:  # noqa: BLE001 -- every operation's failure is reported
                failures[f"{operation.label} ({mode.value})"] = str(exc)[:3000]
    assert not failures, "\n\n".join(f"{label}: {text}" for label, text in failures.items())
