"""Write, for each benchmark scenario, a file of URLs to request at random, and measure the
queries each kind of page runs. Run with the benchmark's environment (database settings)."""

import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smedirectory.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from enterprises import caching  # noqa: E402
from enterprises.caching import page_key  # noqa: E402
from enterprises.models import (  # noqa: E402
    Enterprise,
    Exchange,
    Exhibition,
    Industry,
    Region,
    Size,
    Tier,
)

SAMPLES = 400
# Distinct URLs of each scenario rendered without the cache, for queries and cold times.
COLD_SAMPLES = 25
# Pages timed on their first request after a change (issue 17: statistics under 300 ms).
AFTER_CHANGE = ("home", "statistics", "compare", "match")
CHANGES = 3
SEARCH_WORDS = [
    "机器人",
    "减速器",
    "传感器",
    "精密",
    "新材料",
    "苏州",
    "深圳",
    "伺服电机",
    "外骨骼",
    "robot",
    "reducer",
    "sensor",
    "precision",
    "bearing",
    "suzhou",
    "shenzhen",
    "drone",
    "gearbox",
    "hangzhou",
    "zhongxing",
    "jingmi",
    "szjm",
    "zhinengzhuangbei",
    "jiqiren",
    "servo motor",
    "laser cutting",
    "智能装备",
    "hydraulic valve",
    "医疗器械",
    "xiebo",
]


def filters(rng, regions, industries, exhibitions):
    return [
        lambda: f"region={rng.choice(regions)}",
        lambda: f"industry={rng.choice(industries)}",
        lambda: f"tier={rng.choice(Tier.values)}",
        lambda: f"listed={rng.choice(['yes', 'no'])}",
        lambda: f"exchange={rng.choice(Exchange.values)}",
        lambda: f"size={rng.choice(Size.values)}",
        lambda: f"exhibition={rng.choice(exhibitions)}",
        lambda: f"founded_from={rng.randrange(1985, 2015)}",
        lambda: f"founded_to={rng.randrange(1995, 2023)}",
    ]


def consistent(rng, choose, n):
    """`n` random filters the API accepts: the HTML list shows a message for founding
    years that exclude each other, the API refuses them (400)."""
    while True:
        query = [f() for f in rng.sample(choose, n)]
        years = dict(part.split("=") for part in query if part.startswith("founded_"))
        if int(years.get("founded_from", 0)) <= int(years.get("founded_to", 9999)):
            return "&".join(query)


def forget_page(url):
    """Drop one page from the page cache, keeping the content version and the figures
    computed for it (the facet cube): what a visitor asking for a page nobody has asked for
    since the last change waits for. (cache.clear() would also drop the version, and every
    page would pay for the figures again.)"""
    return cache.delete(page_key(request_for(url)))


def request_for(url):
    request = RequestFactory().get(url)
    request.LANGUAGE_CODE = settings.LANGUAGE_CODE
    return request


