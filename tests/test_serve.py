"""`imr-llm serve` as a real server (uvicorn in a subprocess on a loopback port), driven with
httpx and raw sockets: the JSON API gives exactly the CLI's output, every bad input is a clear
4xx through the API and the page, the limits hold while the body streams in, and nothing of a
letter is left on disk or in the log."""

from __future__ import annotations

import functools
import html
import http.client
import json
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import LETTERS, ROOT, clean_env, wait_until
from serve_server import Server, running_server
from test_bad_input import _cut_off, _encrypted_pdf, _image_only_pdf

from imr_llm.errors import ImrError
from imr_llm.runner import extract
from imr_llm.serve.page_text import page_text

PDF = LETTERS / "CM16-0213037.pdf"
TEXT = LETTERS / "CM17-0015218.txt"
NAME = "Rosalind Quintanilla-Brave"
SYNTHETIC_CASE = "CM13-0031846"
MIB = 1024 * 1024
get = functools.partial(httpx.get, timeout=60)  # the machine may be busy: no tight deadlines
post = functools.partial(httpx.post, timeout=60)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    # a long time limit: OCR of an upload on a machine whose cores are shared can pass the
    # default 60 s (the limit itself is tested on its own server below)
    with running_server(tmp_path_factory.mktemp("serve"), "--timeout", "900") as running:
        yield running


SUMMARIES = [("es", "json", True), ("en", "html", False), ("es", "md", True), ("en", "text", False)]


@pytest.fixture(scope="module")
def cli_outputs() -> dict[tuple[str, ...], str]:
    """What the CLI prints for the letters the API tests send, on stdin (so that its JSON has
    no path, like an upload's). In process, through the CLI's own code, to keep this fast."""
    from click.testing import CliRunner

    from imr_llm.cli import app

    runs = {("extract", "--engine", "offline"): PDF.read_bytes()}
    for lang, output_format, _ in SUMMARIES:
        runs[("summarize", "--engine", "offline", "--lang", lang, "--format", output_format)] = (
            TEXT.read_bytes()
        )
    outputs = {}
    for args, stdin in runs.items():
        result = CliRunner().invoke(app, [*args, "-"], input=stdin)
        assert result.exit_code == 0, result.output
        outputs[args[:1] + args[3:]] = result.stdout
    return outputs


def _named_letter() -> str:
    """A synthetic letter with a made-up worker's name in it, to look for in the log."""
    text = (LETTERS / "SYN-2013-01.txt").read_text(encoding="utf-8")
    text = text.replace("Employee Name:  [redacted]", f"Employee Name:  {NAME}")
    return text.replace("Dear [redacted],", f"Dear {NAME},")


def test_health_says_which_engine_and_openapi_is_served(server: Server) -> None:
    health = get(f"{server.url}/api/health").json()
    assert health["status"] == "ok"
    assert health["engine"] == "offline"
    spec = get(f"{server.url}/openapi.json").json()
    assert set(spec["paths"]) == {"/api/extract", "/api/summarize", "/api/health"}
    assert {"Determination", "Explanation", "Problem"} <= set(spec["components"]["schemas"])
    body = spec["paths"]["/api/summarize"]["post"]["requestBody"]["content"]
    assert set(body) == {"multipart/form-data", "application/json"}
    icon = get(f"{server.url}/favicon.ico")  # browsers ask for it; a 404 is a console error
    assert icon.status_code == 204


def test_extract_api_gives_the_cli_json_for_a_pdf_upload(
    server: Server, cli_outputs: dict[tuple[str, ...], str]
) -> None:
    data = PDF.read_bytes()
    response = post(f"{server.url}/api/extract", files={"file": ("a.bin", data)})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.text == cli_outputs[("extract",)]
    assert [t["decision"] for t in response.json()["treatments"]] == ["upheld", "upheld"]


@pytest.mark.parametrize(("lang", "output_format", "as_json"), SUMMARIES)
def test_summarize_api_gives_the_cli_output(
    server: Server,
    cli_outputs: dict[tuple[str, ...], str],
    lang: str,
    output_format: str,
    as_json: bool,
) -> None:
    text = TEXT.read_text(encoding="utf-8")
    if as_json:
        payload = {"text": text, "lang": lang, "format": output_format}
        response = post(f"{server.url}/api/summarize", json=payload)
    else:
        response = post(
            f"{server.url}/api/summarize",
            files={"file": ("letter.txt", text.encode())},
            data={"lang": lang, "format": output_format},
        )
    assert response.status_code == 200, response.text
    assert response.text == cli_outputs[("summarize", "--lang", lang, "--format", output_format)]


