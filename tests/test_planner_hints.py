"""What keeps the database from reading far more rows than a list page needs: the facet cube
ruling out empty combinations, SQLite told the share of a range of years, and the
published status written into the SQL so that SQLite can answer from partial indexes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enterprises.models import Enterprise, Industry, Product
from tests.factories import EnterpriseFactory, IndustryFactory


@pytest.fixture
def founded(db, settings):
    settings.DIRECTORY_CACHE = True  # the cube and the year counts of the content version
    industry = IndustryFactory(code="C")
    IndustryFactory(code="G")  # no enterprise has it
    for year in (1990, 2000, 2005, 2010):
        EnterpriseFactory(founded_year=year, industry=industry)


def listed(client, query):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/en/enterprises/", query)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries.captured_queries]


def test_a_range_of_years_carries_its_share_on_sqlite(client, founded):
    response, sql = listed(client, {"founded_from": 2001, "founded_to": 2005})
    assert [e.founded_year for e in response.context["object_list"]] == [2005]
    hinted = [s for s in sql if "likelihood(" in s]
    if connection.vendor == "sqlite":
        # Two of the four enterprises were founded from 2001 on, three up to 2005.
        assert hinted and all("0.500000" in s and "0.750000" in s for s in hinted)
    else:  # PostgreSQL keeps statistics per value and needs no hint
        assert hinted == []
    response, _sql = listed(client, {"founded_to": 1999})
    assert [e.founded_year for e in response.context["object_list"]] == [1990]


def test_filters_the_cube_rules_out_read_no_rows(client, founded):
    response, sql = listed(client, {"industry": "G", "founded_from": 1995})
    assert response.context["paginator"].count == 0
    assert list(response.context["object_list"]) == []
    # No query looks for the results (the choices of the industry may still be counted
    # under the years alone: this directory is small).
    assert not any(searched(s) for s in sql)
    # The same range under an industry that enterprises have is read as usual.
    response, sql = listed(client, {"industry": "C", "founded_from": 1995})
    assert response.context["paginator"].count == 3
    assert any(searched(s) for s in sql)


def searched(sql):
    return '"founded_year" >=' in sql and '"industry_id" =' in sql


def test_the_published_status_is_written_into_the_sql(db):
    for queryset in (Enterprise.objects.published(), Product.objects.published()):
        sql, params = queryset.query.sql_with_params()
        assert "= 'published'" in sql and "published" not in params
    published = EnterpriseFactory()
    EnterpriseFactory(status="draft")
    assert list(Enterprise.objects.published()) == [published]


def test_the_filters_the_cube_knows_carry_their_share_on_sqlite(client, founded):
    industry = Industry.objects.get(code="C")
    listed_one = EnterpriseFactory(exchange="bse", ticker="920002", industry=industry)
    response, sql = listed(client, {"exchange": "bse", "industry": "C", "listed": "yes"})
    assert list(response.context["object_list"]) == [listed_one]
    hinted = [s for s in sql if "likelihood(" in s]
    if connection.vendor == "sqlite":
        # One of five enterprises is listed (on the BSE); all five are in industry C. A
        # statement may hold several filtered subqueries (facets counted together).
        assert hinted and all(s.count("0.200000") == 2 * s.count("1.000000") > 0 for s in hinted)
    else:
        assert hinted == []
    # The others: nobody said whether they are listed.
    response, _sql = listed(client, {"listed": "unknown"})
    assert response.context["paginator"].count == 4
    response, _sql = listed(client, {"listed": "no"})
    assert response.context["paginator"].count == 0
