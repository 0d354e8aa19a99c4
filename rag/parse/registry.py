"""The profiles presscon knows, tried in order on every file.

A new publisher is one more module beside ``mfa.py`` and one line here; the
readers, the store and the ranking never name a publisher.
"""
from __future__ import annotations

from typing import Sequence

from .mfa import MFA_PROFILE
from .whitehouse import WHITE_HOUSE
from .profiles import BriefingProfile

__all__ = ["PROFILES", "OUTLET_ALIASES", "profile_by_title", "normalize_outlet", "resolve_outlet",
           "citation_style", "statement_name", "publisher_names", "resolve_publisher"]

#: Every registered profile, in the order detection tries them.
PROFILES: tuple[BriefingProfile, ...] = (MFA_PROFILE, WHITE_HOUSE)


def profile_by_title(title: str, profiles: Sequence[BriefingProfile] = PROFILES
                     ) -> BriefingProfile | None:
    """The first profile that reads ``title`` as its title line, or None."""
    for profile in profiles:
        if profile.parse_title(title) is not None:
            return profile
    return None


def normalize_outlet(label: str | None) -> str | None:
    """Canonical outlet for a questioner typed by a user or printed in a file
    ("Bloomberg News" -> "Bloomberg"), by the first profile that knows it;
    None for labels that name nobody ("Q", "Journalist")."""
    if label is None:
        return None
    low = label.strip().lower()
    for profile in PROFILES:
        if low in profile.outlet_aliases:
            return profile.outlet_aliases[low]
    return MFA_PROFILE.normalize_questioner(label)


def resolve_outlet(name: str, stored: Sequence[str]) -> str | None:
    """The stored outlet ``name`` means (in any case, or as another spelling
    of it: "Bloomberg News" is "Bloomberg"), else None."""
    want = {name.casefold(), (normalize_outlet(name) or name).casefold()}
    return next((s for s in stored if s.casefold() in want), None)


#: Outlet spellings -> canonical name, over every profile (query understanding).
OUTLET_ALIASES: dict[str, str] = {k: v for p in reversed(PROFILES) for k, v in p.outlet_aliases.items()}


def _profile_of(publisher: str) -> BriefingProfile:
    """The profile that claims ``publisher``; the ministry's for one none claims."""
    return next((p for p in PROFILES if p.publisher == publisher), PROFILES[0])


def citation_style(publisher: str, title: str = "") -> tuple[str, str]:
    """(what its events are called, how an unnamed questioner is cited) for
    a publisher, and for its event ``title`` when given (a White House
    "Background Press Call on ..." is a background press call, not a
    briefing); the ministry's wording for one no profile claims."""
    profile = _profile_of(publisher)
    return (profile.event_of(title) if title else profile.event_name), profile.unnamed_questioner


def statement_name(publisher: str) -> str:
    """How a citation names a passage no question asked for: "opening
    statement" where statements open the conference (the ministry), plain
    "statement" where they also come mid-briefing (a White House topper after
    a co-briefer leaves)."""
    return _profile_of(publisher).statement_name


def resolve_publisher(name: str, stored: Sequence[str]) -> str | None:
    """The publisher of ``stored`` that ``name`` means, in any case or by a
    name questions call it ("white house" -> "The White House"); None if none."""
    want = " ".join(name.split()).casefold()
    names = publisher_names(stored)
    for pub in stored:
        if want in (pub.casefold(), *(n.casefold() for n in names.get(pub, ()))):
            return pub
    return None


def publisher_names(publishers: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """The names questions call each of these publishers by (its profile's
    ``self_names``), for the publishers a profile claims."""
    # the profile's own name too: the ingest report tags files with it ("[mfa]")
    return {p.publisher: (*p.self_names, p.name) for p in PROFILES if p.publisher in publishers}
