"""Time zones: fixed offsets (an int of seconds) and IANA region names (a str).

A zone is `int | str`. Named zones are resolved with the standard library's `zoneinfo`,
reading the pinned `tzdata` package first (so every replica, whatever its operating
system, computes the same offsets, and they match the rules Neo4j ships) and the
system's tzdata only for names the package lacks. Instants outside the years `datetime` can hold (1..9999) use the offset
in force at the nearest representable instant, so far-future values keep the zone's
standard rules and far-past values its local mean time.

>>> parse_zone('+01:00'), parse_zone('Z'), parse_zone('Europe/Stockholm')
(3600, 0, 'Europe/Stockholm')
>>> format_offset(-7507)
'-02:05:07'
"""

from __future__ import annotations

import importlib.resources
import re
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tugraph_bolt.errors import CypherArgumentError

Zone = int | str

MAX_OFFSET = 18 * 3600
_OFFSET = re.compile(r"([+-])(\d{2})(?::?(\d{2})(?::?(\d{2}))?)?$")
_EPOCH = datetime(1970, 1, 1)
_EPOCH_UTC = datetime(1970, 1, 1, tzinfo=UTC)
# Safe span for datetime arithmetic (one day inside each end of years 1..9999).
_MIN_SECONDS = -62135596800 + 86400
_MAX_SECONDS = 253402300799 - 86400


def invalid(message: str) -> CypherArgumentError:
    return CypherArgumentError(message, detail="InvalidArgumentValue")


def parse_offset(text: str) -> int | None:
    """'+01:00', '+0100', '+01', '-02:05:07', 'Z' -> seconds; None if not an offset."""
    if text in ("Z", "z"):
        return 0
    m = _OFFSET.match(text)
    if m is None:
        return None
    sign, hh, mm, ss = m.groups()
    hours, minutes, seconds = int(hh), int(mm or 0), int(ss or 0)
    if minutes > 59 or seconds > 59:
        raise invalid(f"Invalid time zone offset: '{text}'")
    total = hours * 3600 + minutes * 60 + seconds
    if total > MAX_OFFSET:
        raise invalid(f"Time zone offset out of range: '{text}'")
    return -total if sign == "-" else total


def _packaged_zone(name: str) -> ZoneInfo | None:
    try:
        resource = importlib.resources.files("tzdata").joinpath("zoneinfo", *name.split("/"))
        if not resource.is_file():
            return None
        with resource.open("rb") as handle:
            return ZoneInfo.from_file(handle, key=name)
    except (ModuleNotFoundError, ValueError, OSError):
        return None


@lru_cache(maxsize=512)
def _zone_info(name: str) -> ZoneInfo:
    if not name or name.startswith(("/", ".")) or ".." in name:
        raise invalid(f"Invalid time zone: '{name}'")
    packaged = _packaged_zone(name)
    if packaged is not None:
        return packaged
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise invalid(f"Invalid time zone: '{name}'") from exc


def parse_zone(text) -> Zone:
    if not isinstance(text, str):
        raise CypherArgumentError(
            f"Time zone must be a string, got {text!r}", detail="InvalidArgumentType"
        )
    offset = parse_offset(text)
    if offset is not None:
        return offset
    _zone_info(text)  # validates the name
    return text


def format_offset(seconds: int) -> str:
    if seconds == 0:
        return "Z"
    sign = "-" if seconds < 0 else "+"
    a = abs(seconds)
    hh, mm, ss = a // 3600, a // 60 % 60, a % 60
    text = f"{sign}{hh:02d}:{mm:02d}"
    return text + f":{ss:02d}" if ss else text


def offset_at_instant(zone: Zone, utc_seconds: int) -> int:
    if isinstance(zone, int):
        return zone
    clamped = min(max(utc_seconds, _MIN_SECONDS), _MAX_SECONDS)
    moment = (_EPOCH_UTC + timedelta(seconds=clamped)).astimezone(_zone_info(zone))
    return int(moment.utcoffset().total_seconds())


def utc_of_local(zone: Zone, local_seconds: int) -> tuple[int, int]:
    """(UTC seconds, offset) of a local date-time in `zone`.

    In an overlap the earlier offset wins; a local time inside a gap moves forward by
    the gap's length (the instant is taken with the offset before the transition).
    """
    if isinstance(zone, int):
        return local_seconds - zone, zone
    clamped = min(max(local_seconds, _MIN_SECONDS), _MAX_SECONDS)
    naive = _EPOCH + timedelta(seconds=clamped)
    guess = int(naive.replace(tzinfo=_zone_info(zone), fold=0).utcoffset().total_seconds())
    utc = local_seconds - guess
    return utc, offset_at_instant(zone, utc)


def offsets_of_local(zone: Zone, local_seconds: int) -> tuple[int, ...]:
    """The offsets valid for a local date-time (two in an overlap, none in a gap)."""
    if isinstance(zone, int):
        return (zone,)
    found = []
    for fold in (0, 1):
        clamped = min(max(local_seconds, _MIN_SECONDS), _MAX_SECONDS)
        naive = _EPOCH + timedelta(seconds=clamped)
        off = int(naive.replace(tzinfo=_zone_info(zone), fold=fold).utcoffset().total_seconds())
        if offset_at_instant(zone, local_seconds - off) == off and off not in found:
            found.append(off)
    return tuple(found)
