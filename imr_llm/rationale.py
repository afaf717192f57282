"""The anatomy of a rationale: its sentences, where each stands in the letter, and its role.

Roles (schema.SentenceRole): `guideline` recites what a guideline or policy says in general;
`finding` states what this worker's records show or lack (a sentence that cites a guideline and
states this case's facts is a finding); `conclusion` is the necessary / not necessary sentence;
`condition` is a caveat the reviewer attaches (re-review at N months, monitoring, a taper, a
trial period, a warning not to stop a medicine abruptly).
"""

from __future__ import annotations

import re
from itertools import compress, groupby
from typing import Any, NamedTuple

from imr_llm import regex_cache
from imr_llm.caseless import Caseless, lower_letters, may_hold, skip_ahead
from imr_llm.denials import read_denial
from imr_llm.normalize import collapse_ws
from imr_llm.reasons import Readings, find_reasons, find_span
from imr_llm.schema import Category, Decision, RationaleSentence, SentenceRole, Span

# A sentence ends at . ! or ? (and any closing quote or bracket) before white space and a capital
# letter or an opening quote or bracket. Abbreviations are checked separately.
_BOUNDARY = regex_cache.compile(r"[.!?][\"')\]]*(?=\s+[\"'(\[]?[A-Z])")
_ABBREVIATION_WORDS = (
    "e.g i.e dr vs v no nos p pp fig mr mrs ms st jr sr et al approx ca u.s inc co ltd ph.d m.d "
    "d.o d.c b.i.d t.i.d q.i.d p.r.n q.d h.s a.m p.m ed eds vol ch chap sec"
)
_ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())
_LAST_WORD = regex_cache.compile(r"(?:^|[\s(\[\"'])([A-Za-z](?:[A-Za-z.]*[A-Za-z])?)$")
_LABEL = regex_cache.compile(
    r"^\s*(?:decision\s+rationale|rationale\s+for\s+the\s+decision|rationale\s+for\s+why\s+the"
    r"\s+requested\s+treatment/service\s+is/was\s+(?:not\s+)?medically\s+necessary|rationale)"
    r"\s*:\s*",
    re.I,
)


_LONGEST = max(map(len, _ABBREVIATIONS))


def _is_abbreviation(before: str) -> bool:
    """True when the period ending `before` belongs to an abbreviation or an initial."""
    # Most sentences end in a longer word than any abbreviation: when the last _LONGEST + 1
    # characters are letters, the last word (which _LAST_WORD would read) is no abbreviation,
    # and a letter that is not ASCII among them leaves _LAST_WORD no word at all.
    if len(before) > _LONGEST and before[-_LONGEST - 1 :].isalpha():
        return False
    match = _LAST_WORD.search(before[-24:])
    if not match:
        return False
    word = match.group(1)
    # One capital letter ("J. Occupational ...") is an initial, except the pronoun "I".
    return (len(word) == 1 and word != "I") or word.lower() in _ABBREVIATIONS


