"""Where the LLM endpoint is, and what that means for how it is called.

- local or hosted: a base URL on loopback or a private network (or a server that answers like
  llama.cpp, vLLM or Ollama) is local; anything else is hosted (OpenAI or another provider);
- `--mode auto` (the default): `json_schema` for a local server (grammar-constrained output is
  the only mode that works there: llama.cpp refuses an object `tool_choice`, small models never
  return `tool_calls`, and plain `json` runs on past the answer), `tools` for a hosted API;
- the local profile: a CPU server answers one request at a time in minutes, not seconds, so
  timeouts and the retry budget are longer and concurrency is 1. Settings the user gave
  explicitly are never changed.
- loopback or not decides redaction (llm/redact.py): text for any other host is masked.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import urllib.request
from functools import lru_cache
from urllib.parse import urlsplit

from imr_llm.settings import LlmSettings

LOCAL_SERVERS = {"llamacpp": "llama.cpp", "vllm": "vLLM", "library": "Ollama", "ollama": "Ollama"}

LOCAL_PROFILE: dict[str, float | int] = {
    "timeout": 900.0,  # one request on a 2-core CPU took 40 s to 4 min
    "transport_seconds": 1800.0,
    "transport_attempts": 2,
    "concurrency": 1,  # the server works on one request at a time anyway
    "reasks": 1,  # a re-ask costs minutes; a failed item falls back to the offline text
}


def _host(base_url: str | None) -> str:
    return (urlsplit(base_url).hostname or "").lower() if base_url else ""


def _addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    if host == "localhost" or host.endswith(".localhost"):
        return [ipaddress.ip_address("127.0.0.1")]
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return []
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def is_loopback(base_url: str | None) -> bool:
    """True when every address of the endpoint's host is this machine."""
    addresses = _addresses(_host(base_url))
    return bool(addresses) and all(a.is_loopback for a in addresses)


def is_private(base_url: str | None) -> bool:
    """True for loopback, private-network and link-local hosts (a server you run)."""
    addresses = _addresses(_host(base_url))
    return bool(addresses) and all(
        a.is_loopback or a.is_private or a.is_link_local for a in addresses
    )


@lru_cache(maxsize=8)
def server_kind(base_url: str, timeout: float = 5.0) -> str | None:
    """'llama.cpp', 'vLLM' or 'Ollama' when GET {base_url}/models says so (owned_by)."""
    try:
        with urllib.request.urlopen(base_url.rstrip("/") + "/models", timeout=timeout) as reply:
            listing = json.loads(reply.read(1 << 20))
    except (OSError, ValueError):
        return None
    models = listing.get("data") if isinstance(listing, dict) else None
    for model in models if isinstance(models, list) else []:
        owner = str(model.get("owned_by", "")).lower() if isinstance(model, dict) else ""
        if owner in LOCAL_SERVERS:
            return LOCAL_SERVERS[owner]
    return None


def is_local_server(settings: LlmSettings, probe: bool = True) -> bool:
    """A server the user runs: a private address, or (probed) a llama.cpp/vLLM/Ollama server."""
    if not settings.base_url:
        return False
    if is_private(settings.base_url):
        return True
    return probe and server_kind(settings.base_url) is not None


def auto_mode(settings: LlmSettings, probe: bool = True) -> str:
    return "json_schema" if is_local_server(settings, probe) else "tools"


def resolved(settings: LlmSettings, probe: bool = True) -> LlmSettings:
    """`settings` with `mode: auto` decided and, for a local server, the local profile applied
    to every setting the user did not give."""
    local = is_local_server(settings, probe)
    given = settings.given | {
        name
        for name, info in type(settings).model_fields.items()
        if getattr(settings, name) != info.default
    }
    changes: dict[str, object] = {}
    if settings.mode == "auto":
        changes["mode"] = "json_schema" if local else "tools"
    if local:
        for name, value in LOCAL_PROFILE.items():
            if name not in given:
                changes[name] = value
    return settings.model_copy(update=changes) if changes else settings


def should_redact(settings: LlmSettings) -> bool:
    """Mask personal identifiers unless the text stays on this machine (or the user opted out
    with --no-redact; --redact forces it)."""
    if settings.redact is not None:
        return settings.redact
    return not is_loopback(settings.base_url)  # no base URL: OpenAI's hosted API


def mode_refused_hint(mode: str) -> str:
    """What to try when the server answered 400 to a request made in `mode`."""
    other = "json_schema" if mode != "json_schema" else "tools"
    return (
        f"the server may not support --mode {mode} (llama.cpp, vLLM and Ollama need json_schema; "
        f"OpenAI accepts tools); try --mode {other}, or --mode auto"
    )
