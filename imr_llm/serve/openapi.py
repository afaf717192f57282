"""The OpenAPI 3.1 description of the JSON API, served at /openapi.json. The response schemas
are the pydantic models' own JSON schema, so they cannot drift from what the API returns."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from imr_llm.schema import Determination, Explanation

_LANG = {"type": "string", "enum": ["en", "es"], "default": "en"}
_FORMAT = {"type": "string", "enum": ["json", "text", "md", "html"], "default": "json"}


def _letter_body(with_format: bool) -> dict[str, Any]:
    extra = {"lang": _LANG, "format": _FORMAT} if with_format else {}
    return {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "The letter: PDF or text (told apart by its bytes).",
                        },
                        "text": {"type": "string", "description": "Or the letter's text."},
                        **extra,
                    },
                }
            },
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["text"],
                    "properties": {"text": {"type": "string"}, **extra},
                }
            },
        },
    }


def _errors() -> dict[str, Any]:
    problem = {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    described = {
        "400": "Bad request: empty file or text, no letter, malformed form or JSON, bad option.",
        "401": "The shared password is missing or wrong (HTTP Basic).",
        "413": "The body or the PDF is larger than the limit.",
        "415": "Not a PDF, text, PNG, JPEG or TIFF (binary, another picture format), or an "
        "unsupported content type.",
        "422": "Read, but not a complete IMR letter (not IMR, cut off, locked, a damaged picture, "
        "a scan or photo OCR cannot read).",
        "501": "A scan or photo, and this server has no OCR (tesseract) installed.",
        "502": "The LLM engine's endpoint failed.",
        "503": "Busy (all letter slots taken) or over the time limit: retry after Retry-After.",
    }
    return {code: {"description": text, "content": problem} for code, text in described.items()}


@lru_cache(maxsize=1)
def openapi(version: str) -> dict[str, Any]:
    from pydantic.json_schema import models_json_schema

    _, schemas = models_json_schema(
        [(Determination, "serialization"), (Explanation, "serialization")],
        ref_template="#/components/schemas/{model}",
    )
    components = dict(schemas.get("$defs", {}))
    components["Problem"] = {
        "type": "object",
        "required": ["code", "message", "exit_code"],
        "properties": {
            "code": {"type": "string", "description": "Stable, for programs: e.g. empty_file."},
            "message": {"type": "string", "description": "The CLI's one-line message."},
            "exit_code": {"type": "integer", "description": "The CLI's exit code for it."},
        },
    }
    text_types = {
        "text/plain": {"schema": {"type": "string"}},
        "text/markdown": {"schema": {"type": "string"}},
        "text/html": {"schema": {"type": "string"}},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "imr-llm",
            "version": version,
            "description": "Read a California workers' comp IMR final determination letter. "
            "Errors are JSON with a stable `code` and the CLI's `message`.",
        },
        "paths": {
            "/api/extract": {
                "post": {
                    "summary": "The letter's typed determination (as `imr-llm extract`).",
                    "requestBody": _letter_body(False),
                    "responses": {
                        "200": {
                            "description": "The determination.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Determination"}
                                }
                            },
                        },
                        **_errors(),
                    },
                }
            },
            "/api/summarize": {
                "post": {
                    "summary": "A plain-language explanation (as `imr-llm summarize`).",
                    "requestBody": _letter_body(True),
                    "responses": {
                        "200": {
                            "description": "The explanation in the chosen format.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Explanation"}
                                },
                                **text_types,
                            },
                        },
                        **_errors(),
                    },
                }
            },
            "/api/health": {
                "get": {
                    "summary": "Up, and which engine is configured (needs no password).",
                    "responses": {"200": {"description": "status, version, engine, model."}},
                }
            },
        },
        "components": {"schemas": components},
    }
