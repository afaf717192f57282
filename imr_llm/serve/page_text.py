"""Every word of the form page and the result page's tools, in English and Spanish.

The explanation itself comes from imr_llm.explain; these are only the page around it.
"""

from __future__ import annotations

from imr_llm.schema import Lang

EN: dict[str, str] = {
    "title": "Explain an IMR letter",
    "intro": "Upload the IMR final determination letter you received from MAXIMUS, or paste its "
    "text. You will get each decision in plain words, why it was made, and your next steps and "
    "dates.",
    "privacy": "Your letter is read on this server and not kept: nothing is saved after the page "
    "is sent back to you.",
    "file_legend": "Your letter",
    "file_label": "Choose the letter file (PDF, text, or a scan or photo)",
    "file_hint": "Up to {mib} MiB. Scans and photos (PNG, JPEG, TIFF) are read by text "
    "recognition: one file must hold the whole letter, and you should check every date.",
    "or": "or",
    "text_label": "Paste the text of the letter",
    "lang_legend": "Language of the explanation",
    "lang_en": "English",
    "lang_es": "Spanish (español)",
    "submit": "Explain my letter",
    "switch": "Español",
    "switch_lang": "es",
    "error_heading": "We could not explain this letter",
    "print": "Print this page",
    "print_hint": "To print, use your browser's Print command.",
    "download": "Download this page",
    "download_name": "imr-explanation.html",
    "another": "Explain another letter",
    "tools": "Page tools",
    "err_empty_file": "The file is empty. Choose the letter file again.",
    "err_empty_text": "There is no text. Paste the whole letter.",
    "err_no_letter": "Choose a letter file or paste the letter's text.",
    "err_binary_file": "This file is not a letter we can read. Upload a PDF or a text file.",
    "err_image_unsupported": "This kind of picture cannot be read. Upload the PDF the letter "
    "came in, photos of the pages as PNG or JPEG, or paste the letter's text.",
    "err_image_damaged": "This picture is damaged or cannot be opened. Take the photo again, "
    "or upload the PDF the letter came in.",
    "err_too_large": "The file is too large. One IMR letter is much smaller; check that you "
    "chose the right file.",
    "err_too_many_pages": "The PDF has too many pages for one IMR letter. Upload one letter "
    "at a time.",
    "err_ocr_unreadable": "This is a scan or photo, and we could not read its text clearly. "
    "Upload a clearer scan or the PDF the letter came in, or paste the text of the letter.",
    "err_ocr_unavailable": "This is a scan or photo, and this server cannot read those. Upload the "
    "PDF the letter came in, or paste the text of the letter.",
    "err_pdf_password": "The PDF is protected by a password. Save a copy without the password "
    "and try again.",
    "err_pdf_damaged": "The PDF is damaged or is not a PDF. Try downloading the letter again.",
    "err_not_imr_letter": "This does not look like an IMR final determination letter. Upload "
    "the letter that MAXIMUS sent you.",
    "err_letter_cut_off": "The letter seems to be cut off: part of it is missing. Upload the "
    "complete letter.",
    "err_letter_unreadable": "We could not read every decision in this letter safely. Check "
    "that the file is the complete letter.",
    "err_unreadable": "We could not read this file. Upload a PDF or a text file.",
    "err_malformed_request": "The form did not arrive complete. Please try again.",
    "err_unsupported_media_type": "The form did not arrive complete. Please try again.",
    "err_bad_option": "Choose English or Spanish and try again.",
    "err_busy": "The server is busy with other letters. Please try again in a minute.",
    "err_timeout": "Reading the letter took too long. Please try again in a minute.",
    "err_engine_failed": "The reading service did not answer. Please try again later.",
    "err_internal": "Something went wrong on the server. Please try again later.",
    "err_not_found": "This page does not exist.",
    "err_unauthorized": "This page needs the password of the clinic that runs it.",
    "err_method_not_allowed": "This page does not exist.",
}