def main(out_dir, seed=1):
    rng = random.Random(seed)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    regions = list(
        Region.objects.filter(enterprises__isnull=False).distinct().values_list("slug", flat=True)
    )
    industries = list(Industry.objects.sections().values_list("code", flat=True))
    region_codes = list(Region.objects.values_list("code", flat=True))
    exhibitions = list(Exhibition.objects.published().values_list("slug", flat=True)[:300])
    choose = filters(rng, regions, industries, exhibitions)
    published = Enterprise.objects.published()
    total = published.count()
    last_page = max(1, (total + 19) // 20)
    top_id = Enterprise.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    slugs = []
    while len(slugs) < SAMPLES:
        ids = [rng.randrange(1, top_id + 1) for _ in range(SAMPLES)]
        slugs += list(published.filter(pk__in=ids).values_list("slug", flat=True))
    scenarios = {
        "trivial": ["/ping"],
        "home": ["/"],
        "list": ["/enterprises/"],
        "list_1_filter": [f"/enterprises/?{rng.choice(choose)()}" for _ in range(SAMPLES)],
        "list_4_filters": [
            "/enterprises/?" + "&".join(f() for f in rng.sample(choose, 4)) for _ in range(SAMPLES)
        ],
        "first_page": ["/enterprises/?sort=name"],
        "last_page": [f"/enterprises/?sort=name&page={last_page}"],
        "detail": [f"/enterprises/{slug}/" for slug in slugs[:SAMPLES]],
        # Percent-encoded, as browsers send them.
        "search": [f"/search/?q={quote(rng.choice(SEARCH_WORDS))}" for _ in range(SAMPLES)],
        "statistics": ["/statistics/"],
        # The API, with the same filters, entries and words as the pages above.
        "api_list_1_filter": [
            f"/api/v1/enterprises/?{rng.choice(choose)()}" for _ in range(SAMPLES)
        ],
        "api_list_4_filters": [
            "/api/v1/enterprises/?" + consistent(rng, choose, 4) for _ in range(SAMPLES)
        ],
        "api_detail": [f"/api/v1/enterprises/{slug}/" for slug in slugs[:SAMPLES]],
        "api_search": [
            f"/api/v1/search/?q={quote(rng.choice(SEARCH_WORDS))}" for _ in range(SAMPLES)
        ],
        # Last, so the random choices of the scenarios above stay as they were.
        "compare": [
            "/compare/?e=" + ",".join(rng.sample(slugs[:SAMPLES], 4)) for _ in range(SAMPLES)
        ],
        # Half from an enterprise's page, half a firm described by the form.
        "match": [
            f"/policies/match/?enterprise={rng.choice(slugs[:SAMPLES])}"
            if n % 2
            else "/policies/match/?"
            + urlencode(
                {
                    "region": rng.choice(region_codes),
                    "industry": rng.choice(industries),
                    "tier": rng.choice([t for t, _label in Tier.choices]),
                    "size": rng.choice([s for s, _label in Size.choices]),
                }
            )
            for n in range(SAMPLES)
        ],
    }
    for name, urls in scenarios.items():
        (out / f"{name}.txt").write_text("\n".join(urls) + "\n")
    # Queries per request: the most any sampled URL runs, with an empty cache (cold); and
    # the time a page takes to render when it is not cached (a miss), median and worst.
    setup_test_environment()
    client = Client()
    queries, cold = {}, {}
    for name, urls in scenarios.items():
        worst, times = 0, []
        for url in urls[:COLD_SAMPLES]:
            forget_page(url)
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            if response.status_code >= 400:
                raise SystemExit(f"{url} answered {response.status_code}")
            worst = max(worst, len(ctx))
        if name == "list" and cache.get(page_key(request_for(urls[0]))) is None:
            raise SystemExit("the page cache keys differ from the benchmark's: fix forget_page")
        queries[name] = worst
        cold[name] = [round(statistics.median(times), 1), round(max(times), 1)]
    # The first request after a change: the content version raised, as any edit raises it,
    # so the page and every figure it reads (the facet cube, the statistics' counts) are
    # computed anew; median and worst of CHANGES changes.
    # Two kinds of change: one that touches what figures count (a recognition, a firm's
    # tier), after which the facet cube and the recognition counts are computed anew; and
    # one that touches none of it (a policy, a product, a firm's name), after which only
    # the page is.
    changed = {}
    for kind, parts in (("figures", caching.FIGURES), ("other", ())):
        for name in AFTER_CHANGE:
            if name not in scenarios:
                continue
            times = []
            for _ in range(CHANGES):
                caching.bump_version(parts)
                started = time.perf_counter()
                response = client.get(scenarios[name][0])
                times.append((time.perf_counter() - started) * 1000)
                if response.status_code >= 400:
                    raise SystemExit(f"{scenarios[name][0]} answered {response.status_code}")
            changed[f"{name} ({kind})"] = [
                round(statistics.median(times), 1),
                round(max(times), 1),
            ]
    (out / "changed.json").write_text(json.dumps(changed))
    (out / "queries.json").write_text(json.dumps(queries))
    (out / "cold.json").write_text(json.dumps(cold))
    (out / "meta.json").write_text(json.dumps({"enterprises": total, "last_page": last_page}))


if __name__ == "__main__":
    main(sys.argv[1])
