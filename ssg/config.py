"""ssg.toml -> a Config dataclass; unknown keys and wrong types are errors that say what to write."""

from __future__ import annotations

import difflib
import tomllib
import zoneinfo
from dataclasses import dataclass, field, fields
from pathlib import Path
from urllib.parse import urlsplit

from ssg import urls
from ssg.errors import SsgError

CONFIG_NAME = "ssg.toml"


@dataclass(slots=True)
class Config:
    """A site's settings, from ssg.toml, with the defaults a new site gets."""

    root: Path
    title: str = "My archive"
    base_url: str = "http://127.0.0.1:8000/"
    language: str = "en"
    timezone: str = "UTC"
    theme: str = "default"
    per_page: int = 10
    description: str = ""
    feed_size: int = 10
    domain: str = ""
    original_urls: list[str] = field(default_factory=list)
    archives_url: str = "/archives/"
    categories_url: str = "/categories/"
    tags_url: str = "/tags/"
    extra: dict = field(default_factory=dict)

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def output_dir(self) -> Path:
        return self.root / "public"

    @property
    def base_path(self) -> str:
        """The path part of base_url, always ending in '/': '/' or '/repo/'."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


_TYPES = {"str": (str, "text in quotes"), "int": (int, "a whole number"), "dict": (dict, "a table"),
          "list[str]": (list, 'a list of text in quotes, like ["https://example.org/"]')}
_SETTABLE = {f.name: f for f in fields(Config) if f.name != "root"}


def load_config(root: Path) -> Config:
    """Read `root/ssg.toml`; a missing file means `root` is not a site."""
    path = root / CONFIG_NAME
    if not path.is_file():
        raise SsgError(f"not an ssg site (no {CONFIG_NAME}): run `ssg init {root}` to create one, "
                       "or pass --site DIR", root)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise SsgError(f"invalid TOML: {error}", path) from None
    except UnicodeDecodeError:
        raise SsgError("is not UTF-8 text", path) from None
    return config_from_dict(data, root, path)


def config_from_dict(data: dict, root: Path, path: Path) -> Config:
    """Validate keys and types of a parsed ssg.toml."""
    for key in data:
        if key not in _SETTABLE:
            close = difflib.get_close_matches(key, _SETTABLE, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(_SETTABLE)}"
            raise SsgError(f"unknown key '{key}'{hint}", path)
    config = Config(root=root, **data)
    for name, spec in _SETTABLE.items():
        value = getattr(config, name)
        expected, described = _TYPES[str(spec.type)]
        if not isinstance(value, expected) or isinstance(value, bool):
            raise SsgError(f"'{name}' must be {described}, not {value!r}", path)
        if expected is list and not all(isinstance(item, str) for item in value):
            raise SsgError(f"'{name}' must be {described}, not {value!r}", path)
    validate_config(config, path)
    return config


def validate_config(config: Config, path: Path) -> None:
    """Check values whose type is right but whose content is not."""
    parts = urlsplit(config.base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SsgError(f"base_url must be an http(s) address like 'https://example.org/', "
                       f"not {config.base_url!r}", path)
    if parts.query or parts.fragment:
        raise SsgError("base_url cannot have a query or #fragment", path)
    try:
        zoneinfo.ZoneInfo(config.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise SsgError(f"unknown timezone {config.timezone!r}: use an IANA name like 'UTC' or "
                       "'Europe/London'", path) from None
    for name in ("per_page", "feed_size"):
        if getattr(config, name) < 1:
            raise SsgError(f"{name} must be 1 or more", path)
    for address in config.original_urls:
        parts = urlsplit(address)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SsgError(f"original_urls must hold http(s) addresses like 'https://old.example.org/', "
                           f"not {address!r}", path)
    if config.domain and ("/" in config.domain or ":" in config.domain or "." not in config.domain):
        raise SsgError(f"domain must be a host name like 'archive.example.org' (no https://, no path), "
                       f"not {config.domain!r}", path)
    for name in ("archives_url", "categories_url", "tags_url"):
        value = getattr(config, name)
        try:
            checked = urls.check_url(value)
        except ValueError as error:
            raise SsgError(f"{name}: {error}", path) from None
        if checked != value or value == "/":
            raise SsgError(f"{name} must be a folder path like '/archives/', not {value!r}", path)
