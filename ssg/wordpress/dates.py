"""Import: WordPress dates. REST gives local time and UTC separately; together they give the offset."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any


def site_offset(site: dict[str, Any]) -> timedelta | None:
    """The site's UTC offset from the /wp-json/ index, for dates that come without their UTC twin."""
    offset = site.get("gmt_offset")
    if isinstance(offset, (int, float)) and abs(offset) <= 14:
        return timedelta(hours=offset)
    return None


def with_offset(local: datetime | None, gmt: Any, site_offset: timedelta | None) -> datetime | None:
    """WordPress gives local time and UTC separately; together they give the offset."""
    if local is None:
        return None
    if local.tzinfo is not None:
        return local
    gmt_time = parse_rest_date(gmt)
    if gmt_time is not None and gmt_time.tzinfo is not None:
        gmt_time = gmt_time.astimezone(timezone.utc).replace(tzinfo=None)
    if gmt_time is not None:
        minutes = round((local - gmt_time).total_seconds() / 900) * 15
        if abs(minutes) <= 14 * 60:
            return local.replace(tzinfo=timezone(timedelta(minutes=minutes)))
    return local.replace(tzinfo=timezone(site_offset or timedelta(0)))


def parse_rest_date(value: Any) -> datetime | None:
    """A REST date: naive as WordPress writes it; one with an offset (not WordPress's own) is kept aware."""
    if not isinstance(value, str) or not value or value.startswith("0000"):
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
