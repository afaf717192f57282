"""The public JSON contract of `imr-llm extract` and `imr-llm summarize --format json`.

Field names here are fixed: downstream tools and the eval rely on them. New fields may be added;
renames bump SCHEMA_VERSION's major number.

No `from __future__ import annotations` here: the field types are evaluated once, by Python, as
each class is made, rather than as strings pydantic evaluates itself (about 1 ms of the import,
which every letter's call pays). Every type a field names is defined above it.
"""

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.1"

LetterFormat = Literal[
    "dwc-2013",
    "dwc-2014",
    "dwc-2016",
    "dwc-documents-reviewed",
    "dwc-professional-review",
    "unknown",
]
Decision = Literal["upheld", "overturned"]
Priority = Literal["standard", "expedited"]
Sex = Literal["male", "female"]
GuidelineSource = Literal["MTUS", "ODG", "ACOEM", "APA", "other"]
Category = Literal[
    "pharmaceutical",
    "opioid",
    "physical therapy",
    "chiropractic/acupuncture",
    "psychological",
    "imaging/diagnostic",
    "injection",
    "surgery",
    "DME",
    "evaluation & management",
    "program (FRP/IOP)",
    "home health",
    "other",
]
CATEGORIES: tuple[Category, ...] = Category.__args__  # type: ignore[attr-defined]


def _empty_list() -> list[Any]:
    """`default_factory=list`, as a Python function. pydantic inspects the signature of every
    default factory when it builds a model, and a builtin's signature is parsed from its text
    by `tokenize`: about 8 ms of the first `Determination` built. Same values, same JSON
    schema."""
    return []


def _empty_dict() -> dict[str, Any]:
    """`default_factory=dict`, as a Python function (see `_empty_list`)."""
    return {}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class Source(_Model):
    format: LetterFormat
    sha256: str = Field(
        description="SHA-256 of the letter text as read, before normalising; for a letter read "
        "by OCR, of its files' bytes (the page files in page order, or the scanned PDF)"
    )
    path: str | None = None
    text_from: Literal["text", "pdf", "ocr"] = Field(
        default="text",
        description="How the text was read: a text file, a PDF's text layer, or OCR of images "
        "(a scan or photo: dates and decisions should be checked against the paper)",
    )
    ocr_confidence: list[float] = Field(
        default_factory=_empty_list,
        description="Each page's OCR confidence (0-100) when read by OCR",
    )


class Case(_Model):
    case_number: str | None = None
    date_assigned: date | None = None
    decision_date: date | None = None
    date_of_injury: date | None = None
    ur_denial_date: date | None = None
    application_received: date | None = None
    priority: Priority | None = None


class Reviewer(_Model):
    licensed_states: list[str] = Field(default_factory=_empty_list)
    specialties: list[str] = Field(
        default_factory=_empty_list,
        description="One canonical spelling per specialty (imr_llm.specialties), for counting",
    )
    specialties_as_written: list[str] = Field(
        default_factory=_empty_list, description="The specialties as the letter spells them"
    )


class Patient(_Model):
    age: int | None = None
    sex: Sex | None = None
    diagnoses: list[str] = Field(default_factory=_empty_list)


class Citation(_Model):
    source: GuidelineSource
    title: str | None = None
    year: int | None = None
    sections: list[str] = Field(default_factory=_empty_list)
    pages: str | None = None
    text: str = Field(description="The citation as the letter words it")


class Span(_Model):
    start: int
    end: int


SentenceRole = Literal["guideline", "finding", "conclusion", "condition"]
"""guideline: what a guideline or policy says in general; finding: what this worker's records
show or lack; conclusion: the necessary / not necessary sentence; condition: a caveat or limit
the reviewer attaches (re-review at N months, monitoring, taper, a trial period)."""

DenialKind = Literal[
    "medical",
    "request-incomplete",
    "already-authorized",
    "goes-with-denied-care",
    "over-guideline-limit",
]
"""Why an upheld item was denied, as far as it changes the fix: `medical` (records did not
show the need), `request-incomplete` (the request lacked an amount, frequency, duration, body part
or the names of tests), `already-authorized` (a redundant request: the care is already approved),
`goes-with-denied-care` (it depends on a surgery or procedure that was not approved),
`over-guideline-limit` (more than the guideline allows)."""

RequestDetail = Literal["quantity", "frequency", "duration", "body part", "test names", "strength"]


class RationaleSentence(_Model):
    id: int = Field(description="Position in the item's rationale, from 0")
    text: str = Field(description="The sentence, verbatim (whitespace collapsed)")
    role: SentenceRole
    span: Span | None = Field(default=None, description="Where it is in the normalised text")


class Reason(_Model):
    code: str = Field(description="Stable id of the reason kind, e.g. 'no-functional-improvement'")
    summary: str = Field(description="The reason in plain words")
    evidence: str = Field(description="Verbatim quote from the letter")
    span: Span | None = Field(default=None, description="Where the quote is in the normalised text")
    sentence_ids: list[int] = Field(
        default_factory=_empty_list,
        description="The rationale sentences (ids) this reason rests on",
    )


