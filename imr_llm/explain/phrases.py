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
    "timeline_injury": "Date of injury",
    "timeline_ur_denial": "Insurer's denial (utilization review)",
    "timeline_imr_application": "IMR application received",
    "timeline_imr_decision": "IMR decision",
    "timeline_appeal": "Last day to appeal to the WCAB (to be safe)",
    "timeline_authorization": "Insurer must approve the care (about)",
    "timeline_payment": "Insurer must pay for care you already had (about)",
    "timeline_new_request": "Until this date, asking again for the same care needs new facts",
    "heading_timeline": "Dates that matter",
    "badge_upheld": "Denial stands",
    "quote_label": "In the reviewer's own words:",
    "badge_overturned": "Approved by the reviewer",
    "letter_words": "In the letter",
    "reasons_heading": "The reviewer's main reasons",
    "todo_heading": "What you can do",
    "call": "Call",
    "skip": "Skip to the decisions",
    "cat_pharmaceutical": "A medicine",
    "cat_opioid": "An opioid pain medicine",
    "cat_physical therapy": "Physical therapy",
    "cat_chiropractic/acupuncture": "Chiropractic care or acupuncture",
    "cat_psychological": "Mental health care",
    "cat_imaging/diagnostic": "A scan or a test",
    "cat_injection": "A shot (injection)",
    "cat_surgery": "Surgery or care that goes with it",
    "cat_DME": "Medical equipment",
    "cat_evaluation & management": "A doctor visit",
    "cat_program (FRP/IOP)": "A treatment program",
    "cat_home health": "Care at home",
    "cat_other": "Other care",
}

