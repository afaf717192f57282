"""imr-llm serve: the form page, the result page (the claimant page with print, download and
"another letter"), and the JSON API for integrators.

Starlette, not FastAPI: every route reads the raw request itself (to enforce the limits while
the body streams in, and to take either a multipart form or JSON), so FastAPI's request models
would be bypassed; the OpenAPI document is built from the pydantic models (openapi.py).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import traceback
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, fields
from functools import lru_cache
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartParser
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from imr_llm import __version__
from imr_llm.runner import engine_for
from imr_llm.schema import Lang
from imr_llm.serve import letters
from imr_llm.serve.limits import RETRY_AFTER_SECONDS, BodyLimit, Gate
from imr_llm.serve.openapi import openapi
from imr_llm.serve.page_text import page_text
from imr_llm.serve.problems import (
    BadOption,
    BodyTooLarge,
    MalformedRequest,
    NoLetter,
    Problem,
    UnsupportedMediaType,
    problem_for,
)
from imr_llm.serve.security import AccessLog, SecurityHeaders, SharedPassword
from imr_llm.settings import load_settings

log = logging.getLogger("imr_llm.serve")

FORM_OVERHEAD = 1024 * 1024
"""Room in a request body for the form's boundaries and small fields, beyond the letter."""
FORMATS = {
    "json": "application/json",
    "text": "text/plain; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
}
PATHS = ("/", "/explain", "/api/extract", "/api/summarize", "/api/health", "/openapi.json")

# An uploaded file stays in memory up to this size instead of spilling to a temporary file.
# The body limit is lower, so an upload never touches the disk.
MultiPartParser.spool_max_size = letters.MAX_BYTES + FORM_OVERHEAD


@dataclass(frozen=True)
class ServeConfig:
    """What `imr-llm serve` was started with. Passed to worker processes as environment
    variables (IMR_LLM_SERVE_<FIELD>), the password included, so it never shows in `ps`."""

    engine: str = "offline"
    password: str | None = None
    letters_at_once: int = 2
    queue: int = 64
    timeout: float = 60.0

    @property
    def max_body(self) -> int:
        return letters.MAX_BYTES + FORM_OVERHEAD

    def to_env(self) -> dict[str, str]:
        return {
            f"IMR_LLM_SERVE_{name.upper()}": str(value)
            for name, value in asdict(self).items()
            if value is not None
        }

    @classmethod
    def from_env(cls) -> ServeConfig:
        values: dict[str, Any] = {}
        for field in fields(cls):
            raw = os.environ.get(f"IMR_LLM_SERVE_{field.name.upper()}")
            if raw is None or raw == "":
                continue
            kind = {"letters_at_once": int, "queue": int, "timeout": float}.get(field.name, str)
            values[field.name] = kind(raw)
        return cls(**values)


