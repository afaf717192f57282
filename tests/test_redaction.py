"""Redaction: a worker's own letter (tests/data/SYN-OWN-*.txt, synthetic: invented people and
numbers) loses its personal identifiers before any text leaves the machine, and they appear
neither in what the server received nor in the cache or the output."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import clean_env, invoke_cli
from fake_openai_server import FakeOpenAIServer
from llm_responder import respond

from imr_llm.llm.endpoint import should_redact
from imr_llm.llm.redact import redact
from imr_llm.normalize import normalize_text
from imr_llm.settings import load_settings

DATA = Path(__file__).parent / "data"
IDENTIFIERS = {
    "SYN-OWN-01": [
        "Rosalind",
        "Quintero",
        "Vasquez",
        "4471 Marigold",
        "Marigold Canyon",
        "Fresno, CA 93722",
        "93722",
        "05-883214-WC",
        "04/17/1961",
        "10457793",
        "555-0142",
        "rquintero61",
        "examplemail.com",
        "612-44-9087",
    ],
    "SYN-OWN-02": [
        "Dashiell",
        "Okonkwo",
        "918 W. Larkspur",
        "Larkspur Avenue",
        "Bakersfield",
        "93301",
        "7731-00928-A",
        "9981234",
        "11/02/1958",
        "661.555.0190",
        "mailbox.example.org",
    ],
}
KEPT = {
    "SYN-OWN-01": ["CM13-0058213", "06/02/2012", "10/30/2013", "12/19/2013"],
    "SYN-OWN-02": ["CM16-0213037", "10/13/2016", "11/03/2016", "12/09/2016"],
}


def _letter(stem: str) -> str:
    return normalize_text((DATA / f"{stem}.txt").read_text(encoding="utf-8"))


@pytest.mark.parametrize("stem", sorted(IDENTIFIERS))
def test_identifiers_are_masked_and_what_the_explanation_needs_stays(stem: str) -> None:
    text = _letter(stem)
    for identifier in IDENTIFIERS[stem]:
        assert identifier in text  # the test letter really carries it
    masked = redact(text).text
    for identifier in IDENTIFIERS[stem]:
        assert identifier not in masked
    for kept in KEPT[stem]:
        assert masked.count(kept) == text.count(kept)
    rationale = text[text.index("Decision rationale") if "Decision rationale" in text else -2000 :]
    assert rationale in masked  # the medical text is untouched


@pytest.mark.parametrize(
    ("environ", "flags", "expected"),
    [
        ({"OPENAI_BASE_URL": "http://127.0.0.1:8080/v1"}, {}, False),
        ({"OPENAI_BASE_URL": "http://192.168.1.5:8080/v1"}, {}, True),  # not this machine
        ({"OPENAI_API_KEY": "sk-x"}, {}, True),  # OpenAI
        ({"OPENAI_API_KEY": "sk-x"}, {"redact": False}, False),  # --no-redact
        ({"OPENAI_BASE_URL": "http://127.0.0.1:8080/v1"}, {"redact": True}, True),  # --redact
        ({"OPENAI_API_KEY": "sk-x", "IMR_LLM_REDACT": "false"}, {}, False),
    ],
)
def test_redaction_is_on_for_every_endpoint_off_this_machine(
    monkeypatch: pytest.MonkeyPatch,
    environ: dict[str, str],
    flags: dict[str, bool],
    expected: bool,
) -> None:
    for name in list(os.environ):
        if name.startswith(("OPENAI_", "IMR_LLM_")):
            monkeypatch.delenv(name)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert should_redact(load_settings(flags)) is expected


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(responder=respond) as running:
        yield running


SURNAME = {"SYN-OWN-01": "Quintero-Vasquez", "SYN-OWN-02": "Okonkwo"}


def _with_identifiers_in_the_rationale(stem: str, folder: Path) -> Path:
    """The letter with the worker's surname inside a rationale sentence too: the
    grounded engine sends only the numbered rationale sentences, so that is where an identifier
    could leave the machine; its name must still be learnt from the address block and salutation
    of the whole letter."""
    text = (DATA / f"{stem}.txt").read_text(encoding="utf-8")
    injected = f"Decision rationale: {SURNAME[stem]} was seen again for this review. "
    assert text.count("Decision rationale: ") >= 1
    letter = folder / f"{stem}.txt"
    letter.write_text(text.replace("Decision rationale: ", injected), encoding="utf-8")
    return letter


def _everything_stored(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize("stem", sorted(IDENTIFIERS))
def test_forced_redaction_keeps_identifiers_out_of_requests_cache_and_output(
    server: FakeOpenAIServer, tmp_path: Path, stem: str
) -> None:
    cache = tmp_path / "cache"
    env = clean_env(OPENAI_BASE_URL=server.base_url, IMR_LLM_CACHE_DIR=str(cache))
    letter = str(_with_identifiers_in_the_rationale(stem, tmp_path))
    outputs = []
    for args in (["summarize", "--format", "json"], ["summarize"], ["extract"]):
        done = invoke_cli(*args, letter, "--engine", "openai", "--redact", env=env)
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout + done.stderr)
    bodies = [r.body for r in server.requests]
    assert server.request_count >= 1  # one grounded call; the other commands hit the cache
    # the rationale was sent, with the surname (learnt from the whole letter) masked
    assert any("[name] was seen again" in body for body in bodies)
    stored = _everything_stored(cache)
    assert stored
    for identifier in IDENTIFIERS[stem]:
        for body in bodies:
            assert identifier not in body
            assert identifier.replace("/", "\\/") not in body
        assert identifier.encode() not in stored
        for output in outputs:
            if identifier not in SURNAME[stem]:  # the injected sentence is quoted from the letter
                assert identifier not in output


def test_without_redaction_a_loopback_server_gets_the_letter_as_it_is(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    env = clean_env(OPENAI_BASE_URL=server.base_url, IMR_LLM_CACHE_DIR=str(tmp_path / "c"))
    letter = _with_identifiers_in_the_rationale("SYN-OWN-02", tmp_path)
    done = invoke_cli("extract", str(letter), "--engine", "openai", env=env)
    assert done.returncode == 0, done.stderr
    assert "Okonkwo was seen again" in server.chat_requests[0].body