ES: dict[str, str] = {
    "title": "Explicar una carta de IMR",
    "intro": "Suba la carta de determinación final de IMR que recibió de MAXIMUS, o pegue su "
    "texto. Verá cada decisión en palabras sencillas, por qué se tomó, y sus próximos pasos y "
    "fechas.",
    "privacy": "Su carta se lee en este servidor y no se guarda: no queda nada después de "
    "enviarle la página.",
    "file_legend": "Su carta",
    "file_label": "Elija el archivo de la carta (PDF, texto, o un escaneo o foto)",
    "file_hint": "Hasta {mib} MiB. Los escaneos y fotos (PNG, JPEG, TIFF) se leen con "
    "reconocimiento de texto: un archivo debe tener la carta completa, y revise cada fecha.",
    "or": "o",
    "text_label": "Pegue el texto de la carta",
    "lang_legend": "Idioma de la explicación",
    "lang_en": "Inglés (English)",
    "lang_es": "Español",
    "submit": "Explicar mi carta",
    "switch": "English",
    "switch_lang": "en",
    "error_heading": "No pudimos explicar esta carta",
    "print": "Imprimir esta página",
    "print_hint": "Para imprimir, use la opción Imprimir de su navegador.",
    "download": "Descargar esta página",
    "download_name": "explicacion-imr.html",
    "another": "Explicar otra carta",
    "tools": "Herramientas de la página",
    "err_empty_file": "El archivo está vacío. Elija otra vez el archivo de la carta.",
    "err_empty_text": "No hay texto. Pegue la carta completa.",
    "err_no_letter": "Elija el archivo de la carta o pegue su texto.",
    "err_binary_file": "Este archivo no es una carta que podamos leer. Suba un PDF o un "
    "archivo de texto.",
    "err_image_unsupported": "Este tipo de imagen no se puede leer. Suba el PDF de la carta, "
    "fotos de las páginas en PNG o JPEG, o pegue el texto de la carta.",
    "err_image_damaged": "Esta imagen está dañada o no se puede abrir. Tome la foto otra vez, "
    "o suba el PDF de la carta.",
    "err_too_large": "El archivo es demasiado grande. Una carta de IMR es mucho más pequeña; "
    "revise que eligió el archivo correcto.",
    "err_too_many_pages": "El PDF tiene demasiadas páginas para una carta de IMR. Suba una "
    "carta a la vez.",
    "err_ocr_unreadable": "Esto es un escaneo o una foto, y no pudimos leer su texto con claridad. "
    "Suba un escaneo más claro o el PDF de la carta, o pegue el texto de la carta.",
    "err_ocr_unavailable": "Esto es un escaneo o una foto, y este servidor no puede leerlos. "
    "Suba el PDF de la carta, o pegue el texto de la carta.",
    "err_pdf_password": "El PDF está protegido con una contraseña. Guarde una copia sin "
    "contraseña y vuelva a intentarlo.",
    "err_pdf_damaged": "El PDF está dañado o no es un PDF. Descargue la carta otra vez.",
    "err_not_imr_letter": "Esto no parece una carta de determinación final de IMR. Suba la "
    "carta que le envió MAXIMUS.",
    "err_letter_cut_off": "La carta parece estar cortada: falta una parte. Suba la carta completa.",
    "err_letter_unreadable": "No pudimos leer con seguridad todas las decisiones de esta carta. "
    "Revise que el archivo sea la carta completa.",
    "err_unreadable": "No pudimos leer este archivo. Suba un PDF o un archivo de texto.",
    "err_malformed_request": "El formulario no llegó completo. Vuelva a intentarlo.",
    "err_unsupported_media_type": "El formulario no llegó completo. Vuelva a intentarlo.",
    "err_bad_option": "Elija inglés o español y vuelva a intentarlo.",
    "err_busy": "El servidor está ocupado con otras cartas. Vuelva a intentarlo en un minuto.",
    "err_timeout": "Leer la carta tardó demasiado. Vuelva a intentarlo en un minuto.",
    "err_engine_failed": "El servicio de lectura no respondió. Vuelva a intentarlo más tarde.",
    "err_internal": "Algo falló en el servidor. Vuelva a intentarlo más tarde.",
    "err_not_found": "Esta página no existe.",
    "err_unauthorized": "Esta página necesita la contraseña de la clínica que la ofrece.",
    "err_method_not_allowed": "Esta página no existe.",
}

PAGE_TEXT: dict[Lang, dict[str, str]] = {"en": EN, "es": ES}


def page_text(lang: Lang) -> dict[str, str]:
    return PAGE_TEXT[lang]
