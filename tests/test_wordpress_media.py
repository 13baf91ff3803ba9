"""`--media download`: every referenced upload saved under content/media/, every reference rewritten."""

from __future__ import annotations

import json
import re
from urllib.parse import unquote, urlsplit
from urllib.request import urlopen

from ssg import frontmatter
from ssg.wordpress.media import MANIFEST, find_references, localize_record, srcset_urls
from conftest import broken_links
from wordpress_site import FaultProxy, rest_records, run_cli

MISSING = "/wp-content/uploads/2013/03/image-alignment-150x150.jpg"
FLAKY = "/wp-content/uploads/2008/06/dsc20050102_192118_51.jpg"


def test_media_download_saves_every_upload_and_rewrites_every_reference(wordpress, tmp_path):
    site = tmp_path / "site"
    assert run_cli("init", site).returncode == 0
    with FaultProxy(wordpress.url) as proxy:
        proxy.rewrite_bodies = True  # the whole site, uploads too, seen through the proxy
        proxy.add("404", MISSING, times=10)
        proxy.add("500", FLAKY)
        result = run_cli("import", proxy.url, "--site", site, "--media", "download")
        assert result.returncode == 0, result.stderr
        old_site = proxy.url
        manifest = json.loads((site / "content" / MANIFEST).read_text(encoding="utf-8"))

        # A failed download does not stop the run: it is listed, counted, and stays remote.
        assert manifest["missing"] == {old_site + MISSING: "HTTP 404"}
        assert f"{len(manifest['downloaded'])} downloaded" in result.stdout and "1 missing" in result.stdout
        assert f"missing {old_site + MISSING}: HTTP 404" in result.stdout
        assert old_site + FLAKY in manifest["downloaded"]  # a 500 was retried
        assert "https://wpthemetestdata.files.wordpress.com/2018/11/file_block.pdf" in manifest["external"]

        # Each file is what WordPress serves, at its own path under content/media/.
        for url, site_path in manifest["downloaded"].items():
            assert site_path == urlsplit(url).path
            with urlopen(wordpress.url + site_path, timeout=30) as response:
                assert (site / "content/media" / unquote(site_path).lstrip("/")).read_bytes() == response.read()

        # No reference to the old site's uploads is left, except the missing file; every local
        # reference (src, srcset candidates, links, posters, CSS) names a saved file.
        markdown = "\n".join(path.read_text(encoding="utf-8") for path in (site / "content").rglob("*.md")
                             if "_sources" not in path.parts)
        left = set(re.findall(re.escape(old_site) + r"/wp-content/uploads/[^\s\"'<>()]+", markdown))
        assert left == {old_site + MISSING}
        local = set(re.findall(r"(?<![\w/:])/wp-content/uploads/[^\s\"'<>(),\[\]]+", markdown))
        assert len(local) > 50 and MISSING not in local
        for site_path in local:
            assert (site / "content/media" / unquote(site_path).lstrip("/")).is_file(), site_path

        # Featured images, with every generated size, are saved too, and front matter points at them.
        featured = 0
        for post in rest_records(wordpress, "/wp/v2/posts", _embed="1"):
            for media in post.get("_embedded", {}).get("wp:featuredmedia", []):
                sizes = media["media_details"].get("sizes", {}).values()
                for url in [media["source_url"], *(size["source_url"] for size in sizes)]:
                    assert url.replace(wordpress.url, old_site) in manifest["downloaded"], url
                featured += 1
        images = [meta["image"]["src"] for meta in front_matter(site) if "image" in meta]
        assert len(images) == featured == 10
        for src in images:
            assert src.startswith("/wp-content/uploads/")
            assert (site / "content/media" / unquote(src).lstrip("/")).is_file(), src

        # Run again: nothing downloaded twice (only the missing file is tried again), nothing changed.
        asked = len(proxy.requests())
        again = run_cli("import", proxy.url, "--site", site, "--media", "download")
        assert again.returncode == 0, again.stderr
        uploads_asked = {hit.path for hit in proxy.requests()[asked:] if "/wp-content/uploads/" in hit.path}
        assert uploads_asked == {MISSING}
        assert "0 kept because edited" in again.stdout

    # Built under a sub-path, every image, srcset candidate and file link of the archive works.
    build = run_cli("build", "--site", site, "--base-url", "https://user.github.io/repo/")
    assert build.returncode == 0, build.stderr
    public = site / "public"
    assert broken_links(public, "https://user.github.io/repo/") == []
    for site_path in manifest["downloaded"].values():
        assert (public / unquote(site_path).lstrip("/")).is_file(), site_path


def front_matter(site):
    for path in (site / "content").rglob("*.md"):
        if "_sources" not in path.parts:
            yield frontmatter.split(path.read_text(encoding="utf-8"), path)[0]


