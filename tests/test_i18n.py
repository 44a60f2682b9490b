import re
import shutil
import subprocess
import sys
from html import unescape
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.contrib.admin.models import CHANGE  # noqa: F401  (admin is importable in both languages)
from django.urls import reverse

from enterprises.models import Enterprise, PolicyInitiative, Status
from tests.factories import EnterpriseFactory, PolicyFactory
from tests.i18n_extract import project_messages

LOCALE = Path(settings.BASE_DIR) / "locale"
ZH_PO = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
EN_PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


def html_of(response):
    return response.content.decode()


def visible_text(html):
    """Text a reader sees: no tags, scripts or styles."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


# The catalogue ------------------------------------------------------------------------------


def test_every_translatable_string_has_a_chinese_translation():
    catalogue = {(e.msgctxt or "", e.msgid): e for e in polib.pofile(str(ZH_PO))}
    missing = []
    for key, (plural, where) in project_messages().items():
        entry = catalogue.get(key)
        translated = (
            entry
            and not entry.obsolete
            and "fuzzy" not in entry.flags
            and (all(entry.msgstr_plural.values()) if plural else entry.msgstr)
        )
        if not translated:
            missing.append(f"{key[1]!r} ({Path(where).name})")
    assert missing == [], "Run makemessages and translate: " + "; ".join(missing)


@pytest.mark.parametrize("po_path", [ZH_PO, EN_PO], ids=["zh_Hans", "en"])
def test_catalogues_are_complete_and_placeholders_match(po_path):
    catalogue = polib.pofile(str(po_path))
    assert catalogue.percent_translated() == 100
    assert not catalogue.fuzzy_entries()
    for entry in catalogue:
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for translation in translations:
            assert sorted(PLACEHOLDER.findall(translation)) == sorted(
                PLACEHOLDER.findall(entry.msgid)
            ), entry.msgid


@pytest.mark.parametrize("po_path", [ZH_PO, EN_PO], ids=["zh_Hans", "en"])
def test_compiled_catalogue_is_current(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), "run `make messages` (manage.py compile_translations)"
    # Keyed by context too: the same words may be translated apart in two contexts.
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(mo_path))}
    for entry in polib.pofile(str(po_path)):
        if not entry.msgid_plural:
            assert compiled.get((entry.msgctxt, entry.msgid)) == entry.msgstr, entry.msgid


def test_makemessages_finds_nothing_new(tmp_path):
    """Where GNU gettext is installed, the real makemessages agrees with the catalogue."""
    if not shutil.which("xgettext"):
        pytest.skip("GNU gettext is not installed; the pure-Python check above still ran")
    copy = tmp_path / "project"
    shutil.copytree(
        settings.BASE_DIR,
        copy,
        ignore=shutil.ignore_patterns(".venv", "var", ".git", "node_modules", "*.mo"),
    )
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-location",
            "--ignore=tests/*",
            "--ignore=var/*",
            "--ignore=benchmarks/*",
        ],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    regenerated = polib.pofile(str(copy / "locale/zh_Hans/LC_MESSAGES/django.po"))
    untranslated = [e.msgid for e in regenerated.untranslated_entries()]
    fuzzy = [e.msgid for e in regenerated.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []


# Pages in both languages ------------------------------------------------------------------

PAGES = [
    # (path, Chinese title start, English title start, Chinese content, English content)
    ("/", "中国专精特新中小企业", "China's specialized", "各层级企业数量", "Enterprises by tier"),
    ("/enterprises/", "企业", "Enterprises", "筛选", "Filter"),
    (
        "/enterprises/beijing-tri-tech/",
        "Beijing Tri-tech",
        "Beijing Tri-tech",
        "认定记录",
        "Recognitions",
    ),
    ("/products/", "产品", "Products", "个产品", "products"),
    (
        "/products/passive-wearable-exoskeleton/",
        "无动力可穿戴外骨骼",
        "Passive wearable exoskeleton",
        "钟摆",
        "pendulum",
    ),
    (
        "/exhibitions/",
        "展会",
        "Exhibitions",
        "中小企业发展大会（沈阳，2023年）",
        "Conference on China's SME development",
    ),
    (
        "/exhibitions/sme-development-conference-shenyang-2023/",
        "中小企业发展大会（沈阳，2023年）",
        "Conference on China's SME development",
        "展出产品",
        "Products shown",
    ),
    ("/policies/", "政策", "Policies", "项政策举措", "policy initiatives"),
    (
        "/policies/anhui-specialized-enterprise-targets-2025/",
        "安徽省到2025年",
        "Anhui targets",
        "超过5000家",
        "more than 5,000 enterprises",
    ),
    ("/regions/", "地区", "Regions", "澳门特别行政区", "Macao Special Administrative Region"),
    ("/regions/anhui/", "安徽省", "Anhui Province", "各层级企业数量", "Enterprises by tier"),
    ("/statistics/", "统计", "Statistics", "按地区和层级", "By region and tier"),
    ("/search/?q=robot", "搜索：robot", "Search: robot", "全部（", "All ("),
    (
        "/search/?q=外骨骼",
        "搜索：外骨骼",
        "Search: 外骨骼",
        "借助人体自身重力",
        "wearer's own weight",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "zh_title", "en_title", "zh_text", "en_text"), PAGES)
def test_page_in_both_languages(client, curated, path, zh_title, en_title, zh_text, en_text):
    chinese = client.get(path)
    english = client.get("/en" + path)
    assert chinese.status_code == english.status_code == 200
    zh, en = html_of(chinese), html_of(english)
    assert '<html lang="zh-Hans">' in zh and '<html lang="en">' in en
    zh_title_text = unescape(re.search(r"<title>(.*?)</title>", zh).group(1))
    en_title_text = unescape(re.search(r"<title>(.*?)</title>", en).group(1))
    assert zh_title_text.startswith(zh_title) and zh_title_text.endswith("中国专精特新企业名录")
    assert en_title_text.startswith(en_title)
    assert en_title_text.endswith("China Specialized SME Directory")
    assert zh_text in visible_text(zh) and en_text in visible_text(en)


@pytest.mark.django_db
@pytest.mark.parametrize("path", [page[0] for page in PAGES])
def test_no_interface_string_is_left_in_english_on_a_chinese_page(client, curated, path):
    interface = [
        e.msgid
        for e in polib.pofile(str(ZH_PO))
        if len(e.msgid) >= 8 and e.msgstr and e.msgstr != e.msgid and "%(" not in e.msgid
    ]
    html = html_of(client.get(path))
    # Entry text shown in English because no Chinese exists yet is marked and allowed.
    html = re.sub(r'<(span|div) lang="en" class="untranslated">.*?</\1>', " ", html, flags=re.S)
    text = visible_text(html)
    leftovers = [msgid for msgid in interface if msgid in text]
    assert leftovers == []


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/enterprises/?region=liaoning", "/regions/anhui/"])
def test_hreflang_alternates_on_every_page(client, curated, path):
    html = html_of(client.get(path))
    query = "?" + path.split("?")[1] if "?" in path else ""
    bare = path.split("?")[0]
    assert f'hreflang="zh-Hans" href="http://testserver{bare}{query}"' in html
    assert f'hreflang="en" href="http://testserver/en{bare}{query}"' in html
    assert 'hreflang="x-default"' in html


@pytest.mark.django_db
def test_dates_follow_the_language(client, curated):
    zh = visible_text(html_of(client.get("/enterprises/zte/")))
    en = visible_text(html_of(client.get("/en/enterprises/zte/")))
    assert "2023年4月13日" in zh
    assert "13 April 2023" in en


@pytest.mark.django_db
def test_figures_follow_the_language(client, curated):
    zh = visible_text(html_of(client.get("/")))
    en = visible_text(html_of(client.get("/en/")))
    assert "超过70000家" in zh and "近9000家" in zh and "40%" in zh
    assert "more than 70,000 enterprises" in en and "nearly 9,000 firms" in en
    assert "40%" in en


# The switcher and the remembered choice -----------------------------------------------------


@pytest.mark.django_db
def test_switcher_keeps_the_page_and_its_filters(client, curated):
    html = html_of(client.get("/enterprises/?region=shandong&sort=-name"))
    link = unescape(re.search(r'<a href="([^"]+)" hreflang="en"', html).group(1))
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"] == "/en/enterprises/?region=shandong&sort=-name"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_switching_back_to_chinese_from_english(client, curated):
    response = client.get("/i18n/switch/zh-hans/?next=/en/regions/anhui/%3Fx%3D1")
    assert response["Location"] == "/regions/anhui/?x=1"


@pytest.mark.django_db
def test_the_choice_is_remembered(client, curated):
    client.get("/i18n/switch/en/?next=/")
    response = client.get("/enterprises/?region=anhui")
    assert response.status_code == 302
    assert response["Location"] == "/en/enterprises/?region=anhui"
    assert "Cookie" in response["Vary"]
    client.get("/i18n/switch/zh-hans/?next=/en/")
    assert client.get("/enterprises/?region=anhui").status_code == 200


@pytest.mark.django_db
def test_switcher_refuses_to_leave_the_site(client):
    response = client.get("/i18n/switch/en/?next=https://evil.example/")
    assert response["Location"] == "/en/"
    response = client.get("/i18n/switch/xx/?next=/enterprises/")
    assert response["Location"] == "/enterprises/"


@pytest.mark.django_db
def test_paths_outside_the_site_pages_are_never_redirected(client):
    client.get("/i18n/switch/en/?next=/")
    assert client.get("/healthz").status_code == 200


# Fallbacks ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_english_only_name_is_marked_on_the_chinese_page(client, curated):
    html = html_of(client.get("/enterprises/sysmed-china/"))
    assert '<span lang="en" class="untranslated">Sysmed (China)</span>' in html
    assert "（尚未翻译）" in html


@pytest.mark.django_db
def test_chinese_only_text_is_marked_on_the_english_page(client):
    enterprise = EnterpriseFactory(name_en="", name_zh_hans="仅有中文名称的企业", summary_en="")
    html = html_of(client.get("/en" + enterprise.get_absolute_url()))
    assert '<span lang="zh-Hans" class="untranslated">仅有中文名称的企业</span>' in html
    assert "(not yet translated)" in html


@pytest.mark.django_db
def test_translated_text_is_not_marked(client, curated):
    html = html_of(client.get("/en/enterprises/zte/"))
    assert "untranslated" not in html.split("<main")[1]


# Slugs ---------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestSlugs:
    def test_slugs_are_ascii_from_pinyin_without_english(self):
        enterprise = Enterprise.objects.create(name_zh_hans="潍柴动力股份有限公司")
        assert enterprise.slug == "wei-chai-dong-li-gu-fen-you-xian-gong-si"
        assert enterprise.slug.isascii()

    def test_renamed_entry_keeps_its_old_url(self, client):
        enterprise = Enterprise.objects.create(name_en="Old Robotics", status=Status.PUBLISHED)
        enterprise.name_en = "New Robotics"
        enterprise.save()
        response = client.get("/enterprises/old-robotics/?tab=products")
        assert response.status_code == 301
        # A detail page reads no query parameters: the redirect is to its canonical URL.
        assert response["Location"] == "/enterprises/new-robotics/"
        english = client.get("/en/enterprises/old-robotics/")
        assert english["Location"] == "/en/enterprises/new-robotics/"
        assert client.get(response["Location"]).status_code == 200

    def test_adding_an_english_name_moves_a_pinyin_slug(self, client):
        enterprise = Enterprise.objects.create(name_zh_hans="中兴通讯", status=Status.PUBLISHED)
        enterprise.name_en = "ZTE"
        enterprise.save()
        assert enterprise.slug == "zte"
        assert client.get("/enterprises/zhong-xing-tong-xun/")["Location"] == "/enterprises/zte/"

    def test_a_chain_of_renames_redirects_every_old_slug(self, client):
        policy = PolicyInitiative.objects.create(title_en="Plan A", status=Status.PUBLISHED)
        for title in ("Plan B", "Plan C"):
            policy.title_en = title
            policy.save()
        for old in ("plan-a", "plan-b"):
            assert client.get(f"/policies/{old}/")["Location"] == "/policies/plan-c/"

    def test_old_slug_of_a_draft_is_not_revealed(self, client):
        enterprise = Enterprise.objects.create(name_en="Secret Plan Co")
        enterprise.name_en = "Renamed Secret"
        enterprise.save()
        assert client.get("/enterprises/secret-plan-co/").status_code == 404

    def test_publisher_rename_in_the_admin_redirects(self, publisher_client):
        editor_client = publisher_client
        policy = PolicyFactory(title_en="Liaoning plan", slug="liaoning-plan")
        url = reverse("admin:enterprises_policyinitiative_change", args=[policy.pk])
        form = editor_client.get(url).context["adminform"].form
        data = {name: value for name, value in form.initial.items() if value is not None}
        data.update(
            title_en="Liaoning work plan",
            title_zh_hans=policy.title_zh_hans,
            slug="liaoning-plan",
            scope="national",
            status="published",
            **{"targets-TOTAL_FORMS": "0", "targets-INITIAL_FORMS": "0"},
        )
        data.pop("sources", None)
        response = editor_client.post(url, data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        policy.refresh_from_db()
        assert policy.slug == "liaoning-work-plan"
        assert editor_client.get("/policies/liaoning-plan/")["Location"] == (
            "/policies/liaoning-work-plan/"
        )


# The admin in both languages ------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_speaks_both_languages(staff_client, curated):
    zte = Enterprise.objects.get(slug="zte")
    zh = html_of(staff_client.get(reverse("admin:enterprises_enterprise_change", args=[zte.pk])))
    with_en = html_of(
        staff_client.get("/en" + reverse("admin:enterprises_enterprise_change", args=[zte.pk]))
    )
    assert "统一社会信用代码" in zh and "名称 (中文)" in zh
    assert "Unified social credit code" in with_en and "Name (English)" in with_en


@pytest.mark.django_db
def test_admin_filters_entries_missing_a_translation(staff_client, curated):
    url = reverse("admin:enterprises_enterprise_changelist")
    missing_zh = staff_client.get(url + "?missing=zh-hans").context["cl"].result_list
    assert {e.slug for e in missing_zh} == {
        "sysmed-china",
        "beijing-tri-tech",
        "zte",
        "weichai-power",
    }
    complete = EnterpriseFactory(
        name_en="Both", name_zh_hans="双语", summary_en="s", summary_zh_hans="摘要"
    )
    missing_en = staff_client.get(url + "?missing=en").context["cl"].result_list
    assert complete not in missing_en
    only_zh = EnterpriseFactory(
        name_en="", name_zh_hans="只有中文", summary_en="", summary_zh_hans=""
    )
    missing_en = staff_client.get(url + "?missing=en").context["cl"].result_list
    assert only_zh in missing_en


CHINESE_PAGES = [
    "/",
    "/enterprises/",
    "/enterprises/zte/",
    "/enterprises/sysmed-china/",
    "/products/passive-wearable-exoskeleton/",
    "/exhibitions/",
    "/exhibitions/sme-development-conference-shenyang-2023/",
    "/policies/anhui-specialized-enterprise-targets-2025/",
    "/regions/liaoning/",
    "/statistics/",
    "/people/",
    "/people/li-zibin/",
    "/search/?q=robot",
]
ASCII_BESIDE_CHINESE = re.compile(
    r"[\u4e00-\u9fff）][,:;] ?[\u4e00-\u9fff（]|[\u4e00-\u9fff] ?\((?!\d{4}\))|\) ?[\u4e00-\u9fff]"
)


def page_text(html):
    body = html.split("<body", 1)[1]
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " | ", body))


@pytest.mark.django_db
@pytest.mark.parametrize("path", CHINESE_PAGES)
def test_chinese_pages_use_chinese_punctuation(client, curated, path):
    text = page_text(client.get(path).content.decode())
    assert ASCII_BESIDE_CHINESE.findall(text) == []


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/enterprises/sysmed-china/", "/people/li-zibin/"])
def test_an_untranslated_name_is_marked_once_at_the_top_of_the_page(client, curated, path):
    html = client.get(path).content.decode()
    top = html.split("<main", 1)[0] + html.split("<main", 1)[1].split("</h1>", 1)[0]
    assert top.count("（尚未翻译）") == 1
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "尚未翻译" not in title
