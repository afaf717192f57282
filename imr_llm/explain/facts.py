"""Legal facts the explanation relies on, each with its source. One place, so a change in the law
is one edit. Numbers stated here are the only numbers an explanation may use besides the letter's
own and the dates computed from it (see grounding.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Fact:
    value: str
    source: str


APPEAL_DAYS = Fact("30", "Labor Code 4610.6(h): verified appeal within 30 days of mailing")
AUTHORIZE_WORKING_DAYS = Fact(
    "5", "8 CCR 9792.10.7: authorize within 5 working days of receiving the IMR decision"
)
PAY_DAYS = Fact("20", "8 CCR 9792.10.7: pay for care already given within 20 days")
UR_EFFECT_MONTHS = Fact(
    "12", "Labor Code 4610(k): a UR denial stays in effect 12 months unless the facts change"
)
APPEAL_GROUNDS = Fact("5", "Labor Code 4610.6(h): five grounds for appeal")
HELP_LINE = Fact("1-800-736-7401", "DWC Information Services Center (Information & Assistance)")

APPEAL_CAPTION = Fact(
    "Petition Appealing Administrative Director's Independent Medical Review Determination",
    "CCR 10575 [S18]: the caption, the ADJ and IMR case numbers, service on the DWC IMR Unit, "
    "every ground stated in detail or waived",
)
APPEAL_VERIFIED = Fact(
    "verified", "LC 4610.6(h) [S20]: a verified appeal; an unverified one can be dismissed [S30]"
)
NO_BILLING = Fact(
    "work-related", "[S39]: doctors may not bill workers for care known to be work-related"
)
FDA_OPIOIDS = Fact(
    "opioid", "[S93]: FDA 2019, do not stop opioids suddenly; talk to the prescriber"
)
FDA_BENZODIAZEPINES = Fact(
    "benzodiazepine", "[S94]: FDA 2020 boxed warning, stopping abruptly can cause withdrawal"
)

ALL_FACTS: tuple[Fact, ...] = (
    APPEAL_DAYS,
    AUTHORIZE_WORKING_DAYS,
    PAY_DAYS,
    UR_EFFECT_MONTHS,
    APPEAL_GROUNDS,
    HELP_LINE,
)