class Treatment(_Model):
    request: str
    original_request: str | None = None
    authorized_portion: str | None = None
    decision: Decision
    decision_evidence: str = Field(description="The letter's own words that state the decision")
    retrospective: bool = False
    dates_of_service: list[date] = Field(default_factory=_empty_list)
    category: Category = "other"
    claims_administrator_guidelines: list[Citation] = Field(default_factory=_empty_list)
    reviewer_guidelines: list[Citation] = Field(default_factory=_empty_list)
    rationale: str = ""
    reasons: list[Reason] = Field(default_factory=_empty_list)
    missing: list[str] = Field(
        default_factory=_empty_list,
        description="What the reviewer said was missing for approval, in plain words",
    )
    sentences: list[RationaleSentence] = Field(
        default_factory=_empty_list,
        description="The rationale split into sentences, each with its role",
    )
    denial_kind: DenialKind | None = Field(
        default=None, description="For an upheld item: the kind of denial, which sets the fix"
    )
    request_lacks: list[RequestDetail] = Field(
        default_factory=_empty_list,
        description="For a request-incomplete denial: what the request should have named",
    )
    guideline_limit: str | None = Field(
        default=None, description="The guideline's limit as the letter states it, verbatim"
    )
    count_done: str | None = Field(
        default=None, description="How much was already done, as the letter states it, verbatim"
    )
    goes_with: int | None = Field(
        default=None,
        description="Index (in treatments) of the denied main procedure this item depends on",
    )
    safety_notes: list[str] = Field(
        default_factory=_empty_list,
        description="The letter's own warnings, e.g. not to stop a medicine abruptly (verbatim)",
    )


class ItemSource(_Model):
    """Who wrote one item's reasons: the model (checked) or the offline engine (and why)."""

    item: int = Field(description="Item number, from 1, in letter order")
    by: Literal["model", "fallback"]
    why: str | None = Field(
        default=None, description="For a fallback: the checks the model's answer failed, in full"
    )


class EngineInfo(_Model):
    name: Literal["offline", "openai"] = "offline"
    model: str | None = None
    mode: str | None = None
    prompts: dict[str, str] = Field(
        default_factory=_empty_dict, description="prompt id -> 'version@content-hash'"
    )
    prompt_tokens: int = 0
    completion_tokens: int = 0
    requests: int = 0
    cost_usd: float | None = None
    cache_hit: bool = False
    items: list[ItemSource] = Field(
        default_factory=_empty_list, description="LLM engine: per item, model-written or fallback"
    )


class Determination(_Model):
    schema_version: str = SCHEMA_VERSION
    source: Source
    case: Case = Field(default_factory=Case)
    reviewer: Reviewer = Field(default_factory=Reviewer)
    patient: Patient = Field(default_factory=Patient)
    treatments: list[Treatment] = Field(default_factory=_empty_list)
    warnings: list[str] = Field(default_factory=_empty_list)
    engine: EngineInfo = Field(default_factory=EngineInfo)


# --- the explanation (summarize) ---------------------------------------------------------------

Lang = Literal["en", "es"]


class ItemExplanation(_Model):
    request: str
    original_request: str | None = None
    plain_request: str = Field(default="", description="What kind of care, in everyday words")
    decision: Decision
    outcome: str = Field(description="The outcome in everyday words")
    context: list[str] = Field(
        default_factory=_empty_list, description="Part already approved, care already given"
    )
    reasons: list[str] = Field(default_factory=_empty_list, description="Main reasons, plain words")
    quotes: list[str] = Field(
        default_factory=_empty_list, description="The reviewer's own sentences behind those reasons"
    )
    explanation: str = Field(description="The whole item paragraph")
    what_you_can_do: str = Field(
        description="This item's own next step (advice common to all "
        "items is in Explanation.next_steps); may be empty"
    )
    safety: list[str] = Field(
        default_factory=_empty_list,
        description="Not to stop a medicine suddenly: the letter's note and the FDA's advice",
    )
    denial_kind: DenialKind | None = None
    quotes_are_findings: bool = Field(
        default=True,
        description="True: `quotes` are the reviewer's findings; False: sentences of the "
        "rationale whose role is unknown",
    )
    guideline_quotes: list[str] = Field(
        default_factory=_empty_list,
        description="Guideline text the letter recites, labelled as such",
    )
    conditions: list[str] = Field(
        default_factory=_empty_list, description="Caveats the reviewer attached, in plain words"
    )
    goes_with: int | None = Field(
        default=None, description="Number (from 1) of the denied main item this one goes with"
    )
    same_reasons_as: int | None = Field(
        default=None, description="Number (from 1) of an earlier item with the same reasons"
    )


class Deadline(_Model):
    what: str
    date: date | None
    basis: str
    passed: bool | None = Field(
        default=None, description="Before `Explanation.today`; None when no today was given"
    )


class GlossaryEntry(_Model):
    term: str
    meaning: str


class Explanation(_Model):
    schema_version: str = SCHEMA_VERSION
    lang: Lang = "en"
    case_number: str | None = None
    decision_date: date | None = None
    headline: str
    items: list[ItemExplanation]
    next_steps: list[str]
    deadlines: list[Deadline]
    timeline: list[Deadline] = Field(
        default_factory=_empty_list, description="Every date that matters, in date order"
    )
    appeal_checklist: list[str] = Field(
        default_factory=_empty_list, description="What an appeal to the WCAB must have (CCR 10575)"
    )
    today: date | None = Field(default=None, description="The date deadlines are checked against")
    alerts: list[str] = Field(
        default_factory=_empty_list,
        description="Said first: a letter read from a picture; deadlines already passed",
    )
    read_by_ocr: bool = Field(
        default=False, description="The letter's text was read from an image (OCR)"
    )
    help: list[str]
    glossary: list[GlossaryEntry]
    notice: str
    reading_grade: float = Field(
        description="Flesch-Kincaid grade (English) or Crawford grade (Spanish)"
    )
    reading_ease: float | None = Field(
        default=None, description="Flesch reading ease (English) or Fernandez-Huerta (Spanish)"
    )
    warnings: list[str] = Field(default_factory=_empty_list)
    engine: EngineInfo = Field(default_factory=EngineInfo)
