"""One canonical spelling for each reviewer specialty, so that counts by specialty add up.

Letters write the same board specialty several ways: "Orthopaedic" / "Orthopedic Surgery",
"Chiropractor" / "Chiropractic", "Physical Medicine & Rehabilitation" / "... and ...". The
canonical name is the American board's wording with "and" (not "&") and American spelling. A name
not in the table keeps its words, with "&" written "and" and spaces collapsed.
"""

from __future__ import annotations

import re

from imr_llm import regex_cache

_VARIANTS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (regex_cache.compile(rf"^(?:{pattern})$", re.I), canonical)
    for pattern, canonical in (
        (r"orthop(?:a)?edic(?:s)?(?: surgery| surgeon)?", "Orthopedic Surgery"),
        (r"chiropract(?:ic|or|ors)(?: medicine)?", "Chiropractic"),
        (
            r"physical medicine (?:and )?rehabilitation|pm ?(?:and )?r",
            "Physical Medicine and Rehabilitation",
        ),
        (r"hospice (?:and )?palliative medicine", "Hospice and Palliative Medicine"),
        (
            r"public health (?:and )?general preventive medicine",
            "Public Health and General Preventive Medicine",
        ),
        (r"preventive medicine|preventative medicine", "Preventive Medicine"),
        (r"occupational medicine|occupational and environmental medicine", "Occupational Medicine"),
        (r"family (?:practice|medicine)", "Family Practice"),
        (r"internal medicine", "Internal Medicine"),
        (r"anesthesiology|anaesthesiology", "Anesthesiology"),
        (r"psychiatry", "Psychiatry"),
        (r"psychology|clinical psychology", "Psychology"),
        (r"neurology", "Neurology"),
        (r"neurological surgery|neurosurgery", "Neurological Surgery"),
        (r"obstetrics (?:and )?gynecology", "Obstetrics and Gynecology"),
        (r"plastic (?:and )?reconstructive surgery", "Plastic and Reconstructive Surgery"),
        (r"colon (?:and )?rectal surgery", "Colon and Rectal Surgery"),
    )
)


def canonical_specialty(name: str) -> str:
    """'Orthopaedic Surgery' -> 'Orthopedic Surgery'; 'PM & R' -> 'Physical Medicine and
    Rehabilitation'; an unknown name keeps its words ('&' becomes 'and')."""
    words = " ".join(name.replace("&", " and ").split()).strip(" .,;")
    folded = re.sub(r"\band\s+and\b", "and", words)
    for pattern, canonical in _VARIANTS:
        if pattern.match(folded):
            return canonical
    return folded


def canonical_specialties(names: list[str]) -> list[str]:
    """Each name made canonical, in the letter's order, without repeats."""
    return list(dict.fromkeys(canonical_specialty(name) for name in names if name.strip()))
