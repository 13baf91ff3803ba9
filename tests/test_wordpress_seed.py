"""The seed record: a truncated, damaged REST post that import must salvage whole."""

from __future__ import annotations

import json

import pytest

from ssg import frontmatter
from ssg.wordpress.map import map_record, summarize
from ssg.wordpress.read import Registry
from ssg.wordpress.salvage import parse_json

from conftest import SEED

SLUG = "at-least-1700-organised-criminals-from-albania-are-walking-free-in-uk"
PARAGRAPHS = [
    "Police fear at least 1,700 serious organised criminals from Albania are walking free in Britain.",
    "Drug bosses, people smugglers, fraudsters and sex traffickers are believed to be among the "
    "individuals currently at large.",
    "Officers from the Metropolitan Police and National Crime Agency (NCA) have requested records on "
    "each of the suspects from authorities in Albania in a bid to bring them to justice.",
    "It is believed all the suspects arrived illegally in the UK on small boats and lorries.",
    "At least 1,700 organised criminals who are believed to have arrived illegally in the UK from "
    "Albania are feared by police to be at large",
    "James Cleverly met with Albanian Interior Minister Taulant Balla last week to discuss tackling "
    "illegal immigration",
    "The figure came to light as Home Secretary James Cleverly met Albanian Interior Minister Taulant "
    "Balla last week to discuss tackling illegal immigration and serious organised crime.",
    "An insider said: ‘UK police requested records on 1,700 Albanian migrants suspected of being "
    "serious organised criminals, which the Albanian police supplied very promptly. The Albanian "
    "police have requested data on all nationals who have been convicted of crimes in the UK so they "
    "can start confiscating ill-gotten gains such as property, cash, jewellery and vehicles in Albania.’",
    "Earlier this year, drugs kingpin Denis Xhelili, 38, an Albanian migrant, was jailed for ten years "
    "for plotting to import thousands of kilos of cocaine and heroin into the UK.",
    "The Home Office said that the UK and Albania were keen to target ‘illicit finance, corruption, "
    "narcotics and organised immigration crime’.",
]


@pytest.fixture(scope="module")
def seed_document():
    salvaged = parse_json(SEED.read_bytes())
    return map_record(salvaged.data, summarize(salvaged.data), salvaged.problems, Registry())


def test_the_seed_is_not_valid_json():
    with pytest.raises(json.JSONDecodeError):
        json.loads(SEED.read_bytes())


def test_title_slug_link_and_guid_are_recovered_with_escapes_decoded(seed_document):
    meta = seed_document.meta
    assert meta["title"] == "At least 1,700 organised criminals from Albania are walking free in UK"
    assert meta["slug"] == SLUG
    assert meta["wordpress"]["link"] == f"https://celebritywshow.com/world-news/{SLUG}/"
    assert meta["wordpress"]["guid"] == "https://celebritywshow.com/?p=145831"
    assert meta["wordpress"]["id"] == 145831
    assert meta["kind"] == "post"


def test_dates_keep_their_offset(seed_document):
    assert seed_document.meta["date"] == "2023-12-03T02:14:58+00:00"
    assert "updated" not in seed_document.meta  # modified equals date


def test_url_is_the_path_of_the_link(seed_document):
    assert seed_document.meta["url"] == f"/world-news/{SLUG}/"


def test_all_ten_paragraphs_are_kept_in_order_and_nothing_else(seed_document):
    paragraphs = [p.strip() for p in seed_document.body.split("\n\n") if p.strip()]
    assert paragraphs == PARAGRAPHS


def test_json_escapes_are_decoded(seed_document):
    text = frontmatter.dump(seed_document.meta, seed_document.body)
    assert "\\/" not in text and "\\u00a0" not in text and "</p>" not in text


def test_marked_salvaged_with_what_was_wrong(seed_document):
    assert seed_document.meta["salvaged"] is True
    notes = " ".join(seed_document.meta["salvage_notes"])
    assert "truncated" in notes
    assert "<p>" in notes
    assert "excerpt" in notes and "categories" in notes