@lru_cache(maxsize=1)
def _templates() -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    return Environment(
        loader=PackageLoader("imr_llm.serve", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
    )


def _ui_lang(request: Request) -> Lang:
    wanted = request.query_params.get("lang")
    if wanted in ("en", "es"):
        return wanted  # type: ignore[return-value]
    accept = request.headers.get("accept-language", "").strip().lower()
    return "es" if accept.startswith("es") else "en"


def _lang(value: str) -> Lang:
    if value not in ("en", "es"):
        raise BadOption(f"unknown language {value!r}; use en or es")
    return value  # type: ignore[return-value]


def form_html(lang: Lang, error: str | None = None) -> str:
    t = page_text(lang)
    return str(
        _templates()
        .get_template("form.html.j2")
        .render(
            t=t,
            lang=lang,
            error=error,
            max_bytes=letters.MAX_BYTES,
            hint=t["file_hint"].format(mib=letters.MAX_BYTES // 1_048_576),
        )
    )


def with_tools(page: str, lang: Lang) -> str:
    """The claimant page exactly as `summarize --format html` writes it, plus a bar (hidden in
    print) with a print button, a link that downloads the page itself, and "another letter"."""
    download = "data:text/html;charset=utf-8;base64," + base64.b64encode(page.encode()).decode()
    tools: str = (
        _templates()
        .get_template("tools.html.j2")
        .render(t=page_text(lang), lang=lang, download_href=download)
    )
    head = (
        '<link rel="stylesheet" href="/static/tools.css">\n'
        '<script src="/static/serve.js" defer></script>\n</head>'
    )
    page = page.replace("</head>", head, 1)
    body = re.search(r"<body[^>]*>", page)
    at = body.end() if body else 0
    return page[:at] + "\n" + tools + page[at:]


async def read_letter_request(request: Request) -> tuple[letters.Upload, dict[str, str]]:
    """The letter and the options (lang, format) from a multipart form or a JSON body."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        return await _from_json(request)
    if kind in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return await _from_form(request)
    raise UnsupportedMediaType(
        "send the letter as multipart/form-data (field 'file' or 'text') or as JSON "
        '{"text": "..."}'
    )


async def _from_json(request: Request) -> tuple[letters.Upload, dict[str, str]]:
    try:
        data = json.loads(await request.body())
    except ValueError as exc:  # UnicodeDecodeError is a ValueError
        raise MalformedRequest('the body is not valid JSON; send {"text": "..."}') from exc
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise MalformedRequest('send a JSON object with the letter\'s text in "text"')
    options = {}
    for name in ("lang", "format"):
        if name in data:
            if not isinstance(data[name], str):
                raise BadOption(f'"{name}" must be a string')
            options[name] = data[name]
    return letters.Upload(data["text"], "text"), options


async def _from_form(request: Request) -> tuple[letters.Upload, dict[str, str]]:
    try:
        async with request.form(max_files=1, max_fields=8, max_part_size=FORM_OVERHEAD) as form:
            options = {
                name: value
                for name in ("lang", "format")
                if isinstance(value := form.get(name), str)
            }
            file, text = form.get("file"), form.get("text")
            if isinstance(file, UploadFile) and (file.filename or file.size):
                return letters.Upload(await file.read(), "upload"), options
    except HTTPException as exc:  # Starlette's report of a multipart body it cannot parse
        if "exceeded maximum size" in str(exc.detail):
            raise BodyTooLarge(
                f"the pasted text is larger than the {FORM_OVERHEAD // 1_048_576} MiB limit; "
                "upload the letter as a file"
            ) from exc
        raise MalformedRequest(
            f"the form could not be read ({exc.detail}); send multipart/form-data with the "
            "letter in the field 'file' or 'text'"
        ) from exc
    if isinstance(text, str) and text:
        return letters.Upload(text, "text"), options
    raise NoLetter("no letter in the request: send a file in the field 'file' or text in 'text'")


def _problem(request: Request, error: BaseException) -> Problem:
    problem = problem_for(error)
    request.state.error_code = problem.code
    if problem.code == "internal":
        # The frames only: an exception's message could quote the letter.
        log.error(
            "internal error %s:\n%s",
            type(error).__name__,
            "".join(traceback.format_tb(error.__traceback__)),
        )
    return problem


def _retry_headers(problem: Problem) -> dict[str, str]:
    return {"retry-after": str(RETRY_AFTER_SECONDS)} if problem.status == 503 else {}


def _api_error(request: Request, error: BaseException) -> JSONResponse:
    problem = _problem(request, error)
    return JSONResponse(problem.as_json(), problem.status, headers=_retry_headers(problem))


async def form_page(request: Request) -> Response:
    return HTMLResponse(form_html(_ui_lang(request)))


async def explain_page(request: Request) -> Response:
    """The form's POST: the claimant page, or the form again with the error on top."""
    lang = _ui_lang(request)
    gate: Gate = request.app.state.gate
    service: letters.LetterService = request.app.state.service
    try:
        async with gate.admit():
            upload, options = await read_letter_request(request)
            lang = _lang(options.get("lang", lang))
            async with gate.slot():
                explanation = await service.summarize(upload, lang)
        page = letters.render_explanation(explanation, "html")
        return HTMLResponse(with_tools(page, lang))
    except Exception as error:
        problem = _problem(request, error)
        message = page_text(lang).get(f"err_{problem.code}", page_text(lang)["err_internal"])
        return HTMLResponse(
            form_html(lang, message), problem.status, headers=_retry_headers(problem)
        )


async def api_extract(request: Request) -> Response:
    """The letter's typed determination, exactly as `imr-llm extract` prints it."""
    gate: Gate = request.app.state.gate
    service: letters.LetterService = request.app.state.service
    try:
        async with gate.admit():
            upload, _ = await read_letter_request(request)
            async with gate.slot():
                determination = await service.extract(upload)
        return Response(letters.render_determination(determination), media_type=FORMATS["json"])
    except Exception as error:
        return _api_error(request, error)


async def api_summarize(request: Request) -> Response:
    """The explanation, exactly as `imr-llm summarize --format FORMAT --lang LANG` prints it."""
    gate: Gate = request.app.state.gate
    service: letters.LetterService = request.app.state.service
    try:
        async with gate.admit():
            upload, options = await read_letter_request(request)
            lang = _lang(options.get("lang", "en"))
            output_format = options.get("format", "json")
            if output_format not in FORMATS:
                raise BadOption(f"unknown format {output_format!r}; use {', '.join(FORMATS)}")
            async with gate.slot():
                explanation = await service.summarize(upload, lang)
        body = letters.render_explanation(explanation, output_format)
        return Response(body, media_type=FORMATS[output_format])
    except Exception as error:
        return _api_error(request, error)


async def no_icon(request: Request) -> Response:
    """The page has no icon: say so (204) instead of the 404 a browser logs as an error."""
    return Response(status_code=204)


async def api_health(request: Request) -> Response:
    config: ServeConfig = request.app.state.config
    service: letters.LetterService = request.app.state.service
    gate: Gate = request.app.state.gate
    return JSONResponse(
        {
            "status": "ok",
            "version": __version__,
            "engine": config.engine,
            "model": service.settings.model if config.engine == "openai" else None,
            "letters_at_once": gate.slots,
            "letters_in_progress": gate.admitted,
        }
    )


async def openapi_document(request: Request) -> Response:
    return JSONResponse(openapi(__version__))


async def _not_found(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 404
    code = "method_not_allowed" if status == 405 else "not_found"
    request.state.error_code = code
    if request.url.path.startswith("/api/"):
        message = "no such endpoint; see /openapi.json" if status == 404 else "wrong method"
        return JSONResponse({"code": code, "message": message, "exit_code": 2}, status)
    lang = _ui_lang(request)
    return HTMLResponse(form_html(lang, page_text(lang)[f"err_{code}"]), status)


def create_app(config: ServeConfig) -> Starlette:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.config = config
        app.state.gate = Gate(config.letters_at_once, config.queue, config.timeout)
        # No LLM response cache: it would keep what the model said about each letter on disk.
        settings = load_settings({"use_cache": False})
        app.state.service = letters.LetterService(
            engine_for(config.engine, settings), settings, threads=config.letters_at_once
        )
        try:
            yield
        finally:
            await app.state.service.aclose()

    return Starlette(
        routes=[
            Route("/", form_page, methods=["GET"]),
            Route("/explain", explain_page, methods=["POST"]),
            Route("/api/extract", api_extract, methods=["POST"]),
            Route("/api/summarize", api_summarize, methods=["POST"]),
            Route("/api/health", api_health, methods=["GET"]),
            Route("/favicon.ico", no_icon, methods=["GET"]),
            Route("/openapi.json", openapi_document, methods=["GET"]),
            Mount("/static", StaticFiles(packages=[("imr_llm.serve", "static")]), name="static"),
        ],
        middleware=[
            Middleware(AccessLog, paths=PATHS),
            Middleware(SecurityHeaders),
            Middleware(SharedPassword, password=config.password),
            Middleware(BodyLimit, max_bytes=config.max_body),
        ],
        exception_handlers={404: _not_found, 405: _not_found},
        lifespan=lifespan,
    )


def app_from_env() -> Starlette:
    """The factory uvicorn calls in each worker process."""
    return create_app(ServeConfig.from_env())
