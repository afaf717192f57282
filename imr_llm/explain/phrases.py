"""Every fixed sentence of the explanation, per language. Short sentences, everyday words.

Placeholders in braces are filled by writer.py. Numbers here are legal facts from facts.py.
"""

from __future__ import annotations

from imr_llm.schema import Lang

EN: dict[str, str] = {
    "title": "Your IMR decision, in plain words",
    "case_line": "Case {case_number}. Decision date: {decision_date}.",
    "all_upheld": "The reviewer did not approve any of the care in this letter.",
    "all_overturned": "The reviewer approved all of the care in this letter.",
    "mixed": "The reviewer approved some of the care and not the rest.",
    "intro": "An outside doctor reviewed your insurer's denial. Here is what the doctor decided "
    "for each item your doctor asked for.",
    "outcome_upheld": "Denial stands (Upheld). You will not get this care under this request.",
    "outcome_overturned": "Approved by the reviewer (Overturned). The insurer must now approve "
    "this care.",
    "outcome_overturned_retro": "Approved by the reviewer (Overturned). The insurer must pay "
    "for this care.",
    "part_of": "part of the request for",
    "modified": "Your insurer had already approved part of the request: {authorized}. This "
    "decision is about the rest.",
    "retro": "This is about care you already had.",
    "retro_dated": "This is about care you already had on {dates}.",
    "why": "Why:",
    "quote": 'The reviewer wrote: "{quote}"',
    "fallback_upheld": "The reviewer found that your records did not show this care is needed "
    "under the treatment guidelines.",
    "fallback_overturned": "The reviewer found that this care is needed for your injury.",
    "todo_upheld": "You can ask your doctor to send a new request if something has changed.",
    "todo_upheld_missing": "The new request should show: {missing}.",
    "todo_upheld_appeal": 'You can also appeal. See "What you can do next".',
    "todo_overturned": "Your insurer must approve this within 5 working days of getting the "
    "decision.",
    "todo_overturned_dated": "Your insurer must approve this within 5 working days of getting "
    "the decision, about {date}.",
    "todo_overturned_paid": "You already had this care, so the insurer must pay for it within "
    "20 days of getting the decision.",
    "todo_overturned_paid_dated": "You already had this care, so the insurer must pay for it "
    "within 20 days of getting the decision, about {date}.",
    "next_new_request": "Ask again with new facts. Your doctor can send a new request if your "
    "condition or treatment has changed. The new request should fix what the reviewer said "
    "was missing.",
    "next_new_request_dated": "Until {date}, a new request for the same care from the same "
    "doctor needs new facts. That is 12 months after the insurer's denial.",
    "next_appeal": "Appeal to the Workers' Compensation Appeals Board (WCAB). You must file a "
    "written appeal, signed under oath, within 30 days of the date this letter was mailed.",
    "next_appeal_dated": "To be safe, file by {date}. That is 30 days after the decision date.",
    "next_appeal_grounds": "An appeal can only win for one of 5 reasons: the state acted "
    "beyond its power; fraud; the reviewer had a conflict of interest; bias, such as about "
    "race, sex, age, religion or disability; or a plain mistake of fact that anyone could see.",
    "next_appeal_limits": "A different medical opinion is not enough. If you win, you do not "
    "get the care right away. A new reviewer looks at the case again.",
    "next_overturned": "Your insurer must approve the approved care within 5 working days of "
    "getting this decision. It must tell you and your doctor.",
    "next_overturned_paid": "For care you already had, the insurer must pay within 20 days.",
    "next_overturned_late": "If the insurer is late, call your claims adjuster. You can also "
    "call for free help.",
    "help_ia": "Free help: call the state's Information and Assistance (I&A) unit at "
    "1-800-736-7401. An I&A officer can explain your choices and call your adjuster.",
    "help_lawyer": "An I&A officer cannot be your lawyer. You can hire a workers' comp lawyer "
    "if you want one.",
    "help_cost": "IMR is free for you. Your employer pays for it.",
    "notice": "This explains your official IMR letter in plain words. It is not legal advice. "
    "If anything here differs from the letter, the letter is what counts.",
    "deadline_appeal": "Last day to appeal to the WCAB (to be safe)",
    "deadline_authorization": "Insurer must approve the care by about",
    "deadline_payment": "Insurer must pay for care you already had by about",
    "deadline_new_request": "Until this date, asking again for the same care needs new facts",
    "heading_items": "What was decided",
    "heading_next": "What you can do next",
    "heading_deadlines": "Dates to know",
    "heading_help": "Where to get help",
    "heading_glossary": "Words in your letter",
    "label_outcome": "Result",
    "label_todo": "What you can do",
    "label_asked": "Asked for",
    "no_date": "date not in the letter",
    "list_and": "and",
}

PHRASES: dict[Lang, dict[str, str]] = {"en": EN}


def phrases(lang: Lang) -> dict[str, str]:
    return PHRASES.get(lang, EN)