def test_an_offline_reimport_of_the_saved_folder_applies_the_media_manifest(wordpress, tmp_path):
    site = tmp_path / "site"
    assert run_cli("init", site).returncode == 0
    assert run_cli("import", wordpress.url, "--site", site, "--media", "download").returncode == 0
    folder = next((site / "content/_sources").iterdir())
    before = {path: path.read_bytes() for path in (site / "content").rglob("*.md")}
    result = run_cli("import", folder, "--site", site)
    assert result.returncode == 0, result.stderr
    assert {path: path.read_bytes() for path in (site / "content").rglob("*.md")} == before


def test_srcset_candidates_are_all_found_even_with_commas_in_urls():
    value = "https://a.org/x-300x200.jpg 300w, https://a.org/x.jpg?resize=1024,683 1024w,https://a.org/y.jpg 2x"
    assert srcset_urls(value) == ["https://a.org/x-300x200.jpg", "https://a.org/x.jpg?resize=1024,683",
                                  "https://a.org/y.jpg"]
    assert srcset_urls("a.jpg, b.jpg 2x") == ["a.jpg", "b.jpg"]


def test_references_are_found_in_every_place_content_keeps_them():
    content = """
    <figure><a href="https://site.org/wp-content/uploads/2020/01/big.jpg"><img src="https://site.org/wp-content/uploads/2020/01/big-300x200.jpg"
      srcset="https://site.org/wp-content/uploads/2020/01/big-300x200.jpg 300w, //site.org/wp-content/uploads/2020/01/big-1024x683.jpg 1024w"
      data-orig-file="https://site.org/wp-content/uploads/2020/01/big-orig.jpg"></a></figure>
    <video poster="/wp-content/uploads/2020/01/poster.jpg"><source src="https://site.org/wp-content/uploads/2020/01/clip.mp4"></video>
    <audio src="https://site.org/wp-content/uploads/2020/01/song.mp3"></audio>
    <div style="background-image:url(&quot;https://site.org/wp-content/uploads/2020/01/cover.jpg&quot;)"></div>
    <a href="https://site.org/2020/01/a-post/">a post</a> <a href="https://site.org/robots.txt">robots</a>
    <iframe src="https://site.org/2020/01/a-post/embed/"></iframe>
    <img src="https://cdn.example.net/photo.jpg"> <a href="https://example.net/paper.pdf">paper</a>
    <a href="https://example.net/page">page</a> <img src="data:image/gif;base64,R0lGOD"> <img src="ttps://typo.org/x.jpg">
    """
    record = {"id": 1, "type": "post", "link": "https://site.org/2020/01/post/", "content": {"rendered": content},
              "_embedded": {"wp:featuredmedia": [{"source_url": "https://site.org/wp-content/uploads/2020/01/f.jpg",
                                                  "media_details": {"sizes": {"thumbnail": {
                                                      "source_url": "https://site.org/wp-content/uploads/2020/01/f-150x150.jpg"}}}}]}}
    comment = {"id": 5, "post": 1, "link": "https://site.org/2020/01/post/#comment-5",
               "content": {"rendered": '<p><img src="https://site.org/wp-content/uploads/2020/02/c.png"></p>'}}
    found = find_references([record, comment], {"site.org"})
    names = {urlsplit(url).path.rsplit("/", 1)[-1] for url in found.own}
    assert names == {"big.jpg", "big-300x200.jpg", "big-1024x683.jpg", "big-orig.jpg", "poster.jpg", "clip.mp4",
                     "song.mp3", "cover.jpg", "f.jpg", "f-150x150.jpg", "c.png"}
    assert found.external == {"https://cdn.example.net/photo.jpg", "https://example.net/paper.pdf"}


def test_localize_rewrites_every_form_of_a_downloaded_url_but_not_the_guid():
    media_map = {("site.org", "/wp-content/uploads/2020/01/ñ.jpg"): "/wp-content/uploads/2020/01/%C3%B1.jpg"}
    html = ('<img src="https://site.org/wp-content/uploads/2020/01/%C3%B1.jpg?w=300&amp;h=200" '
            'srcset="http://SITE.org/wp-content/uploads/2020/01/ñ.jpg 300w, //site.org/wp-content/uploads/2020/01/ñ.jpg, '
            'https://other.org/wp-content/uploads/2020/01/ñ.jpg 2x">')
    record = {"guid": {"rendered": "https://site.org/wp-content/uploads/2020/01/ñ.jpg"},
              "content": {"rendered": html}, "source_url": "https://site.org/wp-content/uploads/2020/01/ñ.jpg"}
    local = localize_record(record, media_map)
    assert localize_record("ftp://site.org/wp-content/uploads/2020/01/ñ.jpg", media_map).startswith("ftp://site.org/")
    assert local["guid"] == record["guid"]
    assert local["source_url"] == "/wp-content/uploads/2020/01/%C3%B1.jpg"
    assert local["content"]["rendered"] == (
        '<img src="/wp-content/uploads/2020/01/%C3%B1.jpg" srcset="/wp-content/uploads/2020/01/%C3%B1.jpg 300w, '
        '/wp-content/uploads/2020/01/%C3%B1.jpg, https://other.org/wp-content/uploads/2020/01/ñ.jpg 2x">')
