"""A card's title: the care in plain words, with the body part ("MRI scan of your right shoulder").

Only words the vocabulary knows are translated; anything else keeps the letter's own name of the
care (a medicine's brand, a rare test), so a title never claims more than the request says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from imr_llm import regex_cache
from imr_llm.schema import Category, Lang


@dataclass(frozen=True)
class Care:
    pattern: re.Pattern[str]
    en: str
    es: str
    of: bool = True
    """True: "<care> of your <part>"; False: "<care> for your <part>"."""


def _c(pattern: str, en: str, es: str, *, of: bool = True) -> Care:
    return Care(regex_cache.compile(pattern, re.I), en, es, of)


# The more specific first. Spanish names use DWC's and everyday Latin American terms.
CARE: tuple[Care, ...] = (
    _c(
        r"inpatient rehab",
        "A stay in a rehab hospital",
        "Una estadía en un hospital de rehabilitación",
        of=False,
    ),
    _c(r"carpal tunnel release", "Carpal tunnel surgery", "Cirugía del túnel carpiano", of=False),
    _c(
        r"arthroscop",
        "Surgery through small cuts (arthroscopy)",
        "Cirugía con cortes pequeños (artroscopia)",
        of=False,
    ),
    _c(
        r"open reduction|internal fixation",
        "Surgery to set and fix a broken bone",
        "Cirugía para acomodar y fijar un hueso roto",
        of=False,
    ),
    _c(r"assistant surgeon", "An assistant surgeon", "Un cirujano asistente", of=False),
    _c(
        r"medical clearance", "A check-up before surgery", "Un examen antes de la cirugía", of=False
    ),
    _c(r"chest x-?ray", "Chest X-ray", "Radiografía del pecho"),
    _c(r"\bEKG\b|\bECG\b", "Heart test (EKG)", "Prueba del corazón (electrocardiograma)"),
    _c(r"urinalysis|\bUA\b", "Urine test", "Análisis de orina"),
    _c(
        r"urine (?:drug )?(?:test|screen)|drug (?:test|screen)",
        "Urine drug test",
        "Prueba de drogas en la orina",
    ),
    _c(r"\blabs?\b", "Lab test", "Análisis de laboratorio"),
    _c(r"\bMRI\b|magnetic resonance", "MRI scan", "Resonancia magnética (MRI)"),
    _c(r"\bCT\b|CAT scan", "CT scan", "Tomografía (CT)"),
    _c(r"x-?rays?\b", "X-ray", "Radiografía"),
    _c(
        r"\bEMG\b(?=.*(?:\bNCV\b|\bNCS\b|nerve conduction))|(?:\bNCV\b|\bNCS\b|nerve conduction)"
        r"(?=.*\bEMG\b)",
        "Nerve and muscle test (EMG/NCV)",
        "Prueba de nervios y músculos (EMG/NCV)",
        of=False,
    ),
    _c(r"\bEMG\b|electromyogra", "Muscle test (EMG)", "Prueba de los músculos (EMG)", of=False),
    _c(
        r"\bNCV\b|\bNCS\b|nerve conduction",
        "Nerve test (NCV)",
        "Prueba de los nervios (NCV)",
        of=False,
    ),
    _c(
        r"\bSSEP\b", "Nerve signal test (SSEP)", "Prueba de señales de los nervios (SSEP)", of=False
    ),
    _c(
        r"electroencephalogram|\bEEG\b",
        "Brain wave test (EEG)",
        "Prueba de ondas del cerebro (EEG)",
        of=False,
    ),
    _c(
        r"functional capacity",
        "Test of what you can do physically (FCE)",
        "Prueba de lo que usted puede hacer físicamente (FCE)",
        of=False,
    ),
    _c(
        r"epidural",
        "Steroid shot in the spine (epidural)",
        "Inyección de esteroides en la columna (epidural)",
        of=False,
    ),
    _c(
        r"facet",
        "Shot in the spine joints (facet injection)",
        "Inyección en las articulaciones de la columna (facetas)",
        of=False,
    ),
    _c(
        r"platelet",
        "Shot of your own blood plasma (PRP)",
        "Inyección de plasma de su propia sangre (PRP)",
        of=False,
    ),
    _c(r"occupational therapy", "Occupational therapy", "Terapia ocupacional", of=False),
    _c(r"physical therapy|\bPT\b", "Physical therapy", "Terapia física", of=False),
    _c(r"infrared", "Infrared heat therapy", "Terapia de calor infrarrojo", of=False),
    _c(r"manual therapy", "Hands-on (manual) therapy", "Terapia manual", of=False),
    _c(r"therapeutic exercise", "Therapy exercises", "Ejercicios de terapia", of=False),
    _c(r"biofeedback", "Biofeedback", "Biorretroalimentación (biofeedback)", of=False),
    _c(r"acupuncture", "Acupuncture", "Acupuntura", of=False),
    _c(
        r"(?:re-?\s?)?(?:exam\w*|evaluation|assessment|consultation)\s+(?:\w+\s+){0,2}"
        r"chiropract|chiropract\w*\s+(?:re-?\s?)?(?:exam\w*|evaluation|assessment|consultation)",
        "Exam by a chiropractor",
        "Examen con un quiropráctico",
        of=False,
    ),
    _c(r"chiropract|\bchiro\b|spinal manipulation", "Chiropractic care", "Quiropráctica", of=False),
    _c(r"shockwave", "Shockwave treatment", "Tratamiento con ondas de choque", of=False),
    _c(r"ultrasound", "Ultrasound treatment", "Tratamiento con ultrasonido", of=False),
    _c(
        r"electrical (?:muscle )?stimulation|\bEMS\b",
        "Electrical stimulation",
        "Estimulación eléctrica",
        of=False,
    ),
    _c(
        r"\bTENS\b",
        "TENS unit (a small pain device)",
        "Unidad TENS (un aparato pequeño para el dolor)",
        of=False,
    ),
    _c(
        r"psychotherapy", "Talk therapy (psychotherapy)", "Terapia hablada (psicoterapia)", of=False
    ),
    _c(r"wheelchair", "Wheelchair", "Silla de ruedas", of=False),
    _c(r"hospital bed", "Hospital bed", "Cama de hospital", of=False),
    _c(r"hearing aid", "Hearing aids", "Aparatos para oír", of=False),
    _c(r"shower chair", "Shower chair", "Silla para la ducha", of=False),
    _c(r"commode", "Bedside toilet chair (commode)", "Inodoro portátil", of=False),
    _c(r"brace", "Brace", "Férula o soporte", of=False),
    _c(r"(?:lumbar|cervical)\s+support", "Support", "Soporte", of=False),
    _c(r"(?:cervical|neck)\s+pillow", "Pillow", "Almohada", of=False),
    _c(r"wedge pillow", "Wedge pillow", "Almohada en cuña", of=False),
    _c(
        r"sit[\s-]+(?:to[\s-]+)?stand|standing desk",
        "A desk you can sit or stand at",
        "Un escritorio para trabajar sentado o de pie",
        of=False,
    ),
    _c(r"\bcream\b|ointment", "Cream for the skin", "Crema para la piel", of=False),
)

# (pattern, English, Spanish, Spanish adjective ending: "o" masculine, "a" feminine)
# A side word reaches over at most two words to its body part ("right total knee"), never
# over "and", "or" or "with" into the next one ("left trapezius and low back").
_SIDE = r"(?:\b(?P<side>right|left|bilateral|both)\s+(?:(?!(?:and|or|with)\b)\w+\s+){0,2})?"
PARTS: tuple[tuple[str, str, str, str], ...] = (
    (r"cervical(?: spine)?|\bneck\b|\bC\d", "neck", "cuello", "o"),
    (r"thoracic(?: spine)?|upper back", "upper back", "espalda media", "a"),
    (r"lumbar(?: spine)?|low(?:er)? back|\bL\d", "lower back", "espalda baja", "a"),
    # "neck, back" (CM17-0015198): the back, where the letter does not say which part.
    (r"(?<!upper )(?<!lower )(?<!low )(?<!mid )(?<!mid-)\bback\b", "back", "espalda", "a"),
    (r"shoulder", "shoulder", "hombro", "o"),
    (r"elbow", "elbow", "codo", "o"),
    (r"wrist", "wrist", "muñeca", "a"),
    (r"\bhand\b", "hand", "mano", "a"),
    (r"\bhead\b", "head", "cabeza", "a"),
    (r"\bhip\b", "hip", "cadera", "a"),
    (r"\bknee\b", "knee", "rodilla", "a"),
    (r"ankle", "ankle", "tobillo", "o"),
    (r"\bfoot\b", "foot", "pie", "o"),
    (r"lower extremit|\blegs?\b", "leg", "pierna", "a"),
    (r"upper extremit|\barms?\b|\b[RL]UE\b", "arm", "brazo", "o"),
)
_SIDE_CODE = {"RUE": "right", "LUE": "left"}
_PART_PATTERNS = tuple(regex_cache.compile(_SIDE + f"(?:{part[0]})", re.I) for part in PARTS)
"""Each of PARTS with the side before it, compiled once (not for each request)."""
_LEADING_WORDS = regex_cache.compile(
    r"^(?:post-?op(?:erative)?|two refills of|refills? of)\s+", re.I
)
_MEDICINE_NAME = regex_cache.compile(r"[A-Za-z][A-Za-z/\-]*(?:\s+(?:ER|XR|SR|CR|HCL|sodium))*")
_STRENGTH_OR_LIST = regex_cache.compile(r"\d+%|,")


def _parts(request: str, lang: Lang) -> list[str]:
    found: list[tuple[int, str]] = []
    for part, (_, en, es, ending) in zip(_PART_PATTERNS, PARTS, strict=True):
        match = part.search(request)
        if not match:
            continue
        side = (match.group("side") or "").lower() or _SIDE_CODE.get(match.group(0).upper(), "")
        limb = en in ("leg", "arm") and "bilateral" in request.lower()
        both = side in ("bilateral", "both") or limb
        if lang == "es":
            noun = f"ambas {es}s" if both and ending == "a" else f"ambos {es}s" if both else es
            adjective = {"right": f"derech{ending}", "left": f"izquierd{ending}"}.get(side, "")
            found.append((match.start(), f"{noun} {adjective}".strip()))
        else:
            noun = f"both {en}s" if both else f"{side} {en}".strip()
            found.append((match.start(), noun))
    return list(dict.fromkeys(name for _, name in sorted(found)))


def _list(names: list[str], lang: Lang) -> str:
    word = " y " if lang == "es" else " and "
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + word + names[-1]


def _possessive(names: list[str], lang: Lang) -> str:
    if lang == "en":
        first = f"both your {names[0][5:]}" if names[0].startswith("both ") else f"your {names[0]}"
        return _list([first, *names[1:]], lang)
    plural = names[0].startswith("amb")
    return _list(names, lang) if plural else "su " + _list(names, lang)


def _medicine(request: str) -> str | None:
    """The medicine's name as the letter writes it, without the dose ("Tramadol ER")."""
    name = _LEADING_WORDS.sub("", request)
    match = _MEDICINE_NAME.match(name)
    return match.group(0) if match and len(match.group(0)) > 2 else None


def plain_title(request: str, category: Category, lang: Lang, fallback: str) -> str:
    """The care in plain words; `fallback` (the category's plain name) when nothing is known."""
    care = next((c for c in CARE if c.pattern.search(request)), None)
    if care is None and category in ("pharmaceutical", "opioid"):
        name = _medicine(request)
        if name and not _STRENGTH_OR_LIST.search(request):
            return f"{name}: {fallback[0].lower()}{fallback[1:]}"
    if care is None:
        return fallback
    name = care.es if lang == "es" else care.en
    parts = _parts(request, lang)
    if not parts:
        return name
    if lang == "es":
        joiner = " de " if care.of else " para "
        possessive = _possessive(parts, lang)
        return name + joiner + possessive
    return f"{name} {'of' if care.of else 'for'} {_possessive(parts, lang)}"
