"""Post HTML is untrusted: nothing in it may run script in the archive."""

from __future__ import annotations

import html

import nh3
import pytest

from ssg.bodies import plain_text
from ssg.sanitize import sanitize_html

ATTACKS = [
    '<script>alert(1)</script>',
    '<img src="x" onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe src="https://evil.example/"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<form action="https://evil.example/"><input name="password"></form>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<svg onload="alert(1)"></svg>',
    '<style>body{display:none}</style>',
    '<div style="background:url(javascript:alert(1))">x</div>',
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_attacks_are_neutralised(attack):
    cleaned = sanitize_html(attack).lower()
    for danger in ("<script", "onerror", "onload", "javascript:", "data:text", "<form", "<input",
                   "<object", "<embed", "<base", "<meta", "<svg", "<style", "srcdoc", "evil.example",
                   "style="):
        assert danger not in cleaned, (attack, cleaned)


def test_allow_listed_embeds_are_kept_and_sandboxed():
    cleaned = sanitize_html('<iframe src="https://www.youtube.com/embed/abc" width="560" allowfullscreen></iframe>')
    assert 'src="https://www.youtube.com/embed/abc"' in cleaned
    assert 'sandbox="allow-scripts allow-same-origin allow-popups allow-presentation"' in cleaned


def test_media_and_structure_are_kept():
    html = ('<figure><img src="/a.jpg" alt="A" srcset="/a-300.jpg 300w"><figcaption>Cap</figcaption></figure>'
            '<video controls src="/v.mp4"></video><audio controls><source src="/a.mp3" type="audio/mpeg"></audio>'
            '<table><tr><td colspan="2">x</td></tr></table>')
    cleaned = sanitize_html(html)
    for kept in ('alt="A"', 'srcset="/a-300.jpg 300w"', "<figcaption>Cap</figcaption>", 'src="/v.mp4"',
                 'src="/a.mp3"', 'colspan="2"'):
        assert kept in cleaned


def test_sanitizing_gives_the_same_bytes_every_time():
    html = '<iframe src="https://www.youtube.com/embed/abc" loading="lazy" title="T"></iframe><p id="x" class="y">z</p>'
    assert len({sanitize_html(html) for _ in range(20)} | {sanitize_html(sanitize_html(html)) for _ in range(20)}) == 1


def test_svg_uploads_lose_their_script():
    from ssg.sanitize import sanitize_svg

    svg = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" '
           b'xmlns:xlink="http://www.w3.org/1999/xlink" onload="alert(1)">'
           b'<script>alert(2)</script><foreignObject><body onload="alert(3)"/></foreignObject>'
           b'<a xlink:href="javascript:alert(4)"><rect width="10" height="10" onclick="alert(5)"/></a>'
           b'<a href="#x"><set attributeName="href" to="javascript:alert(6)"/></a>'
           b'<circle r="4" fill="red"/></svg>')
    cleaned = sanitize_svg(svg).decode()
    for danger in ("alert", "script", "onload", "onclick", "foreignObject", "javascript"):
        assert danger not in cleaned
    assert '<circle r="4" fill="red"/>' in cleaned and 'href="#x"' in cleaned


def test_not_svg_is_refused():
    from ssg.sanitize import sanitize_svg

    assert sanitize_svg(b"<html><script>alert(1)</script></html>") is None
    assert sanitize_svg(b"not xml") is None


@pytest.mark.parametrize("raw", [
    "<p>x &amp; y&nbsp;z</p><p>next</p>", "<a title='a>b' href='/x'>link</a> &lt;i&gt;", "<img alt='a<b' src=x>after",
    "<table>\n<tr><td>a</td><form><td>b</td></form></tr></table>", "a<pre>\n\nb</pre>", "<!-- c --><script>s</script>w",
    '<iframe src="https://www.youtube.com/embed/x">fallback &amp; <b>text</b></iframe>', "<template>t</template>u",
    "<svg><text>t</text></svg><math><mi>m</mi></math>", "<textarea>t</textarea><noscript>n</noscript><xmp>&amp;</xmp>",
])
def test_the_words_of_a_body_are_those_a_parser_finds(raw):
    """plain_text takes the tags off sanitized HTML without parsing it again: the same words as nh3 finds."""
    body = sanitize_html(raw)
    assert plain_text(body) == " ".join(html.unescape(nh3.clean(body, tags=set())).split())