ES: dict[str, str] = {
    "title": "Su decisión de IMR, en palabras sencillas",
    "case_line": "Caso {case_number}. Fecha de la decisión: {decision_date}.",
    "all_upheld": "El revisor no aprobó ninguno de los cuidados de esta carta.",
    "all_overturned": "El revisor aprobó todos los cuidados de esta carta.",
    "mixed": "El revisor aprobó algunos cuidados y otros no.",
    "intro": "Un médico de afuera revisó la negación de su aseguradora. Esto es lo que decidió "
    "sobre cada cosa que pidió su médico.",
    "outcome_upheld": "La negación sigue (Upheld). No recibirá este cuidado con este pedido.",
    "outcome_overturned": "Aprobado por el revisor (Overturned). La aseguradora ahora debe "
    "aprobar este cuidado.",
    "outcome_overturned_retro": "Aprobado por el revisor (Overturned). La aseguradora debe pagar "
    "este cuidado.",
    "part_of": "parte del pedido de",
    "modified": "Su aseguradora ya había aprobado una parte del pedido: {authorized}. Esta "
    "decisión es sobre el resto.",
    "retro": "Esto es sobre cuidado que usted ya recibió.",
    "retro_dated": "Esto es sobre cuidado que usted ya recibió el {dates}.",
    "why": "Por qué:",
    "quote": 'El revisor escribió (en inglés): "{quote}"',
    "fallback_upheld": "El revisor decidió que sus expedientes no muestran que necesite este "
    "cuidado según las guías de tratamiento.",
    "fallback_overturned": "El revisor decidió que usted necesita este cuidado para su lesión.",
    "todo_upheld": "Su médico puede mandar un nuevo pedido si algo ha cambiado.",
    "todo_upheld_missing": "El nuevo pedido debe mostrar: {missing}.",
    "todo_upheld_appeal": 'También puede apelar. Vea "Lo que puede hacer ahora".',
    "todo_overturned": "Su aseguradora debe aprobar esto dentro de 5 días hábiles después de "
    "recibir la decisión.",
    "todo_overturned_dated": "Su aseguradora debe aprobar esto dentro de 5 días hábiles después "
    "de recibir la decisión, más o menos el {date}.",
    "todo_overturned_paid": "Usted ya recibió este cuidado, así que la aseguradora debe pagarlo "
    "dentro de 20 días después de recibir la decisión.",
    "todo_overturned_paid_dated": "Usted ya recibió este cuidado, así que la aseguradora debe "
    "pagarlo dentro de 20 días después de recibir la decisión, más o menos el {date}.",
    "next_new_request": "Pida otra vez con datos nuevos. Su médico puede mandar un nuevo pedido "
    "si su condición o su tratamiento cambió. El nuevo pedido debe corregir lo que el revisor "
    "dijo que faltaba.",
    "next_new_request_dated": "Hasta el {date}, un nuevo pedido del mismo cuidado del mismo "
    "médico necesita datos nuevos. Eso es 12 meses después de la negación de la aseguradora.",
    "next_appeal": "Apele ante la Junta de Apelaciones de Compensación de Trabajadores (WCAB). "
    "Debe presentar una apelación por escrito, firmada bajo juramento, dentro de 30 días de la "
    "fecha en que se envió esta carta.",
    "next_appeal_dated": "Para estar seguro, preséntela a más tardar el {date}. Eso es 30 días "
    "después de la fecha de la decisión.",
    "next_appeal_grounds": "Una apelación solo puede ganar por una de 5 razones: el estado actuó "
    "fuera de su poder; fraude; el revisor tenía un conflicto de interés; prejuicio, por ejemplo "
    "por raza, sexo, edad, religión o discapacidad; o un error claro de hechos que cualquiera "
    "puede ver.",
    "next_appeal_limits": "Una opinión médica diferente no basta. Si gana, no recibe el cuidado "
    "enseguida. Otro revisor vuelve a estudiar el caso.",
    "next_overturned": "Su aseguradora debe aprobar el cuidado aprobado dentro de 5 días hábiles "
    "después de recibir esta decisión. Debe avisarle a usted y a su médico.",
    "next_overturned_paid": "Por el cuidado que ya recibió, la aseguradora debe pagar dentro de "
    "20 días.",
    "next_overturned_late": "Si la aseguradora se atrasa, llame a su ajustador de reclamos. "
    "También puede pedir ayuda gratis.",
    "help_ia": "Ayuda gratis: llame a la unidad de Información y Asistencia (I&A) del estado al "
    "1-800-736-7401. Un oficial de I&A puede explicarle sus opciones y llamar a su ajustador.",
    "help_lawyer": "Un oficial de I&A no puede ser su abogado. Usted puede contratar a un abogado "
    "de compensación de trabajadores si quiere.",
    "help_cost": "La IMR es gratis para usted. La paga su empleador.",
    "notice": "Esto explica su carta oficial de IMR en palabras sencillas. No es consejo legal. "
    "Si algo aquí es diferente de la carta, lo que vale es la carta.",
    "deadline_appeal": "Último día para apelar ante la WCAB (para estar seguro)",
    "deadline_authorization": "La aseguradora debe aprobar el cuidado más o menos para el",
    "deadline_payment": "La aseguradora debe pagar el cuidado que ya recibió más o menos para el",
    "deadline_new_request": "Hasta esta fecha, pedir otra vez el mismo cuidado necesita datos "
    "nuevos",
    "heading_items": "Lo que se decidió",
    "heading_next": "Lo que puede hacer ahora",
    "heading_deadlines": "Fechas importantes",
    "heading_help": "Dónde pedir ayuda",
    "heading_glossary": "Palabras de su carta",
    "label_outcome": "Resultado",
    "label_todo": "Lo que puede hacer",
    "label_asked": "Se pidió",
    "no_date": "la carta no da la fecha",
    "list_and": "y",
    "timeline_injury": "Fecha de la lesión",
    "timeline_ur_denial": "Negación de la aseguradora (revisión de utilización)",
    "timeline_imr_application": "Se recibió la solicitud de IMR",
    "timeline_imr_decision": "Decisión de IMR",
    "timeline_appeal": "Último día para apelar ante la WCAB (para estar seguro)",
    "timeline_authorization": "La aseguradora debe aprobar el cuidado (más o menos)",
    "timeline_payment": "La aseguradora debe pagar el cuidado que ya recibió (más o menos)",
    "timeline_new_request": "Hasta esta fecha, pedir otra vez el mismo cuidado necesita datos "
    "nuevos",
    "heading_timeline": "Fechas importantes",
    "badge_upheld": "La negación sigue",
    "quote_label": "En las palabras del revisor (en inglés):",
    "badge_overturned": "Aprobado por el revisor",
    "letter_words": "En la carta",
    "reasons_heading": "Las razones principales del revisor",
    "todo_heading": "Lo que puede hacer",
    "call": "Llame al",
    "skip": "Ir a las decisiones",
    "cat_pharmaceutical": "Una medicina",
    "cat_opioid": "Una medicina opioide para el dolor",
    "cat_physical therapy": "Terapia física",
    "cat_chiropractic/acupuncture": "Quiropráctica o acupuntura",
    "cat_psychological": "Cuidado de salud mental",
    "cat_imaging/diagnostic": "Un estudio o una prueba",
    "cat_injection": "Una inyección",
    "cat_surgery": "Cirugía o cuidado que va con ella",
    "cat_DME": "Equipo médico",
    "cat_evaluation & management": "Una consulta médica",
    "cat_program (FRP/IOP)": "Un programa de tratamiento",
    "cat_home health": "Cuidado en casa",
    "cat_other": "Otro cuidado",
}

PHRASES: dict[Lang, dict[str, str]] = {"en": EN, "es": ES}


def phrases(lang: Lang) -> dict[str, str]:
    return PHRASES.get(lang, EN)
