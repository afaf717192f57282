"""Treatment category from the request's wording: a table of rules, first match wins."""

from __future__ import annotations

import re

from imr_llm import regex_cache
from imr_llm.caseless import Caseless
from imr_llm.schema import Category

_OPIOIDS = (
    "norco|hydrocodone|oxycodone|oxycontin|percocet|endocet|roxicodone|tramadol|ultram|ultracet|"
    "synapryn|tapentadol|nucynta|morphine|ms ?contin|kadian|methadone|fentanyl|duragesic|"
    "hydromorphone|dilaudid|exalgo|codeine|tylenol (?:#|no\\.? ?)[34]|buprenorphine|butrans|"
    "belbuca|suboxone|oxymorphone|opana|vicodin|lortab|meperidine|demerol|levorphanol|"
    "hysingla|zohydro|xtampza|opioid|narcotic"
)
_DRUGS = (
    "gabapentin|neurontin|pregabalin|lyrica|cyclobenzaprine|flexeril|fexmid|tizanidine|zanaflex|"
    "baclofen|methocarbamol|robaxin|carisoprodol|soma|orphenadrine|norflex|metaxalone|skelaxin|"
    "ibuprofen|motrin|naproxen|naprosyn|anaprox|diclofenac|voltaren|celecoxib|celebrex|meloxicam|"
    "mobic|etodolac|nabumetone|ketoprofen|flurbiprofen|ketorolac|toradol|omeprazole|prilosec|"
    "pantoprazole|protonix|ranitidine|zantac|lansoprazole|esomeprazole|nexium|ondansetron|zofran|"
    "promethazine|duloxetine|cymbalta|amitriptyline|nortriptyline|venlafaxine|effexor|sertraline|"
    "zoloft|trazodone|fluoxetine|prozac|citalopram|escitalopram|lexapro|bupropion|wellbutrin|"
    "mirtazapine|zolpidem|ambien|eszopiclone|lunesta|temazepam|diazepam|valium|alprazolam|xanax|"
    "lorazepam|ativan|clonazepam|klonopin|topiramate|topamax|lidocaine|lidoderm|capsaicin|"
    "menthol|salicylate|terocin|flector|pennsaid|ketamine|butalbital|fioricet|sumatriptan|"
    "imitrex|docusate|colace|senna|senokot|prednisone|medrol|methylprednisolone|dexamethasone|"
    "acetaminophen|tylenol|aspirin|savella|nuvigil|modafinil|provigil|testosterone|vitamin|"
    "supplement|glucosamine|melatonin|theramine|sentra|gabadone|trepadone|deprizine|fanatrex|"
    "dicopanol|tabradol|ketophene|salonpas|lidopro|mentherm|medical food|compound|cream|gel\\b|ointment|lotion|patch|solution|"
    "suspension|tablet|capsule|refill|\\d\\s*(?:mg|mcg|ml|gm|g)\\b|#\\s*\\d|\\d\\s*%|medication|"
    "drug\\b|prescription|rx\\b"
)

