"""Labeling aid: a draft gold file from the tool's own reading, for a person to correct.

The draft is marked unchecked; the scorer refuses it until a person has corrected every field
against the letter and set "checked": true (see evals/LABELING.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from imr_llm import __version__
from imr_llm.citations import distinct_sources
from imr_llm.prepare import prepare, skeleton


def draft_gold(letter_path: Path) -> dict[str, Any]:
    determination = skeleton(prepare(str(letter_path)))
    return {
        "letter": letter_path.stem,
        "synthetic": False,
        "checked": False,
        "labeled_by": f"DRAFT by imr-llm {__version__}: correct every field by reading the letter",
        "checked_by": "",
        "notes": "UNCHECKED DRAFT - the scorer refuses this file until a person checks it",
        "format": determination.source.format,
        "case": determination.case.model_dump(mode="json"),
        "reviewer": {  # gold keeps the letter's spelling of specialties
            "licensed_states": determination.reviewer.licensed_states,
            "specialties": determination.reviewer.specialties_as_written,
        },
        "patient": determination.patient.model_dump(mode="json"),
        "treatments": [
            {
                "request": t.request,
                "original_request": t.original_request,
                "decision": t.decision,
                "retrospective": t.retrospective,
                "dates_of_service": [d.isoformat() for d in t.dates_of_service],
                "category": t.category,
                "claims_administrator_guideline_sources": distinct_sources(
                    t.claims_administrator_guidelines
                ),
                "reviewer_guideline_sources": distinct_sources(t.reviewer_guidelines),
                "reasons": [
                    {"reason": r.summary, "evidence": r.evidence, "phrases": []} for r in t.reasons
                ],
            }
            for t in determination.treatments
        ],
    }