def _scans() -> dict[str, bytes]:
    """The PDF letter's pages as pictures: a multi-page TIFF, and a PDF with no text layer."""
    import io

    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(PDF))
    pages = [document[i].render(scale=300 / 72).to_pil().convert("L") for i in range(len(document))]
    document.close()
    tiff, pdf = io.BytesIO(), io.BytesIO()
    pages[0].save(tiff, format="TIFF", save_all=True, append_images=pages[1:])
    pages[0].save(pdf, format="PDF", save_all=True, append_images=pages[1:], resolution=300)
    return {"tiff": tiff.getvalue(), "scanned pdf": pdf.getvalue()}


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")
@pytest.mark.parametrize("kind", ["tiff", "scanned pdf"])
def test_a_scan_or_photo_upload_is_read_by_ocr_like_the_cli(server: Server, kind: str) -> None:
    from click.testing import CliRunner

    from imr_llm.cli import app

    data = _scans()[kind]
    # OCR of two pages takes one core for a while, more on a busy machine: wait up to the
    # server's own time limit (the module's server has 900 s) rather than 60 s
    response = post(f"{server.url}/api/extract", files={"file": ("scan", data)}, timeout=900)
    assert response.status_code == 200, response.text
    cli = CliRunner().invoke(app, ["extract", "--engine", "offline", "-"], input=data)
    assert cli.exit_code == 0, cli.output
    assert response.text == cli.stdout
    determination = response.json()
    assert determination["source"]["text_from"] == "ocr"
    assert [t["decision"] for t in determination["treatments"]] == ["upheld", "upheld"]


def _bad_inputs(tmp: Path) -> dict[str, tuple[bytes, str, int]]:
    """name: (file bytes, code, status)."""
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20
    gif = b"GIF89a" + bytes(range(256)) * 20
    return {
        "empty": (b"", "empty_file", 400),
        "binary": (bytes(range(256)) * 40, "binary_file", 415),
        "damaged picture": (png, "image_damaged", 422),
        "gif": (gif, "image_unsupported", 415),
        # a scan is read by OCR, as the CLI reads it; a blank page gives OCR nothing to read
        "no text layer": (_image_only_pdf(tmp).read_bytes(), "ocr_unreadable", 422),
        "locked pdf": (_encrypted_pdf(tmp).read_bytes(), "pdf_password", 422),
        "not IMR": (b"Dear tenant,\nYour rent is due on Monday.\n" * 20, "not_imr_letter", 422),
        "cut off": (_cut_off(tmp).read_bytes(), "letter_cut_off", 422),
    }


def _no_address(message: str) -> str:
    """PIL names an unreadable picture by its object's memory address, different each run."""
    return re.sub(r" at 0x[0-9a-f]+", "", message)


BAD = [
    "empty",
    "binary",
    "damaged picture",
    "gif",
    "no text layer",
    "locked pdf",
    "not IMR",
    "cut off",
]


@pytest.mark.parametrize("name", BAD)
def test_bad_file_is_a_clear_4xx_through_api_and_page(
    server: Server, tmp_path: Path, name: str
) -> None:
    data, code, status = _bad_inputs(tmp_path)[name]
    api = post(f"{server.url}/api/extract", files={"file": ("letter.pdf", data)})
    assert api.status_code == status
    problem = api.json()
    assert problem["code"] == code
    if name != "gif":  # the CLI reads a GIF as binary; only the server says "picture"
        path = tmp_path / "upload"
        path.write_bytes(data)
        with pytest.raises(ImrError) as raised:  # what the CLI prints after "imr-llm: error: "
            extract(str(path), engine="offline")
        cli_message = str(raised.value).replace(str(path), "upload")
        assert _no_address(problem["message"]) == _no_address(cli_message)
        assert problem["exit_code"] == raised.value.exit_code

    page = post(
        f"{server.url}/explain?lang=es",
        files={"file": ("carta.pdf", data)},
        data={"lang": "es"},
    )
    assert page.status_code == status
    assert page.headers["content-type"].startswith("text/html")
    assert '<html lang="es">' in page.text
    alert = re.search(r'role="alert".*?</div>', page.text, re.S)
    assert alert is not None
    assert page_text("es")[f"err_{code}"] in html.unescape(alert.group(0))
    assert get(f"{server.url}/api/health").status_code == 200  # still serving


