"""The reviewer's main reasons, found sentence by sentence in an item's rationale.

Each rule names one kind of reason the IMR reviewers give again and again. A rule fires on a
rationale sentence that matches its concept pattern (and, for "missing" kinds, also a negation).
What a rule says in plain words is written by this team; the evidence is the letter's own
sentence, so every reason can be checked against the letter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from imr_llm import regex_cache
from imr_llm.caseless import Caseless, may_hold, skip_ahead
from imr_llm.denials import goes_with_denied_care
from imr_llm.lazy_regex import lazy_compile
from imr_llm.schema import Category, Decision, RationaleSentence, Reason, SentenceRole, Span

_NEGATION = Caseless(
    r"\b(?:no|not|lack(?:s|ing)?|without|absence|absent|none|neither|nor|fail(?:s|ed)?\s+to|"
    r"unclear|insufficient|missing|never|unable|no\s+mention|does\s+not\s+reveal|undermin\w*|"
    r"(?:argu|militat)\w*\s+against)\b|n't\b"
)


@dataclass(frozen=True, eq=False)
class ReasonRule:
    """One kind of reason. `triggers` are lower-case substrings, one of which every match of
    `concept` contains: a cheap test that skips the regex for most rationales. A rule is
    equal only to itself (each is one object in RULES), so it is hashed fast as a memo key."""

    code: str
    triggers: tuple[str, ...]
    concept: Caseless
    needs_negation: bool
    decisions: tuple[Decision, ...]
    summary: str
    missing: str | None = None
    in_conclusion: bool = False
    unless: Caseless | None = None


def _rule(
    code: str,
    triggers: tuple[str, ...],
    concept: str,
    summary: str,
    *,
    missing: str | None = None,
    negated: bool = True,
    decisions: tuple[Decision, ...] = ("upheld",),
    in_conclusion: bool = False,
    unless: str | None = None,
) -> ReasonRule:
    return ReasonRule(
        code,
        triggers,
        Caseless(skip_ahead(concept)),
        negated,
        decisions,
        summary,
        missing,
        in_conclusion,
        Caseless(skip_ahead(unless)) if unless else None,
    )


# "No true attempt at conservative care other than activity restrictions and medications": some
# simpler care was tried, the reviewer did not count it as enough (CM17-0001064; "exhausted
# adequate conservative treatments beyond 6 sessions of physical therapy", CM17-0006797; "no
# indication the patient had failed conservative care as she had undergone 1 session of physical
# therapy", CM17-0014449).
_CONSERVATIVE_BEYOND = (
    r"conservative\s+(?:care|treatments?|therap(?:y|ies)|management|measures)\s+"
    r"(?:(?:other\s+than|beyond|besides)\b|(?:as|since|because)\s+(?:she|he|the\s+patient|the\s+"
    r"claimant|the\s+injured\s+worker)\s+(?:had|has)\s+(?:only\s+)?(?:undergone|had|attended|"
    r"completed|received)\b)"
)

# "A lack of a clear rationale for additional monitored therapy over the patient being well versed
# in a home exercise program": no reason for this care instead of exercise at home (CM16-0235869),
# not no reason for the care at all.
_OVER_HOME_EXERCISE = (
    r"(?:rationale|reason|need|indication)\s+(?:\w+\s+){0,2}for\s+(?:\w+\s+){0,4}(?:therap(?:y|ies)|"
    r"treatment|visits|sessions|care)\s+(?:over|rather\s+than|instead\s+of)\s+(?:\w+\s+){0,8}"
    r"home\s+(?:exercise|program)"
)

# A sentence that only wonders whether something holds states no reason.
_UNCERTAIN = r"\bif\b|\bwhether\b|not\s+possible|(?:cannot|unable\s+to|difficult\s+to)\s+(?:be\s+)?determine|unclear\s+(?:if|whether)"


# The safety checks guidelines ask for with opioids, each with what a worker would call it.
_CHECK_NAMES: tuple[tuple[str, str], ...] = (
    (r"urine\s+drug|drug\s+(?:screen|test)|\bUDS\b|toxicology", "a urine drug test"),
    (r"\bCURES\b", "a check of the state drug history database (CURES)"),
    (
        r"(?:opioid|pain|narcotic|medication)\s+(?:agreement|contract)",
        "a signed pain medicine agreement",
    ),
    (
        r"(?:opioid|addiction|abuse|misuse)\s+risk|risk\s+(?:assessment|screening)|aberrant|"
        r"4\s*A's|four\s+A's",
        "a check for signs of misuse",
    ),
    (
        r"(?:assessment|monitoring|documentation)\s+of\s+(?:\w+\s+){0,3}side\s+effects",
        "a check for side effects",
    ),
)
_CHECKS = "|".join(words for words, _ in _CHECK_NAMES)
_CHECK_PATTERNS = tuple((lazy_compile(words, re.I), name) for words, name in _CHECK_NAMES)


def missing_checks(sentence: str) -> list[str]:
    """The safety checks the sentence says were not done or not documented, in plain words."""
    found: list[str] = []
    for pattern, name in _CHECK_PATTERNS:
        for match in pattern.finditer(sentence):
            if name not in found and negated_in_scope(sentence, match.start(), match.end()):
                found.append(name)
    return found


# Order matters: the more specific kinds first. At most a few fire per item.
RULES: tuple[ReasonRule, ...] = (
    _rule(
        "surgery-denied",
        ("surg", "procedure", "operation", "ancillary", "associated"),
        r"(?:surgery|surgical\s+(?:procedure|intervention)|primary\s+procedure|operation)\s+"
        r"(?:is|was|has\s+been)\s+(?:not|non-?certified|denied)|associated\s+(?:surgical\s+)?"
        r"services?\s+(?:are|is)\s+not|ancillary\s+service",
        "This item goes with a surgery that was not approved, so it is not needed either.",
        missing="approval of the surgery first",
        negated=False,
        in_conclusion=True,
    ),
    _rule(
        "part-already-approved",
        ("authoriz", "approv", "certif"),
        r"\b(?:was|were|has\s+been|have\s+been|had\s+been)\s+(?:previously\s+|already\s+)?"
        r"(?:authorized|approved|certified)\s+(?:for\s+)?(?:a|an|\d+|one|two|three|four|five|six|"
        r"eight|ten|twelve)\b",
        "Part of this care was already approved for you. The reviewer did not approve more yet.",
        negated=False,
        unless=r"\bclaims\s+administrator\b",
    ),
    _rule(
        "plan-to-stop",
        ("stop", "discontinu", "wean", "taper"),
        r"\b(?:was|were|is|are)\s+(?:planned\s+|going\s+)?to\s+(?:stop|discontinue|be\s+"
        r"(?:stopped|discontinued|weaned|tapered))\b|\bplan\w*\s+(?:\w+\s+){0,3}to\s+(?:stop|"
        r"discontinue|wean|taper)\b",
        "Your records showed a plan to stop or cut down this medicine.",
        negated=False,
        unless=_UNCERTAIN,
    ),
    _rule(
        "improving-already",
        ("improving",),
        r"\b(?:is|was|are|were|has\s+been|have\s+been)\s+(?:steadily\s+|gradually\s+|slowly\s+)?"
        r"improving\b",
        "Your records showed you were getting better with the care you already had.",
        negated=False,
        unless=_UNCERTAIN + r"|\b(?:not|no\s+longer|never|stopped|when|once|until|may|should)\b",
    ),
    _rule(
        "no-functional-improvement",
        ("function", "improv", "objective", "increase", "outcome", "result", "response"),
        r"functional\s+(?:improvement|benefit|gain|restoration|response)|improve(?:ment|d)?\s+"
        r"(?:in\s+)?(?:function|activities)|increase(?:d)?\s+in\s+function|objective\s+"
        r"(?:improvement|benefit|gains?)|(?:outcome|results?|response)\s+(?:of|from|to)\s+"
        r"(?:the\s+)?(?:prior|previous|earlier|past|completed|authorized)",
        "Your records did not show that earlier treatment helped you do more in daily life.",
        missing="measured proof that earlier treatment helped you do more",
    ),
    _rule(
        "prior-sessions-unknown",
        ("sessions", "visits", "treatments"),
        r"(?:number|how\s+many|total|quantity|amount)\s+(?:of\s+)?(?:the\s+)?(?:prior|previous|"
        r"past|completed|earlier)?\s*(?:\w+\s+)?(?:sessions|visits|treatments)\s+(?:\w+\s+){0,4}"
        r"(?:completed|attended|(?:has|have|had)\s+(?:had|received|undergone)|to\s+date|already|"
        r"previously|prior)\b|(?:prior|previous|past)\s+"
        r"(?:\w+\s+){0,2}(?:sessions|visits)",
        "Your records did not say how many sessions you already had.",
        missing="how many sessions you already had and how they went",
    ),
    _rule(
        "high-opioid-dose",
        ("morphine", "med", "mme"),
        r"(?:morphine[\s-]+equivalen\w*|\bMED\b|\bMME\b)[^.;]{0,60}?\b(?:exceed\w*|greater\s+than|"
        r"above|over|more\s+than|higher\s+than|in\s+excess\s+of)\s+(?:the\s+)?(?:recommended\s+|"
        r"maximum\s+)?(?:of\s+)?\d+|\b(?:exceed\w*|greater\s+than|above|more\s+than|higher\s+than|"
        r"in\s+excess\s+of)\s+(?:the\s+)?(?:recommended\s+|maximum\s+)?(?:\d+\s*(?:mg)?\s*(?:/\s*day\s*)?)?"
        r"(?:morphine[\s-]+equivalen\w*|\bMED\b|\bMME\b)",
        "Your opioid dose is higher than the guidelines advise.",
        missing="why a dose this high is needed, or a plan to lower it",
        negated=False,
        unless=_UNCERTAIN,
    ),
    _rule(
        "exceeds-guideline",
        ("exceed", "excess", "more than", "beyond"),
        r"\bexceed|in\s+excess\s+of|more\s+than\s+(?:the\s+)?(?:\w+\s+){0,3}(?:recommended|"
        r"allowed|supported|guideline)|beyond\s+(?:the\s+)?(?:guideline|recommend)",
        "The request was for more than the guidelines allow.",
        missing="a reason to go past the usual limit",
        negated=False,
        unless=_UNCERTAIN,
    ),
    _rule(
        "red-flags",
        ("red",),
        r"red[\s-]+flags?",
        "Your records did not show any red flags. These are signs of a serious problem.",
        missing="any signs of a serious problem",
    ),
    _rule(
        "surgery-not-planned",
        ("surg",),
        r"surg(?:ery|ical)\s+(?:\w+\s+){0,3}(?:candidate|consider|option|planned|intervention|"
        r"consultation)|candidate\s+for\s+surgery|consider(?:ed|ing)?\s+surgery|"
        r"(?:contemplat|consider)\w*\s+(?:\w+\s+){0,6}surg",
        "Your records did not show that surgery is planned or being considered.",
        missing="whether surgery is planned or would be considered",
    ),
    _rule(
        "no-nerve-findings",
        ("nerve", "neurolog", "radicul", "radiating"),
        r"nerve\s+(?:root\s+)?(?:compromise|dysfunction|impingement|damage|impairment|"
        r"entrapment|compression)|neurolog\w*\s+(?:deficit|finding|exam|sign|symptom|"
        r"compromise|abnormalit)|radicul\w+|radiating",
        "The exam did not show clear signs of a nerve problem.",
        missing="exam findings that show a nerve problem",
    ),
    _rule(
        "conservative-care-not-enough",
        ("conservative",),
        _CONSERVATIVE_BEYOND,
        "Your records did not show that enough simpler treatments were tried first.",
        missing="which other simpler treatments you tried and how they worked",
    ),
    _rule(
        "conservative-care-not-tried",
        ("conservative", "tried", "trial", "failed"),
        r"conservative\s+(?:care|treatment|therapy|management|measures)|tried\s+and\s+failed|"
        r"trial\s+and\s+failure|failed\s+(?:a\s+)?(?:trial|course)",
        "Your records did not show that simpler treatments were tried first and did not help.",
        missing="which simpler treatments you tried and how they worked",
        unless=_CONSERVATIVE_BEYOND,
    ),
    _rule(
        "first-line-not-tried",
        ("first", "antidepressant", "anticonvulsant"),
        r"first[\s-]+line|antidepressants?\s+and\s+anticonvulsants?|trial\s+of\s+"
        r"(?:antidepressant|anticonvulsant)",
        "Guidelines say other medicines should be tried first. Your records did not show this.",
        missing="which first-choice medicines you tried and how they worked",
    ),
    _rule(
        "compound-not-recommended",
        ("compound", "contains"),
        r"compound\w*\s+product\s+that\s+contains|contains\s+at\s+least\s+one\s+drug",
        "This is a mixed (compounded) medicine. If one drug in the mix is not recommended, "
        "the whole mix is not recommended.",
        negated=False,
    ),
    _rule(
        "oral-medication-tolerated",
        ("oral", "intoleran", "tolerate", "take", "swallow"),
        r"(?:intoleran\w*|(?:unable|not\s+able)\s+to\s+tolerate|cannot\s+(?:take|tolerate)|"
        r"inability\s+to\s+"
        r"(?:take|tolerate)|difficulty\s+swallowing)\s+(?:\w+\s+){0,3}(?:oral|pills?|tablets?)"
        r"|oral\s+(?:medications?|formulation|form)",
        "Your records did not show that you cannot take medicine by mouth.",
        missing="why you cannot take pills for this",
    ),
    _rule(
        "gi-risk-absent",
        ("gastro", "gi", "ulcer", "dyspepsia"),
        r"gastrointestinal|\bGI\s+(?:risk|event|symptom|bleed|history|upset|complaint)|"
        r"\bulcer|dyspepsia",
        "Your records did not show that you are at risk of stomach problems from pain medicine.",
        missing="any stomach problems or risk factors",
    ),
    _rule(
        "opioid-monitoring",
        (
            "urine",
            "screen",
            "uds",
            "cures",
            "agreement",
            "contract",
            "aberrant",
            "a's",
            "side effect",
            "risk",
            "drug",
            "toxicology",
        ),
        _CHECKS,
        "Your records did not show the safety checks the guidelines ask for with this medicine.",
        missing="the safety checks done while you take this medicine",
    ),
    _rule(
        "pain-relief-undocumented",
        ("pain", "vas", "analges"),
        r"pain\s+relief|(?:reduction|decrease|improvement)\s+in\s+(?:\w+\s+)?pain|pain\s+"
        r"(?:scores?|levels?|reduction)|\bVAS\b|analgesi[ac]\s+(?:effect|benefit|response)",
        "Your records did not show how much this treatment eased your pain.",
        missing="how much the treatment eases your pain, with pain scores",
    ),
    _rule(
        "long-term-use",
        ("term", "chronic", "prolonged", "than"),
        # Only where the sentence also states the limit ("not recommended", "beyond", "only").
        r"^(?=.*\b(?:not\s+recommended|only|limit\w*|beyond|exceed\w*|in\s+excess|no\s+(?:more|"
        r"longer)\s+than)\b).*?(?:(?:long[\s-]+term|short[\s-]+term|chronic|prolonged)\s+(?:use|"
        r"usage)\b|(?:long[\s-]+term|short[\s-]+term|prolonged)\s+(?:treatment|therapy)\b)|"
        r"no\s+(?:more|longer)\s+than\s+\d+\s*(?:-\s*\d+\s*)?"
        r"(?:weeks|days)|not\s+recommended\s+for\s+(?:use\s+)?(?:longer|more)\s+than",
        "The guidelines support this only for short-term use.",
        negated=False,
    ),
    _rule(
        "amount-not-specified",
        (
            "quantity",
            "frequency",
            "duration",
            "number",
            "dosage",
            "dose",
            "strength",
            "unspecified",
            "unknown",
        ),
        r"(?:quantity|frequency|duration|number\s+of\s+(?:sessions|visits|treatments)|dosage|"
        r"dose|strength)\s+(?:\w+\s+){0,4}(?:not\s+(?:been\s+)?(?:specified|provided|stated|"
        r"indicated|documented|included|clear)|unspecified|unknown)|(?:unspecified|unknown)\s+"
        r"(?:quantity|frequency|duration|number)",
        "The request did not say exactly how much or how many times.",
        missing="exactly how much is asked for, and how often",
        negated=False,
    ),
    _rule(
        "body-part-not-specified",
        ("body", "location", "site", "area", "unspecified", "unknown"),
        r"(?:body\s+part|location|site|area)\s+(?:\w+\s+){0,4}(?:not\s+(?:been\s+)?"
        r"(?:specified|provided|stated|indicated|documented|identified)|unspecified|unknown)|"
        r"(?:unspecified|unknown)\s+(?:body\s+part|location|site)",
        "The request did not say which body part it was for.",
        missing="which body part the care is for",
        negated=False,
    ),
    _rule(
        "no-treatment-goals",
        ("goal",),
        r"treatment\s+goals?|measurable\s+goals?|goals?\s+of\s+(?:treatment|therapy)",
        "Your records did not list clear, measurable treatment goals.",
        missing="clear, measurable treatment goals",
    ),
    _rule(
        "repeat-not-justified",
        ("repeat", "already", "previously"),
        # A repeat of the care asked for ("why a repeat study is being requested"), not
        # "Repeat x-rays were not performed" before an MRI.
        r"(?:why|reason|indication|rationale|need)\s+(?:\w+\s+){0,6}?(?:a\s+|the\s+)?repeat\w*|"
        r"\brepeat\w*\s+(?:\w+\s+){0,3}(?:is|are|was|were|would\s+be)\s+(?:being\s+)?(?:requested|"
        r"necessary|needed|indicated|warranted|justified)|(?:already|previously)\s+(?:had|"
        r"undergone|completed|performed|done|obtained|received)",
        "You already had this before, and the records did not show a reason to repeat it.",
        missing="what has changed since the last time",
    ),
    _rule(
        "home-exercise",
        ("home",),
        r"(?:transition\w*|continu\w*|independent|self[\s-]+directed|fade|progress\w*)\s+"
        r"(?:\w+\s+){0,4}home\s+(?:exercise|program)|home\s+exercise\s+program\s+"
        r"(?:is|would\s+be|should\s+be)\s+(?:sufficient|appropriate|adequate)|home\s+exercise\s+"
        r"program\s+to\s+continue|(?:taught|instructed\s+in|educated\s+(?:on|in))\s+(?:a\s+|an\s+)?"
        r"home\s+exercise",
        "You are expected to keep exercising at home.",
        missing="why home exercise is not enough",
        negated=False,
    ),
    _rule(
        "no-exam-findings",
        ("exam", "findings"),
        r"(?:no|lack\s+of|without|absence\s+of)\s+(?:\w+\s+){0,2}(?:(?:physical\s+)?exam(?:ination)?|"
        r"clinical|objective)\s+findings|(?:exam(?:ination)?|clinical|objective)\s+findings\s+"
        r"(?:\w+\s+){0,3}(?:were|are|have|has)\s+not\s+(?:been\s+)?(?:documented|provided|noted)|"
        r"no\s+(?:documented\s+)?(?:physical\s+)?exam(?:ination)?\s+(?:was|were|has|of|to)\b|"
        r"(?:abnormal|positive|significant|objective)\s+findings\s+(?:on|in)\s+(?:the\s+)?"
        r"(?:physical\s+)?exam(?:ination)?\b",
        "Your records did not include exam findings that support this request.",
        missing="exam findings that support the request",
    ),
    _rule(
        "no-plain-x-rays",
        ("plain", "ray", "radiograph", "film"),
        r"plain\s+(?:films?|x-?rays?|radiographs?)|x-?rays?\s+(?:\w+\s+){0,3}(?:first|prior)",
        "Your records did not show that regular X-rays were done first.",
        missing="regular X-ray results",
    ),
    _rule(
        "no-instability",
        ("instab", "unstable"),
        r"instability|unstable",
        "Your records did not show that the joint or spine is unstable.",
        missing="exam findings of instability",
    ),
    _rule(
        "no-active-rehab",
        ("program", "active"),
        r"(?:rehabilitation|exercise|therapy)\s+program|active\s+(?:therapy|rehabilitation)",
        "Your records did not show that you are in an active exercise or rehab program.",
        missing="that you are in an active exercise or rehab program",
    ),
    _rule(
        "criteria-not-met",
        ("criteria", "indication", "requirement"),
        # "indication" in the sense of a reason for the care, not "no indication (sign) that".
        r"criteria|requirements|indications?\s+(?:for|to)\b|\bnot\s+(?:an?\s+)?indications?\b",
        "Your records did not show that you meet the guideline rules for this care.",
        missing="that you meet the guideline rules for this care",
    ),
    _rule(
        "no-reason-over-home-exercise",
        ("home",),
        _OVER_HOME_EXERCISE,
        "Your records did not show why this care is needed instead of exercise at home.",
        missing="why home exercise is not enough",
    ),
    _rule(
        "no-clear-reason",
        ("rationale", "reason", "indication", "clinical"),
        # "indication" only as a reason for the care, not "no indication (sign) that ...".
        r"(?:rationale|reason|clinical\s+(?:need|indication))\s+"
        r"(?:\w+\s+){0,3}(?:for|was|is|has|were|to\s+support)|\bindications?\s+(?:is\s+|was\s+)?"
        r"for\b|no\s+(?:clear\s+)?"
        r"(?:rationale|indication)\s+(?:for|to\s+support|as\s+to\s+why|why)\b",
        "Your records gave no clear medical reason for this request.",
        missing="a clear medical reason for this request",
        unless=_OVER_HOME_EXERCISE,
    ),
    _rule(
        "limited-evidence",
        ("experimental", "investigational", "study", "proven", "shown"),
        r"experimental|investigational|under\s+study|not\s+(?:been\s+)?(?:proven|shown)\s+to\s+"
        r"(?:be\s+)?(?:effective|work|improve|have\s+(?:any\s+)?(?:lasting\s+)?benefit)",
        "The guidelines say there is not enough proof that this works.",
        negated=False,
    ),
    _rule(
        "not-recommended",
        ("recommend", "support", "indicated"),
        r"(?:is|are|was|were)\s+[\"']?not\s+recommended|does\s+not\s+recommend|do\s+not\s+recommend|"
        r"not\s+(?:supported|indicated)\s+by\s+(?:the\s+)?guidelines|"
        # "As the guidelines do not support the request, medical necessity has not been
        # established." (a conclusion's grounds, CM17-0005344)
        r"guidelines?\s+(?:do|does|did)\s+not\s+support\b",
        "The treatment guidelines do not recommend this in a case like yours.",
        negated=False,
    ),
    # Reasons for overturning.
    _rule(
        "guidelines-silent",
        ("silent", "address"),
        r"\bsilent\b|do(?:es)?\s+not\s+address|not\s+addressed",
        "The main guidelines do not cover this, so the reviewer used other medical sources.",
        negated=False,
        decisions=("overturned",),
    ),
    _rule(
        "after-surgery",
        ("post", "surgery", "undergo"),
        r"post-?operative|post-?op\b|after\s+(?:the\s+)?surgery|undergo\s+(?:\w+\s+){0,3}"
        r"(?:surgery|repair|procedure)",
        "You will need this right after your surgery.",
        negated=False,
        decisions=("overturned",),
    ),
    _rule(
        "simpler-care-failed",
        ("failed",),
        r"(?:conservative|physical\s+therapy|medications?)\b[^.]{0,80}\b(?:have|has)\s+failed|"
        r"failed\s+(?:conservative|physical\s+therapy)",
        "Simpler treatments were tried and did not help enough.",
        negated=False,
        decisions=("overturned",),
    ),
    _rule(
        "first-treatment",
        ("first", "initial"),
        r"first[\s-]+(?:time|line)|initial\s+(?:approach|treatment|trial)",
        "The guidelines recommend this as an early treatment for your kind of problem.",
        negated=False,
        decisions=("overturned",),
    ),
    _rule(
        "doctor-explained",
        ("why", "rationale", "reason"),
        r"(?:provided|documented|explain\w*)\s+(?:\w+\s+){0,4}(?:why|rationale|reason)",
        "Your doctor's records explained why this care is needed.",
        negated=False,
        decisions=("overturned",),
    ),
    _rule(
        "improvement-shown",
        ("improv", "benefit", "progress", "gain"),
        r"(?:document\w*|report\w*|noted|show\w*|demonstrat\w*|evidence\s+of)\s+(?:\w+\s+){0,3}"
        r"(?:improvement|benefit|progress|gains?)|improv\w+\s+with",
        "Your records showed that this care has been helping you.",
        negated=False,
        decisions=("overturned",),
        # "... may be prescribed when there is documented functional improvement" is a rule.
        unless=_UNCERTAIN + r"|\b(?:when|once|unless|until|may|should)\b",
    ),
    _rule(
        "meets-criteria",
        (
            "meet",
            "met",
            "satisf",
            "consistent",
            "in line",
            "within",
            "recommended",
            "supported",
            "indicated",
            "reasonable",
            "appropriate",
            "warranted",
        ),
        r"\b(?:meets?|met|satisf\w+|consistent\s+with|in\s+line\s+with|within)\s+(?:\w+\s+){0,3}"
        r"(?:guidelines?|criteria|recommend\w*|limits?)|(?:is|are)\s+(?:recommended|supported|"
        r"indicated|reasonable|appropriate|warranted)\b",
        "Your case fits what the guidelines say is needed for this care.",
        negated=False,
        decisions=("overturned",),
    ),
)

MAX_REASONS = 5


_SPACES = regex_cache.compile(r"\s+")


def _end_of_match(text: str, words: list[str], at: int) -> int | None:
    """Where `words` end in `text` when the first one ends at `at`, with whitespace between."""
    for word in words:
        gap = _SPACES.match(text, at)
        if gap is None or not text.startswith(word, gap.end()):
            return None
        at = gap.end() + len(word)
    return at


def find_span(text: str, quote: str, start: int = 0) -> Span | None:
    """Where `quote` stands in `text`, whitespace-insensitively: the first place at or after
    `start`, else the first in the text. (A regex built per quote did the same, but compiling
    it cost more than the search.)"""
    first, *rest = quote.split() or [""]
    if not first:
        return None
    for origin in (start, 0) if start > 0 else (0,):
        at = text.find(first, origin)
        while at >= 0:
            end = _end_of_match(text, rest, at + len(first))
            if end is not None:
                return Span(start=at, end=end)
            at = text.find(first, at + 1)
    return None


# Where a rule may fire: the reviewer's own statements about this case, never a guideline recital.
REASON_ROLES: frozenset[SentenceRole] = frozenset({"finding", "conclusion"})

# A negation governs a concept only within its clause: these end a clause.
# Each alternative starts with a character of its own (";|:", not "[;:]"; "\bbut\b|\bhowever\b",
# not "\b(?:but|however)\b"), so that sre skips ahead to the characters that can start a break.
_CLAUSE_BREAK = regex_cache.compile(
    skip_ahead(
        r";|:|,\s*(?:but|however|although|though|while|whereas|and\s+(?:the|he|she|there))\b|"
        r"\bbut\b|\bhowever\b|\balthough\b|\bwhereas\b|\bwhile\b|\bwhich\b"
    )
)
_NEGATION_AFTER = Caseless(
    r"^[^.;:]{0,40}?\b(?:(?:is|are|was|were|has|have|had)\s+(?:also\s+)?(?:not|never|neither)|"
    r"not\s+(?:been\s+)?(?:documented|noted|shown|demonstrated|established|provided|evident|"
    r"present|reported)|(?:is|are|was|were)\s+(?:lacking|absent|missing|unclear|unknown|"
    r"insufficient)|(?:cannot|could\s+not)\s+be)\b"
)


# "facet injections are 'not recommended' in ... any radicular pain syndrome" says what a guideline
# supports, not that the records lack the radicular findings.
_GUIDELINE_VERDICT = Caseless(
    skip_ahead(
        r"\bnot\W{0,2}\s*(?:be\s+)?(?:recommended|indicated|supported|advised|warranted)\b|"
        r"\bdo(?:es)?\s+not\s+(?:recommend|support|advise)\b"
    )
)


# "There was ... neither an explicit statement (nor an implicit expectation) that the applicant
# would act on the results ... and/or potentially consider surgical intervention": a statement
# or evidence said to be missing, whose "that" clause holds the concept. The negation governs
# that whole clause, however far the concept stands from it, up to the clause's end (_far_scope).
_NEGATED_STATEMENT = Caseless(
    skip_ahead(
        r"\b(?:no|neither|nor|not\s+any|without\s+any)\s+(?:[\w-]+\s+){0,2}(?:statement|mention|"
        r"indication|evidence|documentation|expectation|suggestion|assurance)s?\s+"
        r"(?:\([^(),;:]{0,60}\)\s+)?(?:(?:submitted|provided|presented|given|offered)\s+)?that\b"
    )
)
_NEAR_SCOPE = 90
"""How far before a concept (characters) any negation of its clause may stand."""
_FAR_SCOPE = 240
"""How far before a concept a _NEGATED_STATEMENT may open the clause that holds it."""


def _far_scope(before: str) -> bool:
    """Whether `before` (the text before a concept) ends in the "that" clause of a statement said
    to be missing (_NEGATED_STATEMENT), with no comma or clause break after the "that": the
    clause ends at either, and what follows it is not negated."""
    if "that" not in before:
        return False
    cut = max(before.rfind(","), max((m.end() for m in _CLAUSE_BREAK.finditer(before)), default=0))
    rest = before[cut:]
    return bool(_NEGATED_STATEMENT.search(rest, rest.lower()))


def negated_in_scope(sentence: str, start: int, end: int) -> bool:
    """True when a negation governs the concept at sentence[start:end]: before it in the same
    clause (within 90 characters), or right after it ("improvement was not documented"), or
    where the concept stands in the "that" clause of a statement said to be missing ("neither
    an explicit statement that the applicant would ... consider surgery", _far_scope)."""
    before = sentence[max(0, start - _NEAR_SCOPE) : start]
    before = _GUIDELINE_VERDICT.sub(" ", before, before.lower())
    breaks = list(_CLAUSE_BREAK.finditer(before))
    if breaks:
        before = before[breaks[-1].end() :]
    concept = sentence[start:end]
    if _NEGATION.search(before, before.lower()) or _NEGATION.search(concept, concept.lower()):
        return True
    after = sentence[end:]
    if _NEGATION_AFTER.search(after, after.lower()):
        return True
    return start > _NEAR_SCOPE and _far_scope(sentence[max(0, start - _FAR_SCOPE) : start])


# The care was given before (so "earlier treatment did not help" can be true) ...
_TRIED_BEFORE = Caseless(
    r"\b(?:prior|previous(?:ly)?|past|completed|ongoing|continued|continuing|current(?:ly)?|"
    r"to\s+date|already|since|thus\s+far|so\s+far|last|additional|further|more)\b|"
    r"\b(?:has|have|had)\s+(?:been\s+)?(?:taking|using|on|receiving|prescribed|attended|"
    r"undergone|completed|had|received|tried|participated|treated)\b|"
    r"\b\d+\s+(?:\w+\s+)?(?:sessions|visits|treatments|injections)\b",
)
# ... unless the letter says it was not.
_NOT_TRIED_BEFORE = Caseless(
    r"\bno\s+(?:prior|previous|past)\b|\b(?:has|have|had)\s+not\s+(?:yet\s+)?(?:had|undergone|"
    r"received|tried|started|been\s+(?:tried|treated|given))|\bnever\s+(?:had|received|tried|"
    r"undergone)|\bnot\s+(?:been\s+)?(?:previously|yet)\s+(?:tried|given|done|performed)|"
    r"\b(?:no|not\s+document\w*|without)\s+(?:\w+\s+){0,2}(?:previous|prior)\s+(?:use|trial)",
)
# Reasons that say earlier care of this kind did not help: true only where care was given.
NEEDS_PRIOR_CARE = frozenset(
    {"no-functional-improvement", "pain-relief-undocumented", "prior-sessions-unknown"}
)
# Reasons about taking a medicine: never for a urine drug test or any other care.
MEDICINE_ONLY = frozenset({"opioid-monitoring", "high-opioid-dose"})
MEDICINES: frozenset[Category] = frozenset({"opioid", "pharmaceutical"})


def _summary(rule: ReasonRule, sentence: str) -> str:
    """The rule's plain sentence; for missing safety checks, the checks the letter names."""
    if rule.code == "opioid-monitoring":
        checks = missing_checks(sentence)
        if checks:
            listed = checks[0] if len(checks) == 1 else ", ".join(checks[:-1]) + " or " + checks[-1]
            return (
                f"Your records did not show {listed}. Guidelines ask for this with this medicine."
            )
    return rule.summary


# Reasons that say the care has been helping: never for care not yet given.
NOT_FOR_NEW_CARE: frozenset[Category] = frozenset({"surgery", "imaging/diagnostic"})

# A finding sentence states a reason when it denies something (upheld) ...
_GIVES_REASON = Caseless(
    r"\b(?:without|absence|absent|lack(?:s|ing)?|no|not|none|neither|nor|unclear|uncertain|"
    r"insufficient|inadequate|exceed\w*|surpass\w*|beyond|fail(?:s|ed)?|normal|unremarkable|"
    r"intact|negative|undermin\w*|contraindicat\w*)\b|\b(?:argu|militat)\w*\s+against\b|n't\b",
)


def _prior_care(findings: list[RationaleSentence]) -> bool:
    """Whether this worker's findings show care of this kind given before, not denied."""
    words = " ".join(s.text for s in findings)
    low = words.lower()
    return bool(_TRIED_BEFORE.search(words, low)) and not _NOT_TRIED_BEFORE.search(words, low)


def _fire(rule: ReasonRule, sentence: str, low: str, decision: Decision) -> bool:
    # map over a bound method: the triggers are tested in C, with no Python frame per trigger.
    if not any(map(low.__contains__, rule.triggers)):
        return False
    concept = rule.concept.search(sentence, low)
    if not concept or (rule.unless and rule.unless.search(sentence, low)):
        return False
    if decision == "upheld" and not rule.needs_negation:
        return True  # whether the concept is negated changes nothing here
    negated = negated_in_scope(sentence, concept.start(), concept.end())
    if rule.needs_negation and not negated:
        return False
    return not (decision == "overturned" and negated)


# The rules each decision reads, in order (RULES with their `decisions`).
_RULES_FOR: dict[Decision, tuple[ReasonRule, ...]] = {
    decision: tuple(rule for rule in RULES if decision in rule.decisions)
    for decision in ("upheld", "overturned")
}
# Rules that count only where the care was given before (_prior_care).
_NEEDS_CARE_GIVEN = NEEDS_PRIOR_CARE | {"improvement-shown"}


class Reading:
    """What find_reasons reads in one reviewer's sentence that depends on its text and role
    alone, worked out once per letter (a letter often repeats a sentence in the rationales of
    several items; `Readings` is one letter's memo, never kept past it). The lower-case text,
    the grounds (also lower case), whether it reports what utilization review said; and, read
    only where asked: the prior use it says the worker never had (`only_new_care`), whether it
    only counts care given (`only_counts_care`), whether it may carry a denial or an approval
    (_key_findings) and its telling words."""

    __slots__ = (
        "against",
        "carries",
        "counts",
        "denies",
        "fires",
        "grounds",
        "grounds_low",
        "low",
        "prior_use",
        "reported",
        "role",
        "words",
    )

    def __init__(self, sentence: RationaleSentence) -> None:
        text = sentence.text
        self.role: SentenceRole = sentence.role
        self.low = low = text.lower()
        self.grounds = grounds = _grounds(sentence)
        self.grounds_low = low if grounds is text else grounds.lower()
        self.reported = _reported(text)
        self.prior_use: str | bool | None = False  # False: not read yet
        self.counts: bool | None = None
        self.carries: bool | None = None
        self.denies: bool | None = None
        self.against: bool | None = None
        self.words: frozenset[str] | None = None
        self.fires: dict[tuple[ReasonRule, Decision], bool] = {}


Readings = dict[str, Reading]
"""One letter's memo of its sentences' readings (sentence text -> Reading)."""


def _reading(sentence: RationaleSentence, readings: Readings) -> Reading:
    """The sentence's Reading, from the letter's memo where the same text was read before
    with the same role."""
    reading = readings.get(sentence.text)
    if reading is None:
        reading = readings[sentence.text] = Reading(sentence)
    elif reading.role != sentence.role:
        return Reading(sentence)
    return reading


def find_reasons(
    sentences: list[RationaleSentence],
    decision: Decision,
    category: Category = "other",
    request: str = "",
    readings: Readings | None = None,
) -> tuple[list[Reason], list[str]]:
    """The reasons (and, for denials, what was missing) the reviewer states about this case.

    A rule fires only on a finding or conclusion sentence. Where no rule fits, the reason is the
    reviewer's own finding sentence (code "reviewer-finding"), quoted, never a stock sentence.
    A sentence that only says the requested care (`request`, the item's name) is new to the
    worker states no reason for a denial; one that only counts care given before states none
    for an approval. `readings`: the letter's memo of what its sentences say (Reading)."""
    if readings is None:
        readings = {}
    reasons: list[Reason] = []
    missing: list[str] = []
    named: frozenset[str] | None = None  # the request's name words, read where needed
    own: list[tuple[RationaleSentence, Reading]] = []
    for s in sentences:
        if s.role not in REASON_ROLES:
            continue
        reading = _reading(s, readings)
        if decision == "upheld":
            if reading.prior_use is False:
                reading.prior_use = _prior_use(s.text)
            if isinstance(reading.prior_use, str):
                if named is None:
                    named = _name_words(request)
                if _names_care(reading.prior_use, named):
                    continue
        elif s.role == "finding" and decision == "overturned":
            if reading.counts is None:
                reading.counts = only_counts_care(s.text)
            if reading.counts:
                continue
        own.append((s, reading))
    prior: bool | None = None  # _prior_care of the findings, read where a rule needs it
    everything = " ".join([r.low for _, r in own])
    # A rule not in CONCLUSION_RULES can fire only on a finding that does not report what
    # utilization review said: such a rule reads (and tests its triggers in) those alone.
    findings = [(s, r) for s, r in own if s.role == "finding" and not r.reported]
    in_findings = " ".join([r.low for _, r in findings])
    for rule in _RULES_FOR[decision]:
        if rule.code == "improvement-shown" and category in NOT_FOR_NEW_CARE:
            continue
        if rule.code in MEDICINE_ONLY and category not in MEDICINES:
            continue
        if rule.code in CONCLUSION_RULES:
            read, text = own, everything
        else:
            read, text = findings, in_findings
        if not any(map(text.__contains__, rule.triggers)):
            continue
        for sentence, reading in read:
            if reading.reported:
                continue
            if rule.code == "surgery-denied" and not goes_with_denied_care(
                sentence.text, reading.low
            ):
                continue
            if rule.code == "part-already-approved" and not _more_depends(sentence, sentences):
                continue
            fires = reading.fires.get((rule, decision))
            if fires is None:
                if rule.in_conclusion:  # the whole sentence: "As the surgery is not necessary"
                    fires = _fire(rule, sentence.text, reading.low, decision)
                else:
                    fires = _fire(rule, reading.grounds, reading.grounds_low, decision)
                reading.fires[rule, decision] = fires
            if fires:
                # Whether care was given before is read only now, where such a rule fits: the
                # rule counts only where it was (else it is skipped, as if it had not fitted).
                if rule.code in _NEEDS_CARE_GIVEN:
                    if prior is None:
                        prior = _prior_care([s for s in sentences if s.role == "finding"])
                    if not prior:
                        break
                # One sentence states one reason: the first (most specific) rule that fits it.
                if not any(sentence.id in r.sentence_ids for r in reasons):
                    reasons.append(_reason(rule.code, _summary(rule, sentence.text), sentence))
                if rule.missing:
                    missing.append(rule.missing)
                break
        if len(reasons) >= MAX_REASONS:
            break
    taken = [r.evidence for r in reasons]
    recital = max((s.id for s in sentences if s.role == "guideline"), default=-1)
    unreported = [(s, r) for s, r in own if not r.reported]
    if len(reasons) < MAX_REASONS:  # else no finding would be added
        for sentence in _key_findings(unreported, decision, taken, recital, readings):
            if len(reasons) >= MAX_REASONS:
                break
            reasons.append(_reason(REVIEWER_FINDING, sentence.text, sentence))
    return reasons, missing


def _more_depends(sentence: RationaleSentence, sentences: list[RationaleSentence]) -> bool:
    """Whether the reviewer's next sentence makes more care depend on how this care goes ("The
    patient was authorized a one month rental. Medical necessity for additional treatment is
    contingent upon re-assessment findings."): then the approval is part of this request, not a
    count of care given before."""
    after = [s for s in sentences if s.id == sentence.id + 1]
    return (
        bool(after) and after[0].role == "condition" and bool(_MORE_DEPENDS.search(after[0].text))
    )


_MORE_DEPENDS = lazy_compile(
    r"\b(?:additional|further|more|continued|ongoing)\b[^.]{0,80}\b(?:contingent|depend\w*|based)\b",
    re.I,
)


# "The medical records do not document previous use of Tramadol.": when Tramadol is what was
# requested, the care is new to the worker; that is no reason to deny it, nor a sign that it
# did not help.
_NO_PRIOR_USE = lazy_compile(
    r"\b(?:no|not|without|never)\b[^.;]{0,60}?\b(?:previous|prior|past|earlier)\s+(?:use|usage|"
    r"trials?|treatment)\s+(?:of|with)\s+(?P<what>[^.;,]{2,60})",
    re.I,
)
# Every _NO_PRIOR_USE match holds one of these (a cheap test before the regex).
_NO_PRIOR_USE_WORDS = ("previous", "prior", "past", "earlier")
_THIS_CARE = lazy_compile(
    r"^(?:this|the|said)\s+(?:requested\s+)?(?:medication|medicine|drug|treatment|device|"
    r"therapy)\b",
    re.I,
)
_NAME_WORD = lazy_compile(r"[a-z]{4,}")


def only_new_care(sentence: str, request: str) -> bool:
    """Whether the sentence's only point is that the requested care was not used before."""
    what = _prior_use(sentence)
    return what is not None and _names_care(what, _name_words(request))


def _prior_use(sentence: str) -> str | None:
    """The care the sentence says the worker never used before (only_new_care), as written,
    where nothing after it negates more: the sentence's part of only_new_care."""
    if not may_hold(sentence, _NO_PRIOR_USE_WORDS):
        return None
    match = _NO_PRIOR_USE.search(sentence)
    if match is None:
        return None
    after = sentence[match.end() :]
    if _NEGATION.search(after, after.lower()):
        return None
    return match.group("what")


def _name_words(request: str) -> frozenset[str]:
    """The words of a request's name that name the care (only_new_care)."""
    return frozenset(_NAME_WORD.findall(request.lower())) - _GENERIC_NAME_WORDS


def _names_care(what: str, named: frozenset[str]) -> bool:
    """Whether `what` (_prior_use) is the requested care, whose name words are `named`."""
    return bool(_THIS_CARE.match(what)) or bool(named & set(_NAME_WORD.findall(what.lower())))


# Words of a request's name that do not name the care itself.
_GENERIC_NAME_TEXT = (
    "with without times week weeks month months session sessions visit visits left right "
    "bilateral lumbar cervical thoracic spine knee shoulder additional retrospective quantity "
    "unknown refill refills tablets"
)
_GENERIC_NAME_WORDS = frozenset(_GENERIC_NAME_TEXT.split())


# "Medical records document 8 prior therapy sessions.": a count of care given before, which by
# itself is no reason to approve more.
_BARE_COUNT = lazy_compile(
    r"^[^,;]{0,80}\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve)\s+(?:\w+\s+)"
    r"{0,2}(?:sessions|visits|treatments|injections)(?:\s+(?:of|to)\s+[\w\s-]{0,40})?(?:\s+"
    r"(?:to\s+date|so\s+far|thus\s+far|previously|in\s+the\s+past))?\.?$",
    re.I,
)
_WEIGHS = lazy_compile(
    r"\b(?:only|helping|help(?:ed|s)?|improv\w*|benefit\w*|progress\w*|gains?|guidelines?|"
    r"recommend\w*|within|fewer|less|because|since|but|however)\b",
    re.I,
)


def only_counts_care(sentence: str) -> bool:
    """Whether the sentence only counts the sessions or visits already given."""
    return bool(_BARE_COUNT.search(sentence)) and not _WEIGHS.search(sentence)


# A conclusion gives grounds of its own: "... is not medically necessary as there is no ...".
_CONCLUSION_GROUNDS = Caseless(
    r"\b(?:as(?!\s+such\b)|because|since|due\s+to|given\s+that|without|in\s+the\s+absence\s+of|with\s+no|"
    r"lack\s+of|exceed\w*|surpass\w*|there\s+(?:is|are|was|were)\s+no|(?:showed|shows|revealed|"
    r"reveals|found|finds)\s+no)\s+(?!the\s+guidelines?\s+"
    r"do(?:es)?\s+not\s+support)\w+\s+\w+",
)


def _grounds(sentence: RationaleSentence) -> str:
    """The sentence's words that can state a reason: a conclusion without its verdict ("... is
    not medically necessary"), so that only the grounds it gives ("as there is no ...") count."""
    if sentence.role != "conclusion":
        return sentence.text
    # Each blanked as its lower-case twin (caseless.Caseless.sub), the kept words as written.
    named = _REQUEST_NAME.sub(" ", sentence.text, sentence.text.lower())
    grounds = _VERDICT.sub(" ", named, named.lower())
    return _BACK_REFERENCE.sub(" ", grounds, grounds.lower())


# "No, the request ...", "In the absence of such evidence, ...", "... because they are not met
# ...": no grounds of their own.
_BACK_REFERENCE = Caseless(
    r"^\s*no,|\b(?:in\s+the\s+absence\s+of|without|given|because\s+of|based\s+on|in\s+light\s+of|"
    r"contingent\s+(?:up)?on)\s+(?:such|this|these|that|those|the\s+above|all\s+of\s+the\s+above)\b"
    r"(?:\s+\w+)?|\b(?:because|as|since)\s+(?:they|these|those|it|this|that)\s+(?:are|is|were|was|"
    r"have|has)\s+not\s+(?:been\s+)?\w+",
)


# "the request for Deprizine (unknown quantity)" names the item; its words are not grounds.
_REQUEST_NAME = Caseless(
    r"\b(?:the|this)\s+(?:original\s+|current(?:ly)?\s+|requested\s+)?(?:request(?:ed)?|"
    r"treatment|service|prescription)\b(?:\s+for\b)?[^.;]*?(?=\s+(?:is|are|was|were|would|cannot|"
    r"does|do|has|have)\b)",
)


_VERDICT = Caseless(
    skip_ahead(
        r"\b(?:is|are|was|were|be|been|would|cannot|can|could|should)\s+(?:not\s+)?(?:be\s+)?"
        r"(?:not\s+|deemed\s+|considered\s+|"
        r"therefore\s+|also\s+|seen\s+as\s+|found\s+(?:to\s+be\s+)?)*(?:medically\s+(?:necessary|"
        r"appropriate|reasonable|indicated)|certified|non-?certified|supported|recommended|"
        r"indicated|warranted|appropriate|reasonable)(?:\s+and\s+(?:medically\s+)?appropriate)?|"
        r"\bnot-medically\s+necessary|\b(?:does|do)\s+not\s+appear\s+(?:to\s+be\s+)?medically\s+"
        r"necessary|\bmedical\s+necessity\s+(?:has|have|is|was)\s+not\s+"
        r"(?:been\s+)?\w+|^(?:therefore|thus|as\s+such|hence|consequently|accordingly)\b"
    )
)


REVIEWER_FINDING = "reviewer-finding"
"""A reason no plain sentence fits: its summary and evidence are the reviewer's own sentence."""
MAX_FINDINGS = 4


def _reason(code: str, summary: str, sentence: RationaleSentence) -> Reason:
    return Reason(
        code=code,
        summary=summary,
        evidence=sentence.text,
        span=sentence.span,
        sentence_ids=[sentence.id],
    )


CONCLUSION_RULES = frozenset(
    {
        "surgery-denied",
        "exceeds-guideline",
        "amount-not-specified",
        "body-part-not-specified",
        # "Given the lack of clear evidence to support failure of first-line, non-opioid
        # treatments, ... the request for Tramadol is not considered medically necessary."
        "first-line-not-tried",
        "conservative-care-not-enough",
        "conservative-care-not-tried",
        "red-flags",
        "no-functional-improvement",
        "not-recommended",
    }
)
"""Rules that may fire on a conclusion's grounds (the verdict taken out, so a negation must
stand in the grounds themselves); the others state findings, not verdicts."""


def _key_findings(
    own: list[tuple[RationaleSentence, Reading]],
    decision: Decision,
    taken: list[str],
    recital: int = -1,
    readings: Readings | None = None,
) -> list[RationaleSentence]:
    """The reviewer's findings that carry the decision, in letter order: for a denial, findings
    that deny or lack something (the last ones, where reviewers sum up); for an approval, any
    finding (the first ones). Background (who the worker is, what was requested, the diagnoses),
    bare conclusions and a finding that repeats one already `taken` are not reasons (`own` has
    no sentence reporting what utilization review said; each comes with its Reading). Where a
    denial's reviewer weighs the case after the last guideline `recital` (sentence id), the
    findings there (one is enough) are the reasons; the case summary before it is
    background. `readings`, when given, holds the Readings of the `taken` sentences."""
    if decision == "upheld":
        return _read_denial_findings(own, taken, recital, readings)
    candidates = [
        (sentence, reading)
        for sentence, reading in own
        if _may_carry(sentence, reading) and not _against(reading)
    ]
    if any(sentence.role == "finding" for sentence, _ in candidates):
        # An approval's conclusion restates what its findings say ("Hence the requested
        # sessions appear to be medically necessary ... due to the apparent lack of efficacy of
        # outpatient medication management"); it is a reason only where no finding gives one.
        candidates = [(s, r) for s, r in candidates if s.role == "finding"]
    said = [_taken_words(text, readings) for text in taken]
    chosen: list[RationaleSentence] = []
    for sentence, reading in candidates:
        if len(chosen) >= MAX_REASONS:
            break
        words = _words(sentence.text, reading)
        if not any(_repeats(words, other) for other in said):
            chosen.append(sentence)
            said.append(words)
    return sorted(chosen, key=lambda sentence: sentence.id)


def _may_carry(sentence: RationaleSentence, reading: Reading) -> bool:
    """Whether a sentence may carry the decision (_key_findings, either way): not background,
    and a finding or a conclusion that gives grounds (read once, kept in its Reading)."""
    if reading.carries is None:
        reading.carries = not _background(sentence.text, reading.low) and bool(
            sentence.role == "finding"
            or _CONCLUSION_GROUNDS.search(reading.grounds, reading.grounds_low)
        )
    return reading.carries


def _denies(reading: Reading) -> bool:
    """Whether the sentence's grounds deny or lack something (_GIVES_REASON), read once."""
    if reading.denies is None:
        reading.denies = bool(_GIVES_REASON.search(reading.grounds, reading.grounds_low))
    return reading.denies


def _against(reading: Reading) -> bool:
    """Whether the sentence's grounds argue against an approval (_AGAINST_APPROVAL), read once."""
    if reading.against is None:
        reading.against = bool(_AGAINST_APPROVAL.search(reading.grounds, reading.grounds_low))
    return reading.against


def _words(text: str, reading: Reading) -> frozenset[str]:
    """The sentence's _content_words (`text` is the sentence's), read once."""
    if reading.words is None:
        reading.words = _content_words(text)
    return reading.words


def _taken_words(text: str, readings: Readings | None) -> frozenset[str]:
    """The _content_words of a sentence already taken as a reason, from its Reading if any."""
    reading = readings.get(text) if readings else None
    return _content_words(text) if reading is None else _words(text, reading)


def _read_denial_findings(
    own: list[tuple[RationaleSentence, Reading]],
    taken: list[str],
    recital: int,
    readings: Readings | None = None,
) -> list[RationaleSentence]:
    """_key_findings for a denial, read from the last sentence back and each sentence only as
    far as needed (the answer is the same): the candidates after the `recital`, latest first,
    else (none there) those before it, until MAX_FINDINGS are chosen."""
    said: list[frozenset[str]] | None = None
    chosen: list[RationaleSentence] = []
    analysis = False  # a candidate stands after the recital: those before it are background
    for sentence, reading in reversed(own):  # `own` is in sentence order
        if len(chosen) >= MAX_FINDINGS or (analysis and sentence.id <= recital):
            break
        if not (_may_carry(sentence, reading) and _denies(reading)):
            continue
        analysis = analysis or sentence.id > recital
        if said is None:
            said = [_taken_words(text, readings) for text in taken]
        words = _words(sentence.text, reading)
        if not any(_repeats(words, other) for other in said):
            chosen.append(sentence)
            said.append(words)
    return sorted(chosen, key=lambda sentence: sentence.id)


# ... and a finding argues against an approval when it reports a normal result or a criterion
# the records do not show ("On 11-7-16 the physical exam documents normal range of motion";
# "The medical records do not indicate that pain medication is reduced or not tolerated.").
_AGAINST_APPROVAL = Caseless(
    r"\b(?:normal|unremarkable|intact|negative)\b|\b(?:do|does|did)\s+not\s+(?:indicate|show|"
    r"document|support|establish|reveal|demonstrate)\s+that\b",
)


# Words too common in findings to tell two findings apart.
_COMMON_WORDS_TEXT = (
    "there this that these those with which would have been were from into than then also "
    "patient injured worker claimant applicant request medical necessity provided provide "
    "documentation documented document records record noted evidence lack clinical"
)
_COMMON_WORDS = frozenset(_COMMON_WORDS_TEXT.split())
_WORD = regex_cache.compile(r"[a-z]{4,}")


def _content_words(text: str) -> frozenset[str]:
    """A sentence's telling words, lower case, a plural "s" dropped."""
    return frozenset([w.removesuffix("s") for w in _WORD.findall(text.lower())]) - _COMMON_WORDS


def _repeats(words: frozenset[str], other: frozenset[str]) -> bool:
    """Whether one finding says what another already says: at least 4 in 5 of the shorter
    one's telling words stand in the other ("There was no witnessed seizure activity." and
    "There was no documentation of witnessed seizure activity.")."""
    shorter = min(len(words), len(other))
    return shorter >= 2 and len(words & other) >= 0.8 * shorter


# What utilization review (not this reviewer) said or did.
def _reported(sentence: str) -> bool:
    return any(word in sentence for word in _REPORTED_WORDS) and bool(_REPORTED.search(sentence))


# Every _REPORTED match holds one of these, as written (a cheap test before the regex).
_REPORTED_WORDS = ("utilization", "UR")
_REPORTED = regex_cache.compile(
    r"\b(?:utilization\s+review(?:er)?|UR)\b(?!\s+(?:is|was)\s+(?:upheld|overturned))"
)


def _background(sentence: str, low: str) -> bool:
    """Whether the sentence gives background (`low` is `sentence.lower()`)."""
    if not any(word in low for word in _BACKGROUND_WORDS):
        return False
    exact = not sentence.isascii()  # see may_hold: such text always goes on to the regexes
    return any((exact or word in low) and part.search(sentence, low) for word, part in _BACKGROUND)


# Only a sentence with one of these is read for background (a cheap test before the regexes).
_BACKGROUND_WORDS = (
    "sustained",
    "year",
    "diagnos",
    "injury",
    "request",
    "treatment",
    "presented",
    "noted to",
    "decision",
    "no other",
    "rfa",
)
# Background a sentence gives, each kind with a word every match of it holds: a regex runs only
# where its word stands (one alternation of all of them costs a regex step at every character).
_BACKGROUND: tuple[tuple[str, Caseless], ...] = tuple(
    (word, Caseless(pattern))
    for word, pattern in (
        # the injury sustained, not "sustained improvement" (a finding)
        (
            "sustained",
            r"\bsustained\s+(?:(?:an?|the|multiple|several|his|her|their)\s+(?:[\w-]+\s+){0,3})?"
            r"injur",
        ),
        ("year", r"\byear[\s-]+old\b"),
        ("diagnos", r"\bdiagnos(?:is|es)\s+(?:include|of|are|is)\b|\bworking\s+diagnos"),
        ("injury", r"\bdate\s+of\s+injury\b"),
        (
            "request",
            # "\bthe" as "t(?<!\w\w)he", "^this" as "t(?<![\s\S]t)his": every alternative starts
            # with a letter, which sre skips ahead to (it cannot past a leading \b or ^).
            r"r(?<!\w\w)equest\s+for\s+authorization\s+(?:is|was|dated)|t(?<!\w\w)he\s+request\s+"
            r"(?:is|was)\s+for\b|r(?<!\w\w)equest\s+(?:is|was)\s+for\b|i(?<!\w\w)s\s+requesting\b|"
            r"w(?<!\w\w)as\s+the\s+original\s+request|t(?<![\s\S]t)his\s+is\s+a\s+request\b",
        ),
        ("leaving", r"\bleaving\s+the\s+original"),
        ("included", r"\btreatments?\s+(?:have|has)\s+included\b"),
        ("presented", r"\bpresented\s+with\b"),
        ("noted", r"\bwas\s+noted\s+to\s+have\s+(?:\w+\s+){0,3}(?:pain|complaints?)\b"),
        ("addresses", r"\bthis\s+decision\s+addresses\b"),
        ("other", r"^no\s+other\b"),
        ("rfa", r"\bRFA\b"),
    )
)
