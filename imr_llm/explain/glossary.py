"""A short glossary: only the terms that appear in this letter (or in our explanation of it)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from imr_llm import regex_cache
from imr_llm.schema import GlossaryEntry, Lang


@dataclass(frozen=True)
class Term:
    pattern: re.Pattern[str]
    term: dict[Lang, str]
    meaning: dict[Lang, str]


def _t(pattern: str, en_term: str, en: str, es_term: str, es: str) -> Term:
    return Term(regex_cache.compile(pattern), {"en": en_term, "es": es_term}, {"en": en, "es": es})


TERMS: tuple[Term, ...] = (
    _t(
        r"\bIMR\b|Independent Medical Review",
        "IMR (Independent Medical Review)",
        "A review of the insurer's denial by an outside doctor. The doctor reads your records but "
        "does not examine you.",
        "IMR (Revisión Médica Independiente)",
        "Un médico de afuera revisa la negación del seguro. Lee sus expedientes, pero no lo "
        "examina.",
    ),
    _t(
        r"\bUpheld\b",
        "Upheld",
        "The reviewer agreed with the denial. The denial stands.",
        "Upheld (confirmada)",
        "El revisor estuvo de acuerdo con la negación. La negación sigue.",
    ),
    _t(
        r"\bOverturned\b",
        "Overturned",
        "The reviewer disagreed with the denial. The insurer must approve the care.",
        "Overturned (revocada)",
        "El revisor no estuvo de acuerdo con la negación. El seguro debe aprobar el cuidado.",
    ),
    _t(
        r"\bUR\b|[Uu]tilization [Rr]eview",
        "UR (utilization review)",
        "The insurer's check of a treatment request. A doctor working for the insurer decides.",
        "UR (revisión de utilización)",
        "La revisión que hace el seguro de un pedido de tratamiento. Decide un médico del seguro.",
    ),
    _t(
        r"\bMTUS\b",
        "MTUS",
        "California's official rulebook for treating work injuries.",
        "MTUS",
        "Las reglas oficiales de California para tratar lesiones de trabajo.",
    ),
    _t(
        r"\bACOEM\b",
        "ACOEM",
        "Guidelines from doctors who treat work injuries. They are part of the MTUS.",
        "ACOEM",
        "Guías de médicos que tratan lesiones de trabajo. Son parte de las MTUS.",
    ),
    _t(
        r"\bODG\b|Official Disability Guidelines",
        "ODG (Official Disability Guidelines)",
        "A private set of treatment guidelines. Reviewers use it when the MTUS does not cover "
        "something.",
        "ODG (Guías Oficiales de Discapacidad)",
        "Guías privadas de tratamiento. Se usan cuando las MTUS no cubren algo.",
    ),
    _t(
        r"Chronic Pain Medical Treatment",
        "Chronic Pain Medical Treatment Guidelines",
        "The part of the MTUS about pain that lasts a long time.",
        "Guías de tratamiento del dolor crónico",
        "La parte de las MTUS sobre el dolor que dura mucho tiempo.",
    ),
    _t(
        r"[Mm]edically necessary",
        "Medically necessary",
        "Needed to treat or relieve your work injury, judged by the MTUS first.",
        "Médicamente necesario",
        "Necesario para tratar o aliviar su lesión de trabajo, según las MTUS primero.",
    ),
    _t(
        r"[Ff]unctional improvement",
        "Functional improvement",
        "Gains you can measure, like doing more at home or at work, or needing less care.",
        "Mejoría funcional",
        "Avances que se pueden medir, como hacer más en casa o en el trabajo, o necesitar menos "
        "cuidado.",
    ),
    _t(
        r"[Rr]ed[\s-]flag",
        "Red flag",
        "A sign of a serious problem.",
        "Señal de alarma",
        "Una señal de un problema serio.",
    ),
    _t(
        r"[Cc]onservative (?:care|treatment|therapy)",
        "Conservative care",
        "Simpler treatments tried before tests or surgery, like rest, medicine or therapy.",
        "Cuidado conservador",
        "Tratamientos más simples que se prueban antes de exámenes o cirugía, como descanso, "
        "medicina o terapia.",
    ),
    _t(
        r"[Cc]laims [Aa]dministrator",
        "Claims administrator",
        "Your employer's insurer or the company that handles your claim.",
        "Administrador de reclamos",
        "La aseguradora de su empleador o la compañía que maneja su reclamo.",
    ),
    _t(
        r"[Rr]etrospective|\bDOS\b",
        "Retrospective",
        "About care you already received, on the date of service (DOS).",
        "Retrospectivo",
        "Sobre cuidado que usted ya recibió, en la fecha de servicio (DOS).",
    ),
    _t(
        r"original request|[Mm]odified",
        "Modified",
        "The insurer approved only part of what your doctor asked for.",
        "Modificado",
        "El seguro aprobó solo una parte de lo que pidió su médico.",
    ),
    _t(
        r"\bWCAB\b|Appeals Board",
        "WCAB (Workers' Compensation Appeals Board)",
        "The judges who decide workers' comp disputes. They hear IMR appeals.",
        "WCAB (Junta de Apelaciones de Compensación de Trabajadores)",
        "Los jueces que deciden disputas de compensación de trabajadores. Escuchan las "
        "apelaciones de IMR.",
    ),
    _t(
        r"\bMRI\b",
        "MRI",
        "A scan that takes detailed pictures inside the body.",
        "MRI (resonancia magnética)",
        "Un estudio que toma imágenes detalladas del cuerpo.",
    ),
    _t(
        r"\bCT\b",
        "CT scan",
        "A scan that uses X-rays to make detailed pictures.",
        "CT (tomografía)",
        "Un estudio con rayos X que hace imágenes detalladas.",
    ),
    _t(
        r"\bEMG\b|\bNCV\b|\bNCS\b|[Nn]erve conduction",
        "EMG / NCV",
        "Tests of how well your muscles and nerves carry electric signals.",
        "EMG / NCV",
        "Pruebas de cómo sus músculos y nervios llevan señales eléctricas.",
    ),
    _t(
        r"\bTENS\b",
        "TENS unit",
        "A small device that sends mild electric pulses through the skin for pain.",
        "Unidad TENS",
        "Un aparato pequeño que manda pulsos eléctricos suaves por la piel para el dolor.",
    ),
    _t(
        r"\bNSAIDs?\b",
        "NSAID",
        "An anti-inflammatory pain medicine, like ibuprofen.",
        "AINE (NSAID)",
        "Una medicina antiinflamatoria para el dolor, como el ibuprofeno.",
    ),
    _t(
        r"[Oo]pioid",
        "Opioid",
        "A strong pain medicine that can cause dependence.",
        "Opioide",
        "Una medicina fuerte para el dolor que puede causar dependencia.",
    ),
    _t(
        r"[Cc]ompound(?:ed)?\b",
        "Compounded medicine",
        "A medicine a pharmacy mixes from several drugs, often a cream.",
        "Medicina compuesta",
        "Una medicina que la farmacia mezcla de varios medicamentos, muchas veces una crema.",
    ),
    _t(
        r"[Rr]adicul",
        "Radiculopathy",
        "Pain, numbness or weakness from a pinched nerve in the spine.",
        "Radiculopatía",
        "Dolor, entumecimiento o debilidad por un nervio apretado en la columna.",
    ),
    _t(
        r"\bPT\b|[Pp]hysical therapy",
        "Physical therapy (PT)",
        "Exercise and hands-on treatment to help you move better.",
        "Terapia física (PT)",
        "Ejercicio y tratamiento con las manos para moverse mejor.",
    ),
    _t(
        r"[Aa]cupuncture",
        "Acupuncture",
        "Treatment with thin needles placed in the skin.",
        "Acupuntura",
        "Tratamiento con agujas delgadas en la piel.",
    ),
    _t(
        r"[Cc]hiropract",
        "Chiropractic care",
        "Treatment that moves the joints and spine by hand.",
        "Quiropráctica",
        "Tratamiento que mueve las articulaciones y la columna con las manos.",
    ),
    _t(
        r"\bDME\b|[Dd]urable medical equipment",
        "DME",
        "Medical equipment, like a brace or a cane.",
        "DME (equipo médico)",
        "Equipo médico, como un soporte o un bastón.",
    ),
    _t(
        r"[Ff]unctional [Rr]estoration|\bFRP\b",
        "Functional restoration program",
        "A team program to help with long-term pain and get back to activity.",
        "Programa de restauración funcional",
        "Un programa en equipo para el dolor de largo plazo y volver a la actividad.",
    ),
    _t(
        r"[Ee]pidural|[Ff]acet",
        "Spinal injection",
        "A shot of medicine into or near the spine to ease pain.",
        "Inyección en la columna",
        "Una inyección de medicina en o cerca de la columna para aliviar el dolor.",
    ),
    _t(
        r"\bCBT\b|[Cc]ognitive [Bb]ehavioral",
        "CBT",
        "Talk therapy that changes thoughts and habits.",
        "Terapia cognitivo-conductual (CBT)",
        "Terapia hablada que ayuda a cambiar pensamientos y hábitos.",
    ),
    _t(
        r"\bIOP\b|[Ii]ntensive [Oo]utpatient",
        "Intensive outpatient program (IOP)",
        "Several hours of therapy a day while you live at home.",
        "Programa intensivo ambulatorio (IOP)",
        "Varias horas de terapia al día mientras usted vive en su casa.",
    ),
)


MAX_TERMS = 3


def build_glossary(*texts: str, lang: Lang = "en") -> list[GlossaryEntry]:
    """The terms used in `texts` (the items' reasons, quotes and context), at most MAX_TERMS,
    skipping a term a quote already explains in brackets."""
    joined = "\n".join(texts)
    return [
        GlossaryEntry(term=t.term[lang], meaning=t.meaning[lang])
        for t in TERMS
        if (match := t.pattern.search(joined)) and not joined[match.end() :].startswith(" [")
    ][:MAX_TERMS]
