"""Every fixed sentence of the explanation, per language. Short sentences, everyday words.

Placeholders in braces are filled by writer.py. Numbers here are legal facts from facts.py.
"""

from __future__ import annotations

from imr_llm.schema import Lang

EN: dict[str, str] = {
    "title": "Your IMR decision, in plain words",
    "partial": "Part of the care was approved by your insurer. The reviewer did not approve "
    "the rest.",
    "outcome_upheld_rest": "Denial stands (Upheld) for the rest.",
    "modified_known": "You asked for {original}. Your insurer already approved {authorized} - you "
    "keep that. The review decided the rest: {request}.",
    "modified_unknown": "You asked for {original}. The review decided only part of it: {request}.",
    "modified_whole": "Your insurer already approved {authorized} - you keep that. The review "
    "decided on the whole request: {request}.",
    "modified_whole_approved": "Your insurer had approved {authorized} instead. The review "
    "decided on the whole request: {request}.",
    "retro_billing": "A doctor may not bill you for care known to be work-related.",
    "safety_letter": 'The letter says: "{note}"',
    "safety_plain": "If you take this medicine, do not stop it suddenly on your own. Stopping "
    "fast can cause serious withdrawal. Talk with your doctor first about lowering the dose "
    "slowly.",
    "lacks_quantity": "the amount",
    "lacks_frequency": "how often",
    "lacks_duration": "for how long",
    "lacks_body part": "the body part",
    "lacks_test names": "the names of the tests",
    "lacks_strength": "the strength of the medicine",
    "kind_incomplete": "The request did not give {lacks}.",
    "kind_incomplete_any": "The request left out details the reviewer needed.",
    "fix_incomplete": "Your doctor can send the request again with {lacks}.",
    "fix_incomplete_any": "Your doctor can send the request again with the missing details.",
    "kind_authorized": "The letter says this care was already approved, so this request was "
    "not needed.",
    "fix_authorized": "You already have approval for this care. Use that approval.",
    "kind_goes_with": "This depends on item {number}, which was not approved.",
    "kind_limit": "The request was for more than the guideline allows.",
    "limit": 'The guideline limit, in the letter\'s words: "{limit}".',
    "count": 'Already done, in the letter\'s words: "{count}".',
    "fix_missing": "A new request should show: {missing}.",
    "quote_guideline": 'The guideline, as the letter quotes it, says: "{quote}"',
    "quote_letter": 'The letter says: "{quote}"',
    "condition_recheck": "The reviewer says this should be checked again after {when}.",
    "condition_quote": 'The reviewer adds: "{quote}"',
    "same_reasons": "Why: the same reasons as item {number}.",
    "same_list": "Why: the reasons listed under item {number}.",
    "same_todo": "The same as item {number}.",
    "grouped": "Care that goes with item {number} and was not approved with it:",
    "passed": "{what}: {date}. This date has passed (today is {today}).",
    "read_by_ocr": "This letter was read from a picture of the paper. Check every date and "
    "every decision here against your paper letter.",
    "passed_appeal": "The safe date to appeal has passed. Call I&A now to ask what you can "
    "still do.",
    "checklist_intro": "What the appeal must have:",
    "about_date": "That is about {date}.",
    "checklist_by": "File it with the WCAB by {date} to be safe. That is 30 days after the "
    "decision date.",
    "checklist_by_moved": "File it with the WCAB by {date} to be safe. That is 30 days after "
    "the decision date, moved back to a working day.",
    "checklist_caption": 'The title "{caption}".',
    "checklist_verified": "Signed under oath (verified). If not, it can be dismissed.",
    "checklist_numbers": "Your ADJ and IMR case numbers (IMR: {case_number}).",
    "checklist_numbers_no_case": "Your ADJ and IMR case numbers.",
    "checklist_grounds": "Every reason for the appeal, in detail. A reason left out is lost.",
    "checklist_serve": "A copy served on the other parties and on the DWC IMR Unit.",
    "checklist_where": "Filed with the WCAB.",
    "case_line": "Case {case_number}. Decision date: {decision_date}.",
    "all_upheld": "The reviewer did not approve any of the care under review.",
    "all_overturned": "The reviewer approved all of the care under review.",
    "mixed": "The reviewer approved some of the care and not the rest.",
    "intro": "An outside doctor reviewed your insurer's denial.",
    "outcome_upheld": "Denial stands (Upheld): not approved.",
    "outcome_overturned": "Approved by the reviewer (Overturned).",
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
    "next_new_request": "Ask again: your doctor can send a new request that fixes what the "
    "reviewer said was missing.",
    "next_new_request_dated": "Until {date}, the same doctor's new request for the same care "
    "needs new facts. That is 12 months after the insurer's denial.",
    "next_appeal": "Appeal to the Workers' Compensation Appeals Board (WCAB) within 30 days "
    "of the date this letter was mailed.",
    "next_appeal_dated": "To be safe, file by {date}. That is 30 days after the decision date.",
    "next_appeal_grounds": "You can win only for one of 5 reasons: the state went beyond its "
    "power. Fraud. A conflict of interest. Bias, such as about race, sex, age or disability. "
    "A plain mistake of fact.",
    "next_appeal_limits": "A different medical opinion is not enough. A win sends your case "
    "to a new reviewer.",
    "next_overturned": "Your insurer must approve the approved care within 5 working days of "
    "getting this decision.",
    "next_overturned_unless": "It need not if it appeals, or if it disputes your claim on other "
    "grounds.",
    "next_overturned_paid": "For care you already had, the insurer must pay within 20 days. A "
    "doctor may not bill you for care known to be work-related.",
    "next_overturned_late": "If the insurer is late, call your claims adjuster or I&A.",
    "help_ia": "Free help: call Information and Assistance (I&A) at 1-800-736-7401.",
    "help_lawyer": "I&A cannot be your lawyer. You may hire one.",
    "help_cost": "IMR costs you nothing.",
    "notice": "This is not legal advice. If it differs from your letter, the letter counts.",
    "deadline_appeal": "Last day to appeal to the WCAB (to be safe)",
    "deadline_authorization": "Insurer must approve the care by about",
    "deadline_payment": "Insurer must pay for care you already had by about",
    "deadline_new_request": "Until this date, asking again for the same care needs new facts",
    "heading_items": "What was decided",
    "heading_next": "What you can do next",
    "heading_deadlines": "Dates to know",
    "heading_help": "Where to get help",
    "heading_glossary": "Words used here",
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
    "letter_label": "In the letter's words:",
    "guideline_label": "The guideline's words, as the letter quotes them:",
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
    "partial": "Su aseguradora aprobó una parte del cuidado. El revisor no aprobó el resto.",
    "outcome_upheld_rest": "La negación sigue (Upheld) para el resto.",
    "modified_known": 'Se pidió (en inglés) "{original}". Su aseguradora ya aprobó '
    '"{authorized}": eso es suyo. La revisión decidió el resto: "{request}".',
    "modified_unknown": 'Se pidió (en inglés) "{original}". La revisión decidió solo una parte: '
    '"{request}".',
    "modified_whole": 'Su aseguradora ya aprobó (en inglés) "{authorized}": eso es suyo. La '
    'revisión decidió sobre todo el pedido: "{request}".',
    "modified_whole_approved": "Su aseguradora había aprobado en su lugar (en inglés) "
    '"{authorized}". La revisión decidió sobre todo el pedido: "{request}".',
    "retro_billing": "Un médico no le puede cobrar a usted por cuidado que se sabe que es por "
    "su trabajo.",
    "safety_letter": 'La carta dice (en inglés): "{note}"',
    "safety_plain": "Si usted toma esta medicina, no la deje de golpe por su cuenta. Dejarla "
    "rápido puede causar una abstinencia grave. Hable antes con su médico para bajar la dosis "
    "poco a poco.",
    "lacks_quantity": "la cantidad",
    "lacks_frequency": "cada cuánto",
    "lacks_duration": "por cuánto tiempo",
    "lacks_body part": "la parte del cuerpo",
    "lacks_test names": "los nombres de las pruebas",
    "lacks_strength": "la dosis de la medicina",
    "kind_incomplete": "El pedido no dio {lacks}.",
    "kind_incomplete_any": "Al pedido le faltaron datos que el revisor necesitaba.",
    "fix_incomplete": "Su médico puede mandar el pedido otra vez con {lacks}.",
    "fix_incomplete_any": "Su médico puede mandar el pedido otra vez con los datos que faltan.",
    "kind_authorized": "La carta dice que este cuidado ya estaba aprobado, así que este pedido "
    "no hacía falta.",
    "fix_authorized": "Usted ya tiene la aprobación de este cuidado. Use esa aprobación.",
    "kind_goes_with": "Esto depende del punto {number}, que no se aprobó.",
    "kind_limit": "Se pidió más de lo que permite la guía.",
    "limit": 'El límite de la guía, con las palabras de la carta (en inglés): "{limit}".',
    "count": 'Lo que ya se hizo, con las palabras de la carta (en inglés): "{count}".',
    "fix_missing": "Un nuevo pedido debe mostrar: {missing}.",
    "quote_guideline": 'La guía, como la cita la carta, dice (en inglés): "{quote}"',
    "quote_letter": 'La carta dice (en inglés): "{quote}"',
    "condition_recheck": "El revisor dice que esto se debe revisar otra vez después de {when}.",
    "condition_quote": 'El revisor agrega (en inglés): "{quote}"',
    "same_reasons": "Por qué: las mismas razones que el punto {number}.",
    "same_list": "Por qué: las razones listadas en el punto {number}.",
    "same_todo": "Lo mismo que el punto {number}.",
    "grouped": "Cuidado que va con el punto {number} y que no se aprobó con él:",
    "passed": "{what}: {date}. Esta fecha ya pasó (hoy es {today}).",
    "read_by_ocr": "Esta carta se leyó de una foto del papel. Compare cada fecha y cada "
    "decisión con su carta en papel.",
    "passed_appeal": "La fecha segura para apelar ya pasó. Llame hoy a I&A para saber qué "
    "puede hacer todavía.",
    "checklist_intro": "Lo que debe tener la apelación:",
    "about_date": "Eso es más o menos el {date}.",
    "checklist_by": "Preséntela ante la WCAB a más tardar el {date}, para estar seguro. Eso es "
    "30 días después de la fecha de la decisión.",
    "checklist_by_moved": "Preséntela ante la WCAB a más tardar el {date}, para estar seguro. "
    "Eso es 30 días después de la fecha de la decisión, pasado al día hábil de antes.",
    "checklist_caption": 'El título "{caption}".',
    "checklist_verified": "Firmada bajo juramento (verificada). Si no, la pueden rechazar.",
    "checklist_numbers": "Sus números de caso ADJ e IMR (IMR: {case_number}).",
    "checklist_numbers_no_case": "Sus números de caso ADJ e IMR.",
    "checklist_grounds": "Cada razón de la apelación, con detalle. Una razón que no ponga se "
    "pierde.",
    "checklist_serve": "Una copia notificada a las otras partes y a la Unidad de IMR de la DWC.",
    "checklist_where": "Presentada ante la WCAB.",
    "case_line": "Caso {case_number}. Fecha de la decisión: {decision_date}.",
    "all_upheld": "El revisor no aprobó ninguno de los cuidados en revisión.",
    "all_overturned": "El revisor aprobó todos los cuidados en revisión.",
    "mixed": "El revisor aprobó algunos cuidados y otros no.",
    "intro": "Un médico de afuera revisó la negación de su aseguradora.",
    "outcome_upheld": "La negación sigue (Upheld): no se aprobó.",
    "outcome_overturned": "Aprobado por el revisor (Overturned).",
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
    "next_new_request": "Pida otra vez: su médico puede mandar un nuevo pedido que corrija lo "
    "que el revisor dijo que faltaba.",
    "next_new_request_dated": "Hasta el {date}, un nuevo pedido del mismo médico para el mismo "
    "cuidado necesita datos nuevos. Eso es 12 meses después de la negación de la aseguradora.",
    "next_appeal": "Apele ante la Junta de Apelaciones de Compensación de Trabajadores (WCAB) "
    "dentro de 30 días de la fecha en que se envió esta carta.",
    "next_appeal_dated": "Para estar seguro, preséntela a más tardar el {date}. Eso es 30 días "
    "después de la fecha de la decisión.",
    "next_appeal_grounds": "Solo puede ganar por una de 5 razones: el estado fue más allá de "
    "su poder. Fraude. Un conflicto de interés. Prejuicio, por ejemplo por raza, sexo, edad o "
    "discapacidad. Un error claro de hechos.",
    "next_appeal_limits": "Una opinión médica diferente no basta. Si gana, su caso pasa a "
    "otro revisor.",
    "next_overturned": "Su aseguradora debe aprobar el cuidado aprobado dentro de 5 días "
    "hábiles después de recibir esta decisión.",
    "next_overturned_unless": "No tiene que hacerlo si apela, o si disputa su reclamo por otras "
    "razones.",
    "next_overturned_paid": "Por el cuidado que ya recibió, la aseguradora debe pagar dentro de "
    "20 días. Un médico no le puede cobrar a usted por cuidado que se sabe que es por su "
    "trabajo.",
    "next_overturned_late": "Si la aseguradora se atrasa, llame a su ajustador o a I&A.",
    "help_ia": "Ayuda gratis: llame a Información y Asistencia (I&A) al 1-800-736-7401.",
    "help_lawyer": "I&A no puede ser su abogado. Usted puede contratar uno.",
    "help_cost": "La IMR no le cuesta nada.",
    "notice": "Esto no es consejo legal. Si es diferente de su carta, lo que vale es la carta.",
    "deadline_appeal": "Último día para apelar ante la WCAB (para estar seguro)",
    "deadline_authorization": "La aseguradora debe aprobar el cuidado más o menos para el",
    "deadline_payment": "La aseguradora debe pagar el cuidado que ya recibió más o menos para el",
    "deadline_new_request": "Hasta esta fecha, pedir otra vez el mismo cuidado necesita datos "
    "nuevos",
    "heading_items": "Lo que se decidió",
    "heading_next": "Lo que puede hacer ahora",
    "heading_deadlines": "Fechas importantes",
    "heading_help": "Dónde pedir ayuda",
    "heading_glossary": "Palabras que se usan aquí",
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
    "letter_label": "En las palabras de la carta (en inglés):",
    "guideline_label": "Las palabras de la guía, como las cita la carta (en inglés):",
    "badge_overturned": "Aprobado por el revisor",
    "letter_words": "En la carta (en inglés)",
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
