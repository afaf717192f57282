"""Pytest guard: tests may only talk to loopback (127.0.0.0/8, ::1, localhost) or AF_UNIX.

It patches ``socket.socket.connect``/``connect_ex`` and ``socket.getaddrinfo``
(``socket.create_connection``, asyncio, httpx and urllib3 all go through
them), so a connection to anything else raises :class:`NetworkBlockedError`
with a message saying what was blocked.  A host name other than ``localhost``
is refused before any DNS lookup.  This is a safety net, not a client mock:
LLM code is tested against ``tests/fake_openai_server.py``.

Use it in one of these ways:

* session-wide, as a plugin: ``pytest_plugins = ["network_guard"]`` in
  ``tests/conftest.py`` (pytest puts ``tests/`` on ``sys.path`` because it
  has no ``__init__.py``; don't use ``tests.network_guard``: site-packages
  holds an unrelated ``tests`` package from textstat); ``pytest_configure``
  installs the guard and registers the ``allow_network`` marker;
* per module: ``from network_guard import block_non_loopback`` (an autouse
  fixture, so importing it into a test module guards every test there);
* in code: ``with network_guard(): ...`` / ``install()`` and ``uninstall()``.

``@pytest.mark.allow_network`` (or ``with allow_network(): ...``) lifts the
guard for one test.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

__all__ = [
    "NetworkBlockedError",
    "allow_network",
    "block_non_loopback",
    "install",
    "is_installed",
    "network_guard",
    "pytest_configure",
    "pytest_unconfigure",
    "uninstall",
]

_HINT = (
    "only loopback (127.0.0.0/8, ::1, localhost) and AF_UNIX are allowed in tests; "
    "point LLM clients at tests/fake_openai_server.py (FakeOpenAIServer.base_url)"
)


class NetworkBlockedError(RuntimeError):
    """Raised for a connection attempt to a non-loopback address while the guard is on."""


_lock = threading.Lock()
_install_count = 0
_allow_depth = 0
_orig_connect: Callable[..., Any] | None = None
_orig_connect_ex: Callable[..., Any] | None = None
_orig_getaddrinfo: Callable[..., Any] | None = None


def _is_loopback_host(host: object, *, allow_wildcard: bool = False) -> bool:
    if host is None:
        return allow_wildcard
    if isinstance(host, bytes):
        host = host.decode("ascii", errors="replace")
    if not isinstance(host, str):
        return False
    name = host.strip().rstrip(".").lower()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    if name == "":
        return allow_wildcard
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        addr = ipaddress.ip_address(name.split("%", 1)[0])
    except ValueError:
        return False  # a host name: refuse before any DNS lookup
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    return addr.is_loopback or (allow_wildcard and addr.is_unspecified)


def _guard_active() -> bool:
    return _install_count > 0 and _allow_depth == 0


def _check_address(sock: socket.socket, address: Any) -> None:
    if not _guard_active():
        return
    family = getattr(sock, "family", None)
    if family == getattr(socket, "AF_UNIX", object()):
        return
    if family not in (socket.AF_INET, socket.AF_INET6):
        raise NetworkBlockedError(
            f"network_guard: blocked connect on socket family {family!r} to {address!r}; {_HINT}"
        )
    host = address[0] if isinstance(address, tuple) and address else address
    if not _is_loopback_host(host):
        port = address[1] if isinstance(address, tuple) and len(address) > 1 else "?"
        raise NetworkBlockedError(f"network_guard: blocked connection to {host}:{port}; {_HINT}")


def _guarded_connect(self: Any, address: Any) -> None:
    _check_address(self, address)
    assert _orig_connect is not None
    _orig_connect(self, address)


def _guarded_connect_ex(self: Any, address: Any) -> int:
    _check_address(self, address)
    assert _orig_connect_ex is not None
    result: int = _orig_connect_ex(self, address)
    return result


def _guarded_getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
    if _guard_active() and not _is_loopback_host(host, allow_wildcard=True):
        raise NetworkBlockedError(
            f"network_guard: blocked address lookup for {host!r} (port {port!r}); {_HINT}"
        )
    assert _orig_getaddrinfo is not None
    return _orig_getaddrinfo(host, port, *args, **kwargs)


def install() -> None:
    """Turn the guard on (reference-counted: every install() needs an uninstall())."""
    global _install_count, _orig_connect, _orig_connect_ex, _orig_getaddrinfo
    with _lock:
        if _install_count == 0:
            _orig_connect = socket.socket.connect
            _orig_connect_ex = socket.socket.connect_ex
            _orig_getaddrinfo = socket.getaddrinfo
            socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
            socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
            socket.getaddrinfo = _guarded_getaddrinfo
        _install_count += 1


def uninstall() -> None:
    """Undo one install(); the originals come back when the count reaches zero."""
    global _install_count
    with _lock:
        if _install_count == 0:
            return
        _install_count -= 1
        if _install_count == 0:
            assert _orig_connect is not None
            assert _orig_connect_ex is not None
            assert _orig_getaddrinfo is not None
            socket.socket.connect = _orig_connect  # type: ignore[method-assign]
            socket.socket.connect_ex = _orig_connect_ex  # type: ignore[method-assign]
            socket.getaddrinfo = _orig_getaddrinfo


def is_installed() -> bool:
    return _install_count > 0


@contextmanager
def network_guard() -> Iterator[None]:
    """Block non-loopback connections inside the ``with`` block."""
    install()
    try:
        yield
    finally:
        uninstall()


@contextmanager
def allow_network() -> Iterator[None]:
    """Lift the guard inside the ``with`` block (process-wide, all threads)."""
    global _allow_depth
    with _lock:
        _allow_depth += 1
    try:
        yield
    finally:
        with _lock:
            _allow_depth -= 1


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "allow_network: let this test open non-loopback connections")
    install()


def pytest_unconfigure(config: pytest.Config) -> None:
    uninstall()


@pytest.fixture(autouse=True)
def block_non_loopback(request: pytest.FixtureRequest) -> Iterator[None]:
    """Autouse fixture: guard the test unless it is marked ``allow_network``."""
    if request.node.get_closest_marker("allow_network") is not None:
        with allow_network():
            yield
        return
    with network_guard():
        yield
