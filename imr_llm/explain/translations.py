"""Reviewed Spanish versions of the reason sentences and of 'what was missing', by reason code.

Written by the team in plain Latin American Spanish, with DWC's own Spanish terms (Revisión
Médica Independiente, revisión de utilización, administrador de reclamos, Información y
Asistencia). A reason with no entry here is shown with the reviewer's English words quoted.
"""

from __future__ import annotations

REASON_SUMMARIES: dict[str, dict[str, str]] = {
    "es": {
        "surgery-denied": "Esto va con una cirugía que no se aprobó, así que tampoco se necesita.",
        "no-functional-improvement": "Sus expedientes no muestran que el tratamiento que ya "
        "recibió le ayudó a hacer más en su vida diaria.",
        "prior-sessions-unknown": "Sus expedientes no dicen cuántas sesiones ya recibió.",
        "exceeds-guideline": "El pedido era por más de lo que permiten las guías.",
        "red-flags": "Sus expedientes no muestran señales de alarma. Son señales de un problema "
        "serio.",
        "surgery-not-planned": "Sus expedientes no muestran que se esté planeando o pensando en "
        "una cirugía.",
        "no-nerve-findings": "El examen no mostró señales claras de un problema de los nervios.",
        "conservative-care-not-enough": "Sus expedientes no muestran que primero se probaron "
        "suficientes tratamientos más simples.",
        "conservative-care-not-tried": "Sus expedientes no muestran que primero se probaron "
        "tratamientos más simples y que no ayudaron.",
        "first-line-not-tried": "Las guías dicen que primero se deben probar otras medicinas. "
        "Sus expedientes no muestran eso.",
        "compound-not-recommended": "Es una medicina mezclada (compuesta). Si una medicina de la "
        "mezcla no se recomienda, toda la mezcla no se recomienda.",
        "oral-medication-tolerated": "Sus expedientes no muestran que usted no pueda tomar "
        "medicinas por la boca.",
        "gi-risk-absent": "Sus expedientes no muestran que usted tenga riesgo de problemas del "
        "estómago por las medicinas para el dolor.",
        "opioid-monitoring": "Sus expedientes no muestran los controles de seguridad que piden "
        "las guías con esta medicina.",
        "pain-relief-undocumented": "Sus expedientes no muestran cuánto le alivió el dolor este "
        "tratamiento.",
        "long-term-use": "Las guías solo apoyan esto por poco tiempo.",
        "amount-not-specified": "El pedido no dijo exactamente cuánto ni cuántas veces.",
        "body-part-not-specified": "El pedido no dijo para qué parte del cuerpo era.",
        "no-treatment-goals": "Sus expedientes no tienen metas de tratamiento claras que se "
        "puedan medir.",
        "repeat-not-justified": "Usted ya tuvo esto antes, y los expedientes no muestran una "
        "razón para repetirlo.",
        "home-exercise": "Se espera que usted siga con sus ejercicios en casa.",
        "no-reason-over-home-exercise": "Sus expedientes no muestran por qué se necesita este "
        "cuidado en lugar de hacer ejercicio en casa.",
        "no-exam-findings": "Sus expedientes no tienen resultados del examen que apoyen este "
        "pedido.",
        "no-plain-x-rays": "Sus expedientes no muestran que primero se hicieron radiografías "
        "comunes.",
        "no-instability": "Sus expedientes no muestran que la articulación o la columna esté "
        "inestable.",
        "no-active-rehab": "Sus expedientes no muestran que usted esté en un programa activo de "
        "ejercicio o rehabilitación.",
        "criteria-not-met": "Sus expedientes no muestran que su caso cumpla los requisitos de "
        "las guías para este cuidado.",
        "no-clear-reason": "Sus expedientes no dan una razón médica clara para este pedido.",
        "limited-evidence": "Las guías dicen que no hay pruebas suficientes de que esto funcione.",
        "not-recommended": "Las guías de tratamiento no recomiendan esto en un caso como el suyo.",
        "guidelines-silent": "Las guías principales no cubren esto, así que el revisor usó otras "
        "fuentes médicas.",
        "after-surgery": "Usted va a necesitar esto justo después de su cirugía.",
        "simpler-care-failed": "Se probaron tratamientos más simples y no ayudaron lo suficiente.",
        "first-treatment": "Las guías recomiendan esto como uno de los primeros tratamientos "
        "para su tipo de problema.",
        "doctor-explained": "Los expedientes de su médico explicaron por qué se necesita este "
        "cuidado.",
        "improvement-shown": "Sus expedientes muestran que este cuidado le ha estado ayudando.",
        "meets-criteria": "Su caso cumple lo que las guías dicen que se necesita para este "
        "cuidado.",
        "part-already-approved": "Ya se le aprobó parte de este cuidado. El revisor todavía no "
        "aprobó más.",
        "plan-to-stop": "Sus expedientes muestran un plan para dejar o bajar esta medicina.",
        "high-opioid-dose": "Su dosis de opioide es más alta de lo que aconsejan las guías.",
        "improving-already": "Sus expedientes muestran que usted estaba mejorando con el cuidado "
        "que ya recibía.",
    }
}

MISSING: dict[str, dict[str, str]] = {
    "es": {
        "surgery-denied": "primero la aprobación de la cirugía",
        "no-functional-improvement": "pruebas medidas de que el tratamiento anterior le ayudó "
        "a hacer más",
        "prior-sessions-unknown": "cuántas sesiones ya recibió y cómo le fue",
        "exceeds-guideline": "una razón para pasar del límite usual",
        "red-flags": "cualquier señal de un problema serio",
        "surgery-not-planned": "si se planea una cirugía o se pensaría en una",
        "no-nerve-findings": "resultados del examen que muestren un problema de los nervios",
        "conservative-care-not-enough": "qué otros tratamientos más simples probó y cómo le fue",
        "conservative-care-not-tried": "qué tratamientos más simples probó y cómo le fue",
        "first-line-not-tried": "qué medicinas de primera opción probó y cómo le fue",
        "oral-medication-tolerated": "por qué no puede tomar pastillas para esto",
        "gi-risk-absent": "cualquier problema o riesgo del estómago",
        "opioid-monitoring": "los controles de seguridad que se hacen mientras toma esta medicina",
        "pain-relief-undocumented": "cuánto le alivia el dolor el tratamiento, con números de "
        "dolor",
        "amount-not-specified": "exactamente cuánto se pide y con qué frecuencia",
        "body-part-not-specified": "para qué parte del cuerpo es el cuidado",
        "no-treatment-goals": "metas de tratamiento claras que se puedan medir",
        "repeat-not-justified": "qué ha cambiado desde la última vez",
        "home-exercise": "por qué el ejercicio en casa no basta",
        "no-reason-over-home-exercise": "por qué el ejercicio en casa no basta",
        "no-exam-findings": "resultados del examen que apoyen el pedido",
        "no-plain-x-rays": "los resultados de radiografías comunes",
        "no-instability": "resultados del examen que muestren inestabilidad",
        "no-active-rehab": "que usted está en un programa activo de ejercicio o rehabilitación",
        "criteria-not-met": "que su caso cumple los requisitos de las guías para este cuidado",
        "no-clear-reason": "una razón médica clara para este pedido",
    }
}