@pytest.mark.parametrize(
    ("content_type", "body", "code", "status"),
    [
        ("multipart/form-data", b"not a form", "malformed_request", 400),
        (
            "multipart/form-data; boundary=cut",
            b'--cut\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF',
            "no_letter",
            400,
        ),
        ("application/json", b'{"text": ', "malformed_request", 400),
        ("application/json", b'{"letter": "x"}', "malformed_request", 400),
        ("application/octet-stream", PDF.read_bytes(), "unsupported_media_type", 415),
    ],
)
def test_malformed_requests_are_clear_4xx(
    server: Server, content_type: str, body: bytes, code: str, status: int
) -> None:
    for path in ("/api/summarize", "/explain"):
        response = post(f"{server.url}{path}", content=body, headers={"content-type": content_type})
        assert response.status_code == status
        if path.startswith("/api"):
            assert response.json()["code"] == code
            assert response.json()["message"]
        else:
            assert page_text("en")[f"err_{code}"] in html.unescape(response.text)


def test_pasted_text_over_the_field_limit_is_too_large(server: Server) -> None:
    text = TEXT.read_text(encoding="utf-8") * 400  # over 2 MiB in one form field
    response = post(f"{server.url}/api/summarize", files={"text": (None, text.encode())})
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_bad_options_are_refused(server: Server) -> None:
    text = TEXT.read_text(encoding="utf-8")
    for payload in ({"text": text, "lang": "fr"}, {"text": text, "format": "pdf"}):
        response = post(f"{server.url}/api/summarize", json=payload)
        assert response.status_code == 400
        assert response.json()["code"] == "bad_option"


def _raw_upload(port: int, path: str, headers: dict[str, str]) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    sock.sendall((head + "\r\n").encode())
    return sock


def _response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    answer = http.client.HTTPResponse(sock)
    answer.begin()
    body = answer.read()
    sock.close()
    return answer.status, {k.lower(): v for k, v in answer.getheaders()}, body


def _multipart_head(boundary: str = "b0undary") -> tuple[bytes, bytes, str]:
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    return head, f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_a_25_mb_upload_is_refused_from_its_length_before_the_body_is_read(
    server: Server,
) -> None:
    head, _, content_type = _multipart_head()
    for path in ("/api/extract", "/explain"):
        sock = _raw_upload(
            server.port,
            path,
            {"Content-Type": content_type, "Content-Length": str(25 * MIB)},
        )
        sock.sendall(head + b"\0" * 65536)  # and no more: the answer must come without the rest
        status, _, body = _response(sock)
        assert status == 413
        if path == "/api/extract":
            assert json.loads(body)["code"] == "too_large"
        else:
            assert page_text("en")["err_too_large"] in html.unescape(body.decode())
    assert get(f"{server.url}/api/health").status_code == 200


def _log_line(server: Server, after: int, words: str) -> str:
    """The first log line past line `after` with `words` (the server writes it just after
    sending the response)."""
    found: list[str] = []

    def written() -> bool:
        found[:] = [line for line in server.log().splitlines()[after:] if words in line]
        return bool(found)

    wait_until(written, f"a log line with {words!r}")
    return found[0]


def test_a_chunked_upload_is_cut_off_at_the_limit_while_it_streams(server: Server) -> None:
    head, _, content_type = _multipart_head()
    before = len(server.log().splitlines())
    sock = _raw_upload(
        server.port, "/api/extract", {"Content-Type": content_type, "Transfer-Encoding": "chunked"}
    )
    chunk = b"\0" * MIB
    sent = 0
    sock.setblocking(False)
    payload = f"{len(head):x}\r\n".encode() + head + b"\r\n"
    while sent < 60 * MIB:
        readable, writable, _ = select.select([sock], [sock], [], 10)
        if readable:
            break
        if writable:
            try:
                sent += sock.send(payload)
            except BlockingIOError:
                continue
            payload = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    sock.setblocking(True)
    status, _, body = _response(sock)
    assert status == 413
    assert json.loads(body)["code"] == "too_large"
    line = _log_line(server, before, "code=too_large")
    read = int(re.search(r" in=(\d+) ", line).group(1))  # type: ignore[union-attr]
    assert 20 * MIB < read <= 21 * MIB + 2 * MIB  # it stopped reading at the limit
    assert sent < 60 * MIB


def test_security_headers_and_no_cookies(server: Server) -> None:
    responses = [
        get(f"{server.url}/"),
        get(f"{server.url}/static/serve.js"),
        get(f"{server.url}/api/health"),
        post(f"{server.url}/api/extract", json={"text": ""}),
        post(f"{server.url}/explain", files={"text": (None, TEXT.read_bytes())}),
    ]
    for response in responses:
        csp = response.headers["content-security-policy"]
        assert "default-src 'none'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "http" not in csp  # no remote origin allowed anywhere
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert "set-cookie" not in response.headers
    assert responses[-1].status_code == 200
    assert "serve-tools" in responses[-1].text