def split_sentences(rationale: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in `rationale`, trimmed of white space, in order."""
    label = _LABEL.match(rationale)
    start = label.end() if label else 0
    bounds: list[tuple[int, int]] = []
    for match in _BOUNDARY.finditer(rationale, start):
        if match.group(0)[0] == "." and _is_abbreviation(rationale[start : match.start()]):
            continue
        bounds.append((start, match.end()))
        start = match.end()
    bounds.append((start, len(rationale)))
    out = []
    for a, b in bounds:
        while a < b and rationale[a].isspace():
            a += 1
        while b > a and rationale[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


Rule = tuple[tuple[str, ...], re.Pattern[str]]
"""A pattern and the words (lower case, no white space) that it cannot match without."""


class RuleTable(NamedTuple):
    """Rules, each searched alone (_any_rule), with their words laid out flat for one pass:
    `words` every rule's words in table order, `owners` the index of the rule each belongs to;
    `twins` each rule's pattern as its lower-case twin (caseless.py), searched in lower-cased
    ASCII text; `written` each rule's pattern as the table writes it (`rules` compile it through
    caseless.skip_ahead)."""

    rules: tuple[Rule, ...]
    words: tuple[str, ...]
    owners: tuple[int, ...]
    twins: tuple[re.Pattern[str], ...]
    written: tuple[str, ...]


def _rules(*table: tuple[tuple[str, ...], str]) -> RuleTable:
    """(words, pattern) pairs as rules, each pattern compiled case-blind. The alternatives of one
    large alternation, each searched alone (_any_rule). Each leading \\bX is compiled as
    X(?<!\\w\\w) (caseless.skip_ahead: the same matches), so sre skips ahead to X instead of
    trying the pattern at every character: a rule runs several times faster."""
    rules = tuple(
        (words, regex_cache.compile(skip_ahead(pattern), re.I)) for words, pattern in table
    )
    flat = [(word, index) for index, (words, _) in enumerate(rules) for word in words]
    twins = tuple(regex_cache.compile(lower_letters(pattern.pattern)) for _, pattern in rules)
    return RuleTable(
        rules,
        tuple(word for word, _ in flat),
        tuple(index for _, index in flat),
        twins,
        tuple(pattern for _, pattern in table),
    )


def _any_rule(table: RuleTable, text: str, low: str | None = None) -> bool:
    """Whether one of `table`'s rules matches `text` (`low`, when given, is `text.lower()`): the
    answer of a search for their alternation, at a fraction of its cost. sre tries every
    alternative of a case-blind alternation at every position; a rule's pattern here runs only
    when the text may hold one of its words (tests/test_rationale_rules.py proves on every letter
    that no match lacks them), and on ASCII text as its lower-case twin."""
    if not text.isascii():
        return any(pattern.search(text) for _, pattern in table.rules)
    low = text.lower() if low is None else low
    # One pass in C over every rule's words (map over a bound method, compress): the rules that
    # may match come out in table order, each once (groupby), and the first match ends it.
    holding = compress(table.owners, map(low.__contains__, table.words))
    twins = table.twins
    # A loop, not any() over a generator: resuming a generator frame for each rule tried cost
    # about a twentieth of sentence_role.
    for index, _ in groupby(holding):  # noqa: SIM110
        if twins[index].search(low):
            return True
    return False


_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


_CONCLUSION = _rules(
    (
        ("medically", "certified"),
        r"\b(?:is|are|was|were|be|been|being)\s+(?:not\s+|deemed\s+|considered\s+|therefore\s+|"
        r"also\s+|seen\s+as\s+|found\s+(?:to\s+be\s+)?)*"
        r"(?:medically\s+(?:necessary|appropriate|reasonable|indicated)|certified|non-?certified)",
    ),
    (("not-medically",), r"\bnot-medically\s+necessary"),
    (("clinically",), r"\b(?:is|are)\s+not\s+clinically\s+(?:indicated|necessary)\b"),
    (("appear",), r"\b(?:does|do)\s+not\s+appear\s+(?:to\s+be\s+)?medically\s+necessary"),
    (
        ("necessity",),
        r"\bmedical\s+necessity\s+(?:and\s+\w+\s+)?(?:(?:has|have)\s+not\s+been\s+established)",
    ),
    (
        ("necessity",),
        r"\bmedical\s+necessity\s+(?:for|of)\s+[^.]{0,60}?\b(?:is|has|was|"
        r"have)\s+(?:not\s+)?(?:been\s+)?(?:established|met|demonstrated|substantiated)\b",
    ),
    (
        ("necessity",),
        r"\bmedical\s+necessity\s+(?:(?:has|have|is|was)\s+(?:not\s+)?(?:been\s+)?"
        r"(?:established|met|substantiated|supported|demonstrated)|(?:is|was)\s+(?:not\s+)?"
        r"(?:evident|apparent))",
    ),
    (("medically",), r"\bnot\s+medically\s+necessary"),
    (
        ("time", "patient", "worker", "claimant", "applicant", "employee", "iw"),
        r"\bis\s+(?:not\s+)?(?:recommended|"
        r"supported|warranted|indicated|appropriate|reasonable)\s+(?:at\s+this\s+time|for\s+(?:this|"
        r"the)\s+(?:patient|injured\s+worker|claimant|applicant|employee|IW))",
    ),
)
_CONCLUSION_START = regex_cache.compile(
    r"^(?:therefore|thus|as\s+such|hence|given\s+(?:the\s+above|this|these)|consequently|"
    r"accordingly|in\s+conclusion|based\s+on\s+(?:the\s+above|this|these))\b",
    re.I,
)
_REQUEST_VERDICT = regex_cache.compile(
    r"\b(?:the\s+)?(?:request(?:ed)?|treatment|service|procedure|medication|item|sessions?|"
    r"visits?)\b[^.]{0,200}?"
    r"\b(?:is|are|was|were|would|cannot|can)\s+(?:not\s+)?(?:be\s+)?(?:medically\s+)?"
    r"(?:necessary|recommended|supported|warranted|indicated|appropriate|reasonable|certified|"
    r"approved|established)\b",
    re.I,
)
_CONDITION = _rules(
    (("review", "evaluat", "assess", "examin"), r"\bre-?(?:review|evaluat|assess|examin)\w*"),
    (("monitoring",), r"\bmonitoring\b"),
    (("monitored",), r"\b(?:be|is|are)\s+monitored\b"),
    (("taper",), r"\btaper\w*"),
    (("wean",), r"\bwean\w*"),
    (("trial",), r"\btrial\s+(?:period|basis)"),
    (("abrupt", "sudden"), r"\b(?:abruptly|discontinu\w+\s+(?:abrupt|sudden))"),
    (("followed", "met", "documented"), r"\bif\b[^.]{0,120}\bnot\s+(?:followed|met|documented)"),
    (("interpreted",), r"\bshould\s+not\s+be\s+interpreted"),
    (("advised",), r"\b(?:is|are)\s+advised\s+to"),
    (
        ("cures",),
        r"(?<!\bno\s)(?<!\bwithout\s)\bCURES\b(?![^.]{0,40}\b(?:was|were|is|are)\s+not\b)",
    ),
    (("contingent",), r"\bcontingent\s+(?:up)?on\b"),
    (("addresses",), r"\bthis\s+decision\s+addresses\b"),
    (
        ("recommended",),
        r"\bit\s+is\s+recommended\s+that\s+"
        r"the\s+(?:patient|injured\s+worker|claimant|applicant)\b",
    ),
    (
        ("further",),
        r"\bfurther\s+(?:\w+\s+){0,3}(?:would|will|should)\s+(?:require|depend|be\s+based)",
    ),
    (
        ("continued",),
        r"\bcontinued\s+(?:\w+\s+){0,3}(?:would|will|should)\s+(?:require|depend|be\s+based)",
    ),
    (("after",), r"\bafter\s+(?:\d+|one|two|three|four|six)\s+(?:weeks?|months?)"),
)
# Words that place a sentence in this worker's case: one rule per alternative, each with the words
# its pattern cannot match without (_any_rule). Two rules that run on most sentences say their
# leading \b as a look-behind after their letters ("th(?<!\w\w\w)" is "\bth"), which _rules
# (skip_ahead) would not write for them: sre skips ahead to a pattern's first letters, but not
# past a leading \b.
_CASE = _rules(
    (
        ("the", "this"),
        r"th(?<!\w\w\w)(?:e\s+|is\s+)(?:patient|injured\s+worker|claimant|applicant|employee|worker|"
        r"individual|IW|member|requesting\s+(?:provider|physician)|treating\s+(?:provider|"
        r"physician|doctor)|provider|physician|(?:primary\s+)?treater|request(?:ed)?\b|"
        r"records?|medical\s+records?|documentation|progress\s+(?:note|report)s?|notes?|file|"
        r"submitted|case|exam(?:ination)?)",
    ),
    (("iw",), r"\bIW\b"),
    (("patient",), r"\bpatient(?:'s)?\b(?!s)"),
    (("requested",), r"\brequested\b"),
    (("document",), r"\bmedical\s+documents?\b"),
    (("appear",), r"\b(?:there|it)\s+(?:does|do)\s+not\s+appear\b"),
    (("claimant",), r"\bclaimant\b"),
    (("worker",), r"\binjured\s+worker\b"),
    (("review",), r"\bfor\s+review\b"),
    (
        ("performed", "provided", "given"),
        r"\bthe\s+(?:treatment|surgery|procedure|care)\s+(?:performed|provided|given)\b",
    ),
    (("physical",), r"\bphysical\s+exam(?:ination)?\b"),
    (("systems",), r"\breview\s+of\s+systems\b"),
    (
        ("clear", "certain"),
        r"\bit\s+(?:is|was)\s+(?:not\s+)?(?:clear(?:ly\s+stated)?|unclear|certain|uncertain)\b",
    ),
    (("lack",), r"\bthere\s+(?:is|was)\s+a\s+lack\s+of\b"),
    (
        ("met",),
        r"\b(?:criteria|guidelines?|requirements)\s+(?:are|is|were|was|have|has)\s+not\s+"
        r"(?:been\s+)?met\b",
    ),
    (("note",), r"\b(?:medical|clinical|progress|office|treating|therapy)\s+notes?\b"),
    (("here",), r"^here\b"),
    (("ordered", "prescribed"), r"\b(?:was|were)\s+(?:ordered|prescribed)\b"),
    (("without",), r"^without\s+(?:evidence|documentation)\b"),
    (("ongoing",), r"\bongoing\s+(?:use|usage|treatment|management)\b"),
    (("felt",), r"\b(?:is|are)\s+felt\b"),
    (
        ("recommend", "believe", "find", "agree"),
        r"\bI\s+(?:recommend|believe|find|agree|disagree)\b",
    ),
    (("exceed", "surpass"), r"\b(?:would|will)\s+(?:exceed|surpass)\b"),
    (
        ("additional",),
        r"\b(?:an\s+)?additional\s+\d+\s+(?:\w+\s+){0,2}(?:sessions|visits|treatments)\b",
    ),
    (("he", "hi"), r"(?:s(?<!\w\w)he|h(?<!\w\w)(?:e|is|er|im))\b"),
    (("this",), r"\bin\s+this\s+(?:case|instance|patient|injured|claimant|individual)"),
    (
        ("there",),
        r"\bthere\s+(?:is|was|are|were)\s+(?:no|not|little|limited|insufficient)\b"
        r"(?!(?:\s+\w+){0,4}\s+(?:clinical\s+trials|studies|literature|research))",
    ),
    (
        ("document", "evidence", "mention", "indication"),
        r"\b(?:no|not\s+any|lack\s+of|absence\s+of)\s+(?:clear\s+|objective\s+|current\s+|recent\s+)?"
        r"(?:documentation|documented|evidence\s+(?:in|of\s+(?:a|an|any|the|objective|significant|"
        r"functional|failed))|mention|indication\s+(?:in|that))",
    ),
    (("document",), r"\b(?:documented|documentation)\b"),
    (("record",), r"\brecords?\s+(?:indicate|show|reveal|note|document)\b"),
    (("noted", "reported"), r"\b(?:noted|reported)\b"),
    (("request",), r"^this\s+is\s+a\s+request\b"),
    (("request",), r"\b(?:the|this)\s+(?:current\s+)?request\s+is\s+for\b"),
    (
        ("previous", "prior"),
        r"\b(?:previous|prior)\s+treatments?\s+(?:included|include|have|has)\b",
    ),
    (("included",), r"\btreatments?\s+(?:have|has)\s+included\b"),
    (
        ("submitted", "provided", "reviewed", "available"),
        r"\b(?:submitted|provided|reviewed|available)\b",
    ),
    (("/", "-"), r"\b\d{1,2}[/-]\d{1,2}[/-]\d{2,4}\b"),
    (
        _MONTHS,
        r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
        r"December)\s+\d{1,2}\b",
    ),
    (("date",), r"\bto\s+date\b"),
    (("currently",), r"\bcurrently\b"),
    (
        ("has", "had"),
        r"\b(?:has|had)\s+(?:been\s+)?(?:undergone|completed|attended|received|taking|using|"
        r"prescribed|treated|tried|failed)",
    ),
)
# A guideline recital ("As noted on page 82 of the MTUS ...", "ODG states ...", a general "should
# be guided by the patient's history") stays a guideline unless it names this case plainly.
_RECITAL = _rules(
    (
        ("mtus", "odg", "acoem", "guideline"),
        r"^(?:(?:as\s+noted|as\s+stated|according\s+to|per|regarding\s+[^,]{1,60},|in\s+addition,?|"
        r"additionally,?|further(?:more)?,?|also,?)\s+)?(?:(?:on|in)\s+page\s+\d+\s+of\s+)?(?:the\s+)?"
        r"(?:(?:CA|California)[\s-]+)?(?:MTUS|ODG|ACOEM|guidelines?|Official\s+Disability\s+"
        r"Guidelines?)\b",
    ),
    (
        ("mtus", "odg", "acoem", "guideline"),
        r"\b(?:MTUS|ODG|ACOEM|guidelines?)\s+(?:\w+\s+){0,3}(?:states?|recommends?|"
        r"indicates?|notes?|supports?|advises?|address(?:es)?|allows?|are\s+silent|do(?:es)?\s+not)\b",
    ),
    (("should",), r"^[^,]{0,60}\bshould\s+be\s+(?:guided|based|considered|reserved|limited)\b"),
    (("(",), r"^\("),
)
_STRONG_CASE = regex_cache.compile(
    r"\b(?:given|since|because|as)\s+(?:that\s+)?[^.]{0,120},\s+(?:the|this)\s+request\s+(?:is|was|"
    r"would\s+be)\s+not\b|\b(?:would|will)\s+(?:exceed|surpass)\b|\bin\s+this\s+(?:case|instance)|\bhere\b|\bin\s+the\s+case\s+of\s+this|\bthis\s+(?:patient|"
    r"injured\s+worker|claimant|applicant|individual|IW|employee)|\bthe\s+(?:injured\s+worker|"
    r"claimant|applicant|IW|employee)|\b(?:medical\s+)?records?\b|\bdocument(?:ation|ed|s)\b|"
    r"\bprogress\s+(?:notes?|reports?)|\boffice\s+visit|\b\d{1,2}[/-]\d{1,2}[/-]\d{2,4}\b|"
    r"\bthe\s+(?:treating|requesting|attending)\s+(?:physician|provider|doctor)|\bthe\s+provider\b|"
    r"\b(?:has|had)\s+(?:been\s+)?(?:undergone|completed|attended|received|taking|using|"
    r"prescribed|treated|tried|failed)",
    re.I,
)
# A test or exam result of this case ("Plain films were normal."), tested only when the sentence
# holds one of _RESULT_WORDS.
_RESULT = regex_cache.compile(
    r"\b(?:exam(?:ination)?|x-?rays?|films?|MRI|CT|imaging|studies|EMG|NCS|labs?|outcome|"
    r"evaluation|testing|tests?|speech|strength|reflexes|sensation|gait|scan)\b[^.]{0,40}"
    r"\b(?:was|were|is|are)\s+(?:normal|negative|unremarkable|intact|abnormal|positive|not\s+"
    r"(?:performed|done|included|provided|available))\b",
    re.I,
)
_RESULT_WORDS = (
    "normal",
    "unremarkable",
    "negative",
    "intact",
    "positive",
    "not performed",
    "not done",
    "not incl",
    "not provided",
    "not available",
)
# A sentence that recites a guideline or speaks generally.
_GUIDELINE = regex_cache.compile(
    r"\b(?:MTUS|ODG|ACOEM|guidelines?|Official\s+Disability|literature|studies|evidence[\s-]+based"
    r"|FDA|policy|criteria)\b|\b(?:is|are)\s+(?:not\s+)?(?:recommended|indicated|supported)\s+"
    r"(?:for|as|in|when|if|only|after|with|to|unless|because|is|during)|\brecommends?\b",
    re.I,
)


# "With regard to the request for X, the MTUS states ..." names the item, not a finding.
_ABOUT_ITEM = regex_cache.compile(
    r"^(?:with\s+regard\s+to|in\s+regard\s+to|regarding|as\s+for|as\s+to|for|concerning|"
    r"with\s+respect\s+to)\s+(?:the|this)\s+(?:request(?:ed)?|requested\s+\w+)\b[^,]{0,80},\s*",
    re.I,
)


# "... may be appropriate if the patient is showing ...", "having the patient return to work",
# "if functional improvement is documented", "the available evidence": patients in general.
# Blanked as a lower-case twin (Caseless.sub): sre reads a case-blind alternation slowly.
_GENERIC_PATIENT = Caseless(
    r"\b(?:if|when|unless|where|whether|in|for|once|having|advising)\s+(?:the\s+|a\s+)?"
    r"(?:patient|injured\s+worker|claimant|individual)s?\b|\bif\s+[^,.;]{0,60}?\b(?:is|are)\s+"
    r"documented\b|\bbased\s+(?:up)?on\s+documented\b|\b(?:the\s+)?available\s+(?:medical\s+)?"
    r"(?:evidence|literature|studies|research)\b|\bshould\s+(?:also\s+)?be\s+documented\b",
)
_GENERIC_PATIENT_WORDS = (
    "patient",
    "worker",
    "claimant",
    "individual",
    "documented",
    "available",
)
"""_GENERIC_PATIENT cannot match without one of these words (caseless.may_hold)."""
# What the guidelines cover ("Beyond that, the Guidelines are silent; ...") is guideline text,
# even where it names this case.
_SILENT = regex_cache.compile(
    r"\b(?:MTUS|ODG|ACOEM|guidelines?)\s+(?:\w+\s+){0,3}(?:(?:are|is)\s+silent|do(?:es)?\s+not\s+"
    r"(?:specifically\s+)?address)\b",
    re.I,
)
# A guideline's own rule ("However, if there is no improvement after 2-3 weeks, the therapy should
# be modified or re-evaluated.") or recital ("Furthermore, the guidelines state ... should also be
# documented during the trial period") is not the reviewer's condition for this worker.
_GENERAL_IF = regex_cache.compile(r"^(?:however,?\s+)?if\b", re.I)
_RECITAL_LEAD = regex_cache.compile(
    r"^(?:\w+,?\s+)?(?:the\s+)?(?:(?:CA|California)[\s-]+)?(?:MTUS|ODG|ACOEM|guidelines?|"
    r"Official\s+Disability\s+Guidelines?)\s+(?:\w+\s+){0,3}(?:states?|recommends?|indicates?|"
    r"notes?|advises?)\b",
    re.I,
)
# A definition from a guideline or policy ("Skilled care ... for tasks including, but not limited
# to, ...") speaks of no one case.
_DEFINITION = regex_cache.compile(r"\bincluding,?\s+but\s+not\s+limited\s+to\b", re.I)
# A general statement of what care "can include" or of what is "useful" for patients.
_GENERAL = _rules(
    (
        ("include",),
        r"^(?:\w+\s+){0,4}(?:treatments?|options?|services?|therap(?:y|ies)|exercises?|care)\s+"
        r"(?:can|may|should|could)\s+(?:also\s+)?include\b",
    ),
    (("patients",), r"\bpatients\s+(?:who|with|that)\b"),
)


# Cheap tests before the regexes, part of the rules as they stand: every match of _CONCLUSION or
# _REQUEST_VERDICT holds one of _VERDICT_WORDS; _CONDITION_WORDS passes every condition the
# letters hold, though not every match of _CONDITION ("If, in 4 weeks, ... not met" lacks "if ").
_VERDICT_WORDS = (
    "necess",
    "certif",
    "appropriate",
    "reasonable",
    "indicated",
    "recommended",
    "supported",
    "warranted",
    "established",
    "substantiated",
    "demonstrated",
    "evident",
    "apparent",
    "met",
    "approved",
)
_CONDITION_WORDS = (
    "review",
    "evaluat",
    "assess",
    "examin",
    "monitor",
    "taper",
    "wean",
    "trial",
    "abrupt",
    "sudden",
    "if ",
    "interpreted",
    "advised",
    "cures",
    "further",
    "continued",
    "after ",
    "contingent",
    "addresses",
    "recommended that",
)


def sentence_role(sentence: str) -> SentenceRole:
    """The role of one rationale sentence (module docstring), by its words."""
    low = sentence.lower()
    holds = low.__contains__  # any(map(holds, words)): each word tested in C, no Python frame
    intro = _ABOUT_ITEM.match(sentence)
    cut = intro.end() if intro else 0
    words = sentence[cut:]
    # lower() keeps the length of ASCII text, so the lowered sentence cut there is words.lower().
    words_low = low[cut:] if sentence.isascii() else words.lower()
    if may_hold(words, _GENERIC_PATIENT_WORDS, words_low):
        blanked = _GENERIC_PATIENT.sub(" ", words, words_low)
        if blanked != words:
            words, words_low = blanked, blanked.lower()
    case = _any_rule(_CASE, words, words_low) or (
        any(map(holds, _RESULT_WORDS)) and _RESULT.search(words)
    )
    verdict = any(map(holds, _VERDICT_WORDS))
    if not case and _any_rule(_GENERAL, sentence, low):
        return "guideline"
    if _GENERAL_IF.match(sentence) and not _STRONG_CASE.search(words):
        return "guideline"
    if "limited to" in low and _DEFINITION.search(sentence) and not _STRONG_CASE.search(sentence):
        return "guideline"
    if verdict and (
        _any_rule(_CONCLUSION, sentence, low)
        or (_CONCLUSION_START.match(sentence) and _REQUEST_VERDICT.search(sentence))
    ):
        return "conclusion"
    if (
        any(map(holds, _CONDITION_WORDS))
        and _any_rule(_CONDITION, sentence, low)
        and (case or not _GUIDELINE.search(sentence))
        and not _RECITAL_LEAD.match(sentence)
    ):
        return "condition"
    if case and _any_rule(_RECITAL, sentence, low) and not _STRONG_CASE.search(words):
        return "guideline"
    if ("silent" in low or "address" in low) and _SILENT.search(sentence):
        return "guideline"
    if case:
        return "finding"
    if (
        low.startswith(("the request", "this request"))
        and verdict
        and _REQUEST_VERDICT.search(sentence)
    ):
        return "conclusion"
    return "guideline"


def anatomy(
    rationale: str,
    text: str,
    rationale_start: int,
    roles: dict[str, SentenceRole] | None = None,
) -> list[RationaleSentence]:
    """`rationale` (verbatim as it stands in `text` at `rationale_start`, or -1 when it was not
    found there) as numbered sentences with spans into `text` and roles. `roles`, when given,
    is one letter's memo of sentence_role (sentence -> role): a letter often repeats a sentence
    in the rationales of several items, and the role is the sentence's alone."""
    if roles is None:
        roles = {}
    sentences = []
    for number, (a, b) in enumerate(split_sentences(rationale)):
        words = collapse_ws(rationale[a:b])
        if rationale_start >= 0:
            span: Span | None = Span(start=rationale_start + a, end=rationale_start + b)
        else:
            span = find_span(text, words)
        role = roles.get(words)
        if role is None:
            role = roles[words] = sentence_role(words)
        sentences.append(RationaleSentence(id=number, text=words, role=role, span=span))
    return sentences


def read_rationale(
    rationale: str,
    rationale_start: int,
    text: str,
    decision: Decision,
    category: Category,
    request: str = "",
    roles: dict[str, SentenceRole] | None = None,
    readings: Readings | None = None,
) -> dict[str, Any]:
    """Every Treatment field read from one item's rationale (`request` is the item's name):
    sentences with roles, reasons, what was missing, the kind of denial and its details, and
    safety notes. `roles`: the letter's memo of sentence roles (anatomy); `readings`: its memo
    of what its sentences say (reasons.find_reasons)."""
    sentences = anatomy(rationale, text, rationale_start, roles)
    reasons, missing = find_reasons(sentences, decision, category, request, readings)
    denial = read_denial(sentences, upheld=decision == "upheld")
    return {
        "sentences": sentences,
        "reasons": reasons,
        "missing": missing,
        "denial_kind": denial.kind,
        "request_lacks": denial.lacks,
        "guideline_limit": denial.guideline_limit,
        "count_done": denial.count_done,
        "safety_notes": denial.safety_notes,
    }


def rationale_sentences(rationale: str) -> list[str]:
    """The rationale's sentences, whitespace collapsed."""
    return [collapse_ws(rationale[a:b]) for a, b in split_sentences(rationale)]
