"""Internal links: addresses on the original site or the archive become archive URLs; the rest are reported."""

from __future__ import annotations

import pytest

from ssg.links import LinkContext, LinkTable, resolve_link
from ssg.markdown import make_markdown, render_markdown

from conftest import write_post

TABLE = LinkTable(
    base_path="/repo/",
    outputs={"about/index.html", "2024/02/06/hello/index.html", "wp-content/uploads/x.jpg", "feed/index.xml",
             "old/post.html", "新宿/index.html"},
    redirects={"/old-about/": "/about/"},
    old_links={"p": {"5": "/about/"}, "tag": {"cats": "/tag/cats/"}},
    hosts={"old.example.org", "www.old.example.org"},
    own_host="user.github.io",
    original_url="https://old.example.org/",
)
PAGE = "/2024/02/06/hello/"


@pytest.mark.parametrize("url, expected", [
    ("https://old.example.org/about/", "/repo/about/"),
    ("http://www.old.example.org/about", "/repo/about/"),  # scheme, www. and a missing slash do not matter
    ("//old.example.org/about/#team", "/repo/about/#team"),
    ("/about/?replytocom=3#respond", "/repo/about/?replytocom=3#respond"),
    ("../../06/hello/", "/repo/2024/02/06/hello/"),  # relative to the page
    ("https://old.example.org/wp-content/uploads/x.jpg", "/repo/wp-content/uploads/x.jpg"),  # media
    ("https://old.example.org/feed/", "/repo/feed/index.xml"),  # a feed folder
    ("https://old.example.org/old-about/", "/repo/about/"),  # an alias: straight to where it leads
    ("https://old.example.org/?p=5#comments", "/repo/about/#comments"),  # a plain permalink
    ("https://old.example.org/index.php?tag=cats", "/repo/tag/cats/"),
    ("https://old.example.org/old/post.html", "/repo/old/post.html"),
    ("https://old.example.org/%E6%96%B0%E5%AE%BF/", "/repo/%E6%96%B0%E5%AE%BF/"),
    ("https://user.github.io/repo/about/", "/repo/about/"),  # the archive's own address
])
def test_internal_links_become_archive_addresses(url, expected):
    assert resolve_link(TABLE, url, PAGE) == (expected, False)


@pytest.mark.parametrize("url", ["https://example.com/about/", "mailto:a@example.org", "#top", "?s=cats", "tel:123",
                                 "https://user.github.io/another-repo/about/"])
def test_other_links_are_left_alone(url):
    assert resolve_link(TABLE, url, PAGE) == (url, False)


@pytest.mark.parametrize("url, kept", [
    ("https://old.example.org/gone/", "https://old.example.org/gone/"),
    ("https://old.example.org/?p=999", "https://old.example.org/?p=999"),
    # Imported content's own paths led to the original site; they keep leading there.
    ("/wp-json/wp/v2/posts?page=2", "https://old.example.org/wp-json/wp/v2/posts?page=2"),
    ("missing.png", "https://old.example.org/2024/02/06/hello/missing.png"),
])
def test_links_that_lead_nowhere_are_reported(url, kept):
    assert resolve_link(TABLE, url, PAGE) == (kept, True)


def test_markdown_links_images_and_raw_html_are_rewritten_by_the_parser():
    context = LinkContext(TABLE, PAGE)
    html = render_markdown(make_markdown(), (
        "[a](https://old.example.org/about/) ![i](https://old.example.org/wp-content/uploads/x.jpg)\n\n"
        '<figure><a href="https://old.example.org/about/" title="a &amp; b"><img '
        'src="https://old.example.org/wp-content/uploads/x.jpg" srcset="https://old.example.org/wp-content/uploads/x.jpg 300w, '
        'https://old.example.org/big.jpg 600w" alt="An &quot;image&quot;"></a></figure>\n\n'
        'text with <a href="https://old.example.org/gone/">an inline tag</a>\n'), context)
    assert '<a href="/repo/about/">a</a> <img src="/repo/wp-content/uploads/x.jpg" alt="i">' in html
    assert ('<a href="/repo/about/" title="a &amp; b"><img src="/repo/wp-content/uploads/x.jpg" '
            'srcset="/repo/wp-content/uploads/x.jpg 300w, https://old.example.org/big.jpg 600w" '
            'alt="An &quot;image&quot;"></a>') in html
    assert '<a href="https://old.example.org/gone/">an inline tag</a>' in html
    assert context.unresolved == ["https://old.example.org/big.jpg", "https://old.example.org/gone/"]


def test_raw_html_without_addresses_to_rewrite_is_untouched():
    text = '<div class="x">\n<p>line <b>two</b></p>\n<img src="https://example.com/a.png" alt="">\n</div>'
    context = LinkContext(TABLE, PAGE)
    assert render_markdown(make_markdown(), text, context) == render_markdown(make_markdown(), text) == text + "\n"
    assert context.unresolved == []


def test_ssg_check_lists_every_broken_link_and_exits_1(run_ssg, contract_site):
    code, out, _ = run_ssg("check", "--site", contract_site)
    assert code == 1
    assert out.splitlines() == [
        f"{contract_site}/content/posts/2020/01/harbour-days.md: https://old.example.org/2019/05/01/gone/",
        f"{contract_site}/content/posts/2021/03/evil.md: x.png",
        "2 internal links in 2 files lead to nothing in the archive.",
    ]
    (contract_site / "content/posts/2021/03/evil.md").unlink()
    write_post(contract_site, "posts/2019/05/gone.md", "---\ntitle: Gone no more\ndate: 2019-05-01\n"
                                                       "url: /2019/05/01/gone/\n---\n")
    code, out, _ = run_ssg("check", "--site", contract_site)
    assert (code, out) == (0, "Every internal link leads to a page or file of the archive.\n")


def test_a_build_warns_about_broken_links_and_strict_fails_without_writing(run_ssg, contract_site):
    code, out, err = run_ssg("build", "--site", contract_site)
    assert code == 0 and "2 warnings" in out
    assert "harbour-days.md: link to https://old.example.org/2019/05/01/gone/ does not lead to anything" in err
    before = (contract_site / "public/index.html").read_bytes()
    write_post(contract_site, "posts/more.md", "---\ntitle: More\ndate: 2024-01-01\n---\n[x](/nowhere/)\n")
    code, _, err = run_ssg("build", "--site", contract_site, "--strict")
    assert code == 1 and "3 warnings and --strict: nothing was written" in err
    assert (contract_site / "public/index.html").read_bytes() == before