def test_log_lines_are_common_log_format(server: Server) -> None:
    before = len(server.log().splitlines())
    get(f"{server.url}/?lang=es&secret=CM16-0000001")
    _log_line(server, before, '"GET / HTTP/1.1" 200')
    lines = [line for line in server.log().splitlines() if line.startswith("127.0.0.1 - - [")]
    assert lines
    pattern = re.compile(
        r'^127\.0\.0\.1 - - \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "(GET|POST) \S+ '
        r'HTTP/1\.1" \d{3} \d+ in=\d+ ms=\d+\.\d code=[\w-]+$'
    )
    assert all(pattern.match(line) for line in lines), lines
    assert "CM16-0000001" not in server.log()  # query strings are not logged


def test_nothing_of_a_letter_stays_on_disk_or_in_the_log(server: Server) -> None:
    letter = _named_letter()
    cut = letter[: letter.index("Treatment Guideline") + 40]
    big = bytes(range(256)) * (3 * MIB // 256)  # over Starlette's 1 MiB in-memory default
    before = len(server.log().splitlines())
    calls = [
        post(f"{server.url}/api/extract", json={"text": letter}),
        post(f"{server.url}/api/summarize", files={"file": ("n.txt", letter.encode())}),
        post(f"{server.url}/explain", files={"file": (f"{NAME}.txt", letter.encode())}),
        post(f"{server.url}/explain", files={"text": (None, cut.encode())}),
        post(f"{server.url}/api/extract", files={"file": (f"{NAME}.bin", big)}),
    ]
    assert [c.status_code for c in calls][:3] == [200, 200, 200]
    assert all(c.status_code >= 400 for c in calls[3:])
    assert calls[0].json()["case"]["case_number"] == SYNTHETIC_CASE  # the number was read
    _log_line(server, before + 4, "code=binary_file")  # every request's line is written
    log = server.log()
    assert SYNTHETIC_CASE not in log
    assert NAME not in log
    assert "Quintanilla" not in log
    assert list(server.tmpdir.iterdir()) == []


def _slow_upload(server: Server, path: str = "/api/extract") -> tuple[socket.socket, bytes]:
    """Start an upload of a real letter and stop half way: the request is admitted and waits
    for the rest of its body. Returns the socket and the bytes still to send."""
    head, tail, content_type = _multipart_head()
    body = head + PDF.read_bytes() + tail
    sock = _raw_upload(
        server.port, path, {"Content-Type": content_type, "Content-Length": str(len(body))}
    )
    sock.sendall(body[: len(body) // 2])
    wait_until(
        lambda: get(f"{server.url}/api/health").json()["letters_in_progress"] >= 1,
        "the half-sent letter admitted",
    )
    return sock, body[len(body) // 2 :]


def test_busy_server_says_503_with_retry_after_and_slow_requests_time_out(
    tmp_path: Path,
) -> None:
    # The refusals below must come within the time limit of the half-sent letter, so the limit
    # leaves room for a busy machine; the test then waits it out once.
    args = ("--letters-at-once", "1", "--queue", "0", "--timeout", "10")
    with running_server(tmp_path, *args) as busy:
        sock, _ = _slow_upload(busy)
        refused = post(f"{busy.url}/api/extract", files={"file": ("a", PDF.read_bytes())})
        assert refused.status_code == 503
        assert refused.json()["code"] == "busy"
        assert int(refused.headers["retry-after"]) > 0
        page = post(f"{busy.url}/explain", files={"file": ("a", PDF.read_bytes())})
        assert page.status_code == 503
        assert page_text("en")["err_busy"] in html.unescape(page.text)

        status, headers, body = _response(sock)  # never finished: the time limit ends it
        assert status == 503
        assert json.loads(body)["code"] == "timeout"
        assert "retry-after" in headers
        after = post(f"{busy.url}/api/extract", files={"file": ("a", PDF.read_bytes())})
        assert after.status_code == 200


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")
def test_a_scan_past_the_time_limit_stops_its_ocr_so_the_next_letter_is_served(
    tmp_path: Path,
) -> None:
    """One letter thread: if the scan's OCR went on after its 503 (8 pages, about 35 CPU
    seconds), the next letter would wait behind it past its own limit."""
    import io

    from PIL import Image

    pages = [Image.open(io.BytesIO(_scans()["tiff"]))]
    pages += [pages[0].copy() for _ in range(7)]
    long_scan = io.BytesIO()
    pages[0].save(
        long_scan, format="TIFF", save_all=True, append_images=pages[1:], compression="tiff_lzw"
    )
    args = ("--letters-at-once", "1", "--queue", "0", "--timeout", "6")
    with running_server(tmp_path, *args) as server:
        scan = post(f"{server.url}/api/extract", files={"file": ("scan", long_scan.getvalue())})
        assert scan.status_code == 503
        assert scan.json()["code"] == "timeout"
        after = post(f"{server.url}/api/extract", files={"file": ("a", PDF.read_bytes())})
        assert after.status_code == 200, after.text
        assert after.json()["case"]["case_number"] == "CM16-0213037"
        assert list(server.tmpdir.iterdir()) == []  # the stopped OCR left no files behind


def test_graceful_shutdown_finishes_the_letter_in_flight(tmp_path: Path) -> None:
    with running_server(tmp_path) as server:
        sock, rest = _slow_upload(server)
        server.process.send_signal(signal.SIGTERM)

        def refused() -> bool:  # no new requests once shutting down
            try:
                get(f"{server.url}/api/health", timeout=10)
            except httpx.TransportError:
                return True
            return False

        wait_until(refused, "new requests refused after SIGTERM")
        sock.sendall(rest)
        status, _, body = _response(sock)
        assert status == 200
        assert json.loads(body)["case"]["case_number"] == "CM16-0213037"
        # uvicorn ends by re-raising SIGTERM once it has shut down (systemd counts that as a
        # clean stop); anything else would be a crash.
        assert server.process.wait(timeout=20) in (0, -signal.SIGTERM)


def test_shared_password_and_network_warning(tmp_path: Path) -> None:
    env = {"IMR_LLM_SERVE_PASSWORD": "clinic-pass"}
    with running_server(tmp_path, env=env, host="0.0.0.0") as server:
        assert get(f"{server.url}/").status_code == 401
        wrong = post(f"{server.url}/api/extract", json={"text": "x"}, auth=("a", "nope"))
        assert wrong.status_code == 401
        assert wrong.json()["code"] == "unauthorized"
        assert "basic" in wrong.headers["www-authenticate"].lower()
        assert get(f"{server.url}/api/health").status_code == 200  # for monitors
        page = get(f"{server.url}/", auth=("anyone", "clinic-pass"))
        assert page.status_code == 200
        assert "set-cookie" not in page.headers
    assert "reachable from the network" in server.log()
    assert "clinic-pass" not in server.log()


def test_openai_engine_without_endpoint_is_a_clear_error() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "imr_llm", "serve", "--engine", "openai"],
        capture_output=True,
        text=True,
        timeout=60,
        env=clean_env(),
        cwd=ROOT,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("imr-llm: error: ")
    assert "Traceback" not in result.stderr


def test_openai_engine_reads_through_the_endpoint_and_caches_nothing(tmp_path: Path) -> None:
    from fake_openai_server import FakeOpenAIServer
    from llm_responder import respond

    cache = tmp_path / "cache"
    with FakeOpenAIServer(responder=respond) as endpoint:
        env = {"OPENAI_BASE_URL": endpoint.base_url, "IMR_LLM_CACHE_DIR": str(cache)}
        # importing openai's client takes seconds on a busy machine: a longer start allowance
        with running_server(tmp_path, "--engine", "openai", env=env, start_seconds=180) as server:
            health = get(f"{server.url}/api/health").json()
            assert (health["engine"], health["model"]) == ("openai", "gpt-4o-mini")
            response = post(f"{server.url}/api/extract", json={"text": TEXT.read_text()})
            assert response.status_code == 200, response.text
            determination = response.json()
            assert determination["engine"]["name"] == "openai"
            assert determination["case"]["case_number"] == "CM17-0015218"
            assert len(endpoint.requests) >= 1
    assert not cache.exists() or not any(cache.rglob("*"))  # no response cache on disk


def test_a_server_without_tesseract_says_so_as_a_501() -> None:
    from imr_llm.ocr import INSTALL_HINT, OcrUnavailableError
    from imr_llm.serve.problems import problem_for

    problem = problem_for(OcrUnavailableError(INSTALL_HINT))
    assert (problem.code, problem.status, problem.message) == (
        "ocr_unavailable",
        501,
        INSTALL_HINT,
    )
    assert page_text("es")["err_ocr_unavailable"]