# (category, pattern) in priority order. Words are matched case-insensitively in the request.
# A word that must start a word is written "M(?<!\w\w)RI" (its first letter, then a look-behind
# that no word letter stands before it), not "\bMRI": the same matches, and sre skips ahead to
# the letters that may start a match, which it cannot past a leading \b.
_RULES: tuple[tuple[Category, str], ...] = (
    (
        "surgery",
        r"medical clearance|pre-?op(?:erative)? clearance|assistant surgeon|surgical assist",
    ),
    ("imaging/diagnostic", r"functional capacity evaluation|F(?<!\w\w)CE\b"),
    ("opioid", _OPIOIDS),
    ("pharmaceutical", r"salonpas|lidoderm|p(?<!\w\w)atch(?:es)?\b|\d\s*%"),
    (
        "program (FRP/IOP)",
        r"functional restoration|F(?<!\w\w)RP\b|intensive outpatient|I(?<!\w\w)OP\b|work hardening|"
        r"work conditioning|inpatient rehab|rehabilitation program|pain program|detox|"
        r"H(?<!\w\w)ELP\b program|multidisciplinary",
    ),
    (
        "home health",
        r"home health|home care|caregiver|home assistance|a(?<!\w\w)ide\b|nursing care|"
        r"R(?<!\w\w)N\b|"
        r"L(?<!\w\w)VN\b|visiting nurse|wound care",
    ),
    (
        "imaging/diagnostic",
        r"M(?<!\w\w)RI\b|M(?<!\w\w)RA\b|C(?<!\w\w)T\b|CAT scan|x-?rays?\b|radiograph|"
        r"E(?<!\w\w)MG\b|N(?<!\w\w)CV\b|N(?<!\w\w)CS\b|"
        r"nerve conduction|electromyo|ultrasound(?<!pulsed ultrasound)(?! therapy)|sonogra|"
        r"bone scan|s(?<!\w\w)can\b|"
        r"l(?<!\w\w)abs?\b|laboratory|blood (?:test|work)|urine drug|drug screen|toxicology|"
        r"U(?<!\w\w)DS\b|"
        r"E(?<!\w\w)KG\b|E(?<!\w\w)CG\b|echocardiogram|sleep study|electroencephalogram|"
        r"E(?<!\w\w)EG\b|S(?<!\w\w)SEP\b|"
        r"videonystagmography|audiogram|arthrogram|discogram|myelogram|urinalysis|U(?<!\w\w)A\b|"
        r"C(?<!\w\w)BC\b|"
        r"panel|P(?<!\w\w)T/INR\b|genetic|D(?<!\w\w)NA\b|diagnostic|testing|t(?<!\w\w)est\b|"
        r"imaging|x-ray",
    ),
    (
        "injection",
        r"injection|epidural|E(?<!\w\w)SI\b|facet|nerve block|b(?<!\w\w)lock\b|radiofrequency|"
        r"ablation|"
        r"rhizotomy|trigger point|P(?<!\w\w)RP\b|platelet|botox|synvisc|hyaluron|cortisone|"
        r"steroid shot|"
        r"viscosupplement",
    ),
    (
        "surgery",
        r"surgery|surgical|ectomy|otomy|plasty|arthroscop|fusion|r(?<!\w\w)elease\b|repair|"
        r"reconstruction|O(?<!\w\w)RIF\b|open reduction|decompression|implant|hardware removal|"
        r"procedure",
    ),
    (
        "evaluation & management",
        r"consult|evaluation|re-?exam|office visit|follow-?up|referral|v(?<!\w\w)isit\b|assessment|"
        r"second opinion|E(?<!\w\w)&M\b|evaluate",
    ),
    (
        "psychological",
        r"psych|cognitive behavioral|C(?<!\w\w)BT\b|counsel|hypno|relaxation|biofeedback|"
        r"behavioral|"
        r"mental health|stress management",
    ),
    (
        "chiropractic/acupuncture",
        r"chiropract|c(?<!\w\w)hiro\b|acupunct|manipulation|C(?<!\w\w)MT\b",
    ),
    ("DME", r"T(?<!\w\w)ENS\b|H-?wave|interferential|u(?<!\w\w)nit\b|purchase|rental|rent\b"),
    (
        "physical therapy",
        r"physical therapy|physiotherapy|P(?<!\w\w)T\b|therapeutic exercise|manual therapy|massage|"
        r"aquatic|pool therapy|pulsed ultrasound|occupational therapy|O(?<!\w\w)T\b|shockwave|"
        r"E(?<!\w\w)SWT\b|"
        r"ultrasound therapy|electrical (?:muscle )?stimulation|E(?<!\w\w)MS\b|infrared|traction|"
        r"home exercise|physical medicine|rehab|therapy sessions|exercise",
    ),
    (
        "DME",
        r"brace|splint|orthotic|orthosis|cane\b|walker|wheelchair|scooter|commode|chair|"
        r"b(?<!\w\w)ed\b|"
        r"mattress|pillow|cold therapy|cryo|hot/cold|compression|pump|sling|wrap|garment|collar|"
        r"lumbar support|shoe|insole|hearing aid|hearing device|workstation|supplies|electrode|"
        r"batter(?:y|ies)|vascutherm|game ready|equipment|D(?<!\w\w)ME\b|device|support|pad\b|"
        r"kit\b",
    ),
    ("pharmaceutical", _DRUGS),
)


_COMPILED = tuple((category, Caseless(pattern)) for category, pattern in _RULES)
"""Each rule case-blind; on an ASCII request it runs as its lower-case twin on the lower-cased
request (caseless.Caseless): the same matches, about 2.5 times faster."""


_SERVICE_PREFIX = regex_cache.compile(r"^\s*Associated\s+surgical\s+services?\s*:\s*", re.I)


def categorize(request: str) -> Category:
    """The category of one disputed item, from its wording."""
    request = _SERVICE_PREFIX.sub("", request)
    low = request.lower()
    for category, rule in _COMPILED:
        if rule.search(request, low):
            return category
    return "other"
