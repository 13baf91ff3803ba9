"""Pagefind's index files, put in name order so that the same input gives the same bytes."""

from __future__ import annotations

import gzip
import json

import pytest
from hypothesis import given, strategies as st

from ssg.pagefind_files import Raw, canonical_index, decode, encode, pack, unpack

cbor_items = st.recursive(
    st.integers(-2**63, 2**64 - 1) | st.text() | st.binary(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=12)


@given(cbor_items)
def test_decoding_what_was_encoded_gives_it_back(item):
    assert decode(encode(item), 0) == (item, len(encode(item)))


def test_heads_are_as_short_as_cbor_allows():
    assert encode(23) == b"\x17" and encode(24) == b"\x18\x18" and encode(256) == b"\x19\x01\x00"
    assert encode(-1) == b"\x20" and encode(["a"]) == b"\x81\x61a"


def test_floats_and_simple_values_pass_through_untouched():
    half = bytes([0xF9, 0x38, 0x00])  # 0.5 as a half-precision float
    item, end = decode(b"\x82" + half + b"\xf5", 0)
    assert item == [Raw(half), Raw(b"\xf5")] and end == 5 and encode(item) == b"\x82" + half + b"\xf5"


def test_files_without_the_signature_are_refused():
    with pytest.raises(ValueError, match="not a Pagefind index file"):
        unpack(gzip.compress(b"\x80"))


def test_filters_and_their_list_are_put_in_name_order():
    files = {
        "pagefind-entry.json": json.dumps({"version": "1.5.2", "languages": {
            "en": {"hash": "en_0000000000", "wasm": "en", "page_count": 2}}}).encode(),
        "pagefind.en_0000000000.pf_meta": pack(["1.5.2", [], [], [["year", "en_aaaaaaa"], ["tag", "en_bbbbbbb"]],
                                                [], ["title"]]),
        "filter/en_aaaaaaa.pf_filter": pack(["year", [["2023", [1]], ["2021", [0]]]]),
        "filter/en_bbbbbbb.pf_filter": pack(["tag", [["b", [0]], ["a", [1]]]]),
        "fragment/en_1234567.pf_fragment": b"unchanged",
    }
    result = canonical_index(files)
    entry = json.loads(result["pagefind-entry.json"])
    meta = unpack(result[f"pagefind.{entry['languages']['en']['hash']}.pf_meta"])
    assert [name for name, _ in meta[3]] == ["tag", "year"]
    filters = {name: unpack(result[f"filter/{file}.pf_filter"]) for name, file in meta[3]}
    assert filters == {"tag": ["tag", [["a", [1]], ["b", [0]]]], "year": ["year", [["2021", [0]], ["2023", [1]]]]}
    assert result["fragment/en_1234567.pf_fragment"] == b"unchanged"
    assert canonical_index(result) == result
