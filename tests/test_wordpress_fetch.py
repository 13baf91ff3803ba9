"""The HTTP rules of the live import: Retry-After, same-host redirects, Link headers, site time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import httpx

from ssg.wordpress.crawl import site_time
from ssg.wordpress.fetch import FetchSettings, Reply, retry_after, same_host


def test_retry_after_in_seconds_or_as_a_date_is_honoured_and_capped():
    settings = FetchSettings(max_retry_after=120)
    assert retry_after(httpx.Headers({"Retry-After": "7"}), settings) == 7
    assert retry_after(httpx.Headers({"Retry-After": "86400"}), settings) == 120
    soon = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=30), usegmt=True)
    assert 25 <= retry_after(httpx.Headers({"Retry-After": soon}), settings) <= 30
    assert retry_after(httpx.Headers({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}), settings) == 0
    assert retry_after(httpx.Headers({"Retry-After": "soon"}), settings) is None
    assert retry_after(httpx.Headers(), settings) is None


def test_only_the_same_host_and_never_down_to_http():
    assert same_host("http://example.com/wp-json", "https://example.com/wp-json/")
    assert same_host("https://Example.com/", "https://example.com:8443/x")
    assert not same_host("https://example.com/", "http://example.com/")
    assert not same_host("https://example.com/", "https://www.example.com/")
    assert not same_host("https://example.com/", "file:///etc/passwd")
    assert not same_host("http://127.0.0.1:8080/", "http://localhost:8080/")


def test_the_api_link_header_is_read_whatever_its_spacing():
    headers = httpx.Headers([("Link", '<https://example.com/wp-json/>; rel="https://api.w.org/"'),
                             ("Link", '</?p=5>;rel="shortlink", <https://example.com/wp-json/wp/v2/posts/5>; '
                                      'rel="alternate"; type="application/json"')])
    reply = Reply("https://example.com/hello/", 200, headers)
    assert reply.link("https://api.w.org/") == "https://example.com/wp-json/"
    assert reply.link("shortlink") == "https://example.com/?p=5"
    assert reply.link("next") is None


def test_since_with_an_offset_is_turned_into_the_sites_own_time():
    since = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
    assert site_time(since, {"gmt_offset": "-7"}) == datetime(2024, 5, 1, 5, 0)
    assert site_time(since, {"gmt_offset": 5.5}) == datetime(2024, 5, 1, 17, 30)
    assert site_time(datetime(2024, 5, 1), {"gmt_offset": "-7"}) == datetime(2024, 5, 1)
