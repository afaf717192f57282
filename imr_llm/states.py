"""US state names: the letters list licensure states by name or, sometimes, by postal code."""

from __future__ import annotations

import re

from imr_llm import regex_cache

STATES: dict[str, str] = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
    "DC": "District of Columbia",
    "PR": "Puerto Rico",
}
_BY_NAME = {name.lower(): name for name in STATES.values()}
# Longest names first so "West Virginia" is not read as "Virginia".
_NAME_PATTERN = regex_cache.compile(
    r"\b("
    + "|".join(sorted((re.escape(n) for n in STATES.values()), key=len, reverse=True))
    + r"|"
    + "|".join(STATES)
    + r")\b",
    re.I,
)


def parse_states(text: str | None) -> list[str]:
    """Full state names in the order written: 'Texas,New York,CA' -> [Texas, New York, California]."""
    if not text:
        return []
    found: list[str] = []
    for match in _NAME_PATTERN.finditer(text):
        token = match.group(1)
        name = STATES.get(token) if token.isupper() and len(token) == 2 else None
        name = name or _BY_NAME.get(token.lower())
        if name and name not in found:
            found.append(name)
    return found
