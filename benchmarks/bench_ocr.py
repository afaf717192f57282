"""OCR on paper letters: every real bundled letter PDF rendered to page images, degraded as
scanners and phones do, read back through imr_llm (OCR -> parse -> determination), and scored
against the hand-labeled gold with imr_llm.evals.scoring.

Variants (the seed is fixed per letter, so every run degrades the same way):
  scan300     a clean 300-dpi grey scan (PNG)
  scan150     a clean 150-dpi grey scan (PNG)
  rotated     300 dpi, turned by up to 3 degrees (a page fed crooked)
  blur        300 dpi, Gaussian blur radius 1.5 (focus, a worn glass)
  jpeg        300 dpi, JPEG quality 25
  lighting    300 dpi, light falling to 45% across the page (a lamp to one side)
  photo       a phone photo: perspective skew (corners moved up to 5%), up to 3 degrees of
              rotation, uneven light, colour JPEG quality 70

For each variant: letters read, refused (a clear error, never a guess), items found, decisions
right, wrong decisions (must be 0), header fields right, wrong header dates (a value that is not
the gold's; a null is a miss, not a wrong), pages named in a low-confidence warning, and
seconds of OCR per page (2 letters at once on 2 cores; tesseract limited to one thread each).

    python benchmarks/bench_ocr.py [--limit 8 | --spread 16] [--variants scan300,photo]
        [--rows rows.jsonl] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from _common import ROOT, machine, real_letters

from imr_llm.ocr import LOW_PAGE_CONFIDENCE

GOLD = ROOT / "evals" / "gold"
VARIANTS = ("scan300", "scan150", "rotated", "blur", "jpeg", "lighting", "photo")
HEADER = (
    "case_number",
    "date_assigned",
    "decision_date",
    "date_of_injury",
    "ur_denial_date",
    "application_received",
    "priority",
)


def _pages(pdf: Path, dpi: int, color: bool = False) -> list[Any]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    images = [
        document[i]
        .render(scale=dpi / 72, grayscale=not color)
        .to_pil()
        .convert("RGB" if color else "L")
        for i in range(len(document))
    ]
    document.close()
    return images


def _light(image: Any, rng: random.Random, floor: float = 0.45) -> Any:
    """Light falling from 100% at one corner to `floor` at the opposite one."""
    import numpy as np
    from PIL import Image

    h, w = image.height, image.width
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    gx, gy = rng.choice([(1, 0), (0, 1), (1, 1), (-1, 1)])
    ramp = gx * xs / w + gy * ys / h
    ramp = (ramp - ramp.min()) / max(float(ramp.max() - ramp.min()), 1e-6)
    factor = 1.0 - (1.0 - floor) * ramp
    pixels = np.asarray(image, dtype=np.float32)
    if pixels.ndim == 3:
        factor = factor[..., None]
    return Image.fromarray(np.clip(pixels * factor, 0, 255).astype(np.uint8))


def _perspective(image: Any, rng: random.Random) -> Any:
    """Corners moved inward by up to 5%, as a phone held not quite square to the page."""
    from PIL import Image

    w, h = image.size

    def jitter(limit: float) -> float:
        return rng.uniform(0, limit)

    d = 0.05
    corners = [
        (jitter(d) * w, jitter(d) * h),
        (w - jitter(d) * w, jitter(d) * h),
        (w - jitter(d) * w, h - jitter(d) * h),
        (jitter(d) * w, h - jitter(d) * h),
    ]
    target = [(0, 0), (w, 0), (w, h), (0, h)]
    coefficients = _perspective_coefficients(target, corners)
    return image.transform(
        (w, h),
        Image.Transform.PERSPECTIVE,
        coefficients,
        Image.Resampling.BICUBIC,
        fillcolor=(90, 80, 70) if image.mode == "RGB" else 80,  # a table top around the page
    )


def _perspective_coefficients(dst: list[Any], src: list[Any]) -> list[float]:
    import numpy as np

    rows = []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    a = np.array(rows, dtype=np.float64)
    b = np.array([c for point in src for c in point], dtype=np.float64)
    return [float(c) for c in np.linalg.solve(a, b)]


def degrade(pdf: Path, variant: str, folder: Path) -> int:
    """Write the letter's pages as `variant` images into `folder`; return the page count."""
    from PIL import Image, ImageFilter

    rng = random.Random(f"{pdf.stem}-{variant}")
    color = variant == "photo"
    pages = _pages(pdf, 150 if variant == "scan150" else 300, color=color)
    for number, page in enumerate(pages, 1):
        suffix, options = "png", {}
        if variant == "rotated":
            page = page.rotate(rng.uniform(-3, 3), Image.Resampling.BICUBIC, fillcolor=255)
        elif variant == "blur":
            page = page.filter(ImageFilter.GaussianBlur(1.5))
        elif variant == "jpeg":
            suffix, options = "jpg", {"quality": 25}
        elif variant == "lighting":
            page = _light(page, rng)
        elif variant == "photo":
            page = page.rotate(rng.uniform(-3, 3), Image.Resampling.BICUBIC, fillcolor=(255,) * 3)
            page = _perspective(page, rng)
            page = _light(page, rng, floor=0.6)
            suffix, options = "jpg", {"quality": 70}
        page.save(folder / f"page{number}.{suffix}", **options)
    return len(pages)


def _cpu_seconds() -> float:
    """This process's CPU time plus its finished children's (tesseract runs as a child)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_one(task: tuple[str, str]) -> dict[str, Any]:
    """Degrade one letter one way, read it with imr_llm, score it against the gold."""
    from imr_llm.errors import ImrError
    from imr_llm.evals.gold import load_gold_file
    from imr_llm.evals.scoring import score_letter
    from imr_llm.prepare import prepared_from, skeleton
    from imr_llm.reading import read_letter

    pdf, variant = Path(task[0]), task[1]
    gold = load_gold_file(GOLD / f"{pdf.stem}.json")
    with tempfile.TemporaryDirectory() as tmp:
        pages = degrade(pdf, variant, Path(tmp))
        started, cpu_started = time.perf_counter(), _cpu_seconds()
        try:
            letter = read_letter(tmp)
            seconds = time.perf_counter() - started
            cpu = _cpu_seconds() - cpu_started
            determination = skeleton(prepared_from(letter))
        except ImrError as error:
            return {
                "letter": pdf.stem,
                "variant": variant,
                "pages": pages,
                "seconds": time.perf_counter() - started,
                "cpu_seconds": _cpu_seconds() - cpu_started,
                "refused": str(error).replace(tmp, "<folder>"),
                "items": len(gold.treatments),
            }
    score = score_letter(gold, determination, None, "")
    header_wrong = [
        m.field
        for m in score.misses
        if m.field.startswith("case.") and m.got is not None and m.field != "case.priority"
    ]
    return {
        "letter": pdf.stem,
        "variant": variant,
        "commit": os.environ.get("BENCH_OCR_COMMIT", ""),
        "pages": pages,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "refused": None,
        "items": len(gold.treatments),
        "found": sum(score.scores.get("treatments.found", [])),
        "extra": len(score.scores.get("treatments.extra_free", []))
        - sum(score.scores.get("treatments.extra_free", [])),
        "decisions_right": sum(score.scores.get("treatment.decision", [])),
        "decisions_wrong": sum(1 for v in score.scores.get("treatment.decision", []) if v < 1),
        "header_right": sum(sum(score.scores.get(f"case.{f}", [])) for f in HEADER),
        "header_n": sum(len(score.scores.get(f"case.{f}", [])) for f in HEADER),
        "header_wrong_dates": header_wrong,
        "low_page_warning": any("read poorly by OCR" in w for w in determination.warnings),
        "confidence": determination.source.ocr_confidence,
    }


def same_letters(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """scan300 as run; the degraded variants only on the letters that every degraded variant
    has (a run cut short, or two runners meeting, may leave one a letter ahead), so that their
    rows compare."""
    degraded = {r["variant"] for r in rows} - {"scan300"}
    if not degraded:
        return rows
    common = set.intersection(*({r["letter"] for r in rows if r["variant"] == v} for v in degraded))
    return [r for r in rows if r["variant"] == "scan300" or r["letter"] in common]


def summarise(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    table: dict[str, dict[str, Any]] = {}
    for variant in VARIANTS:
        mine = [r for r in rows if r["variant"] == variant]
        if not mine:
            continue
        read = [r for r in mine if r["refused"] is None]
        items_read = sum(r["items"] for r in read)
        header_n = sum(r["header_n"] for r in read)
        table[variant] = {
            "letters": len(mine),
            "read": len(read),
            "refused": len(mine) - len(read),
            "items_all": sum(r["items"] for r in mine),
            "items_found": sum(r["found"] for r in read),
            "items_of_read": items_read,
            "extra_items": sum(r["extra"] for r in read),
            "decisions_right": sum(r["decisions_right"] for r in read),
            "decisions_wrong": sum(r["decisions_wrong"] for r in read),
            "header_right": sum(r["header_right"] for r in read),
            "header_n": header_n,
            "wrong_header_dates": sum(len(r["header_wrong_dates"]) for r in read),
            "low_page_warnings": sum(  # pages named as read poorly (blank pages are not)
                1 for r in read for c in r["confidence"] if 0 < c < LOW_PAGE_CONFIDENCE
            ),
            "seconds_per_page": round(
                sum(r["seconds"] for r in mine) / max(1, sum(r["pages"] for r in mine)), 2
            ),
            "cpu_seconds_per_page": round(
                sum(r["cpu_seconds"] for r in mine if "cpu_seconds" in r)
                / sum(r["pages"] for r in mine if "cpu_seconds" in r),
                2,
            )
            if any("cpu_seconds" in r for r in mine)
            else "-",
            "median_confidence": round(
                statistics.median([c for r in read for c in r["confidence"]] or [0.0]), 1
            ),
        }
    return table


def _pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def markdown(table: dict[str, dict[str, Any]]) -> str:
    lines = [
        "| variant | letters read / refused | items found (of read) | decisions right "
        "| wrong decisions | header fields right | wrong header dates | low-confidence "
        "pages | CPU s/page | wall s/page |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for variant, t in table.items():
        lines.append(
            f"| {variant} | {t['read']} / {t['refused']} "
            f"| {t['items_found']:.0f}/{t['items_of_read']} ({_pct(t['items_found'], t['items_of_read'])}) "
            f"| {t['decisions_right']:.0f}/{t['items_of_read']} "
            f"({_pct(t['decisions_right'], t['items_of_read'])}) "
            f"| {t['decisions_wrong']} "
            f"| {_pct(t['header_right'], t['header_n'])} "
            f"| {t['wrong_header_dates']} | {t['low_page_warnings']} | {t['cpu_seconds_per_page']} "
            f"| {t['seconds_per_page']} |"
        )
    return "\n".join(lines)


def versions() -> dict[str, str]:
    from importlib.metadata import version

    tesseract = subprocess.run(
        ["tesseract", "--version"], capture_output=True, text=True, check=False
    ).stdout.splitlines()[0]
    return {
        "tesseract": tesseract,
        **{name: version(name) for name in ("pytesseract", "pillow", "numpy", "pypdfium2")},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, help="only the first N letters (a quick run)")
    parser.add_argument(
        "--spread",
        type=int,
        help="only N letters picked evenly over the whole set by name (the same N for every "
        "variant), so a short run still covers the set",
    )
    parser.add_argument(
        "--reverse",
        action="store_true",
        help="run the tasks last first: a second runner (with its own --rows) works through "
        "the same set from the other end",
    )
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--json", type=Path, help="write every letter's result here")
    parser.add_argument(
        "--rows",
        type=Path,
        action="append",
        default=[],
        help="append each letter's result here as it finishes (JSON Lines); rows already in the "
        "file are kept, not run again, so an interrupted run resumes. Given again, the other "
        "files' rows (of other runners) are read too, and this run appends to the first",
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="run nothing: report the rows already in --rows (e.g. of a run cut short)",
    )
    args = parser.parse_args()
    variants = [v for v in args.variants.split(",") if v]
    unknown = set(variants) - set(VARIANTS)
    if unknown:
        sys.exit(f"bench_ocr: unknown variant(s) {', '.join(sorted(unknown))}")
    pdfs = [p for p in real_letters(".pdf") if (GOLD / f"{p.stem}.json").exists()]
    pdfs = pdfs[: args.limit] if args.limit else pdfs
    if args.spread and args.spread < len(pdfs):
        pdfs = [pdfs[i * len(pdfs) // args.spread] for i in range(args.spread)]
    os.environ["OMP_THREAD_LIMIT"] = "1"  # one tesseract thread per worker: jobs = cores
    os.environ["BENCH_OCR_COMMIT"] = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    # letter by letter, every variant of one letter together: a run cut short still covers the
    # same letters in every variant
    tasks = [(str(p), v) for p in pdfs for v in variants]
    wanted = {(Path(p).stem, v) for p, v in tasks}
    kept: dict[tuple[str, str], dict[str, Any]] = {}  # the first row of each letter and variant
    for path in args.rows:
        for line in path.read_text().splitlines() if path.exists() else []:
            row = json.loads(line)
            if (row["letter"], row["variant"]) in wanted:
                kept.setdefault((row["letter"], row["variant"]), row)
    rows = list(kept.values())
    tasks = [(p, v) for p, v in tasks if (Path(p).stem, v) not in kept]
    if args.reverse:
        tasks.reverse()
    if args.report_only:
        tasks = []
    started = time.monotonic()
    with ProcessPoolExecutor(args.jobs) as pool:
        for number, row in enumerate(pool.map(run_one, tasks), 1):
            rows.append(row)
            if args.rows:
                with args.rows[0].open("a") as handle:
                    handle.write(json.dumps(row) + "\n")
            print(
                f"[{number}/{len(tasks)}] {row['variant']} {row['letter']}: "
                f"{'refused' if row['refused'] else 'read'} {row['seconds']:.1f} s",
                file=sys.stderr,
                flush=True,
            )
    rows = same_letters(rows)
    table = summarise(rows)
    info = {
        **machine(),
        **versions(),
        "letters": str(len(pdfs)),
        "jobs": str(args.jobs),
        "load_after": Path("/proc/loadavg").read_text().split()[0],
    }
    print(
        f"OCR benchmark, {info['date']}: up to {len(pdfs)} real letters a variant (the table "
        f"counts them), {info['tesseract']}, "
        f"pytesseract {info['pytesseract']}, {info['cores']} cores, {args.jobs} at once, "
        f"{time.monotonic() - started:.0f} s wall for what ran now, load average after "
        f"{info['load_after']}"
    )
    print()
    print(markdown(table))
    refused = [r for r in rows if r["refused"]]
    if refused:
        print()
        print("Refused (the tool's own message):")
        for r in refused:
            print(f"- {r['variant']} {r['letter']}: {r['refused']}")
    wrong = [
        r
        for r in rows
        if r["refused"] is None and (r["decisions_wrong"] or r["header_wrong_dates"])
    ]
    if wrong:
        print()
        print("Wrong values:")
        for r in wrong:
            print(
                f"- {r['variant']} {r['letter']}: decisions wrong {r['decisions_wrong']}, "
                f"header {r['header_wrong_dates']}"
            )
    if args.json:
        args.json.write_text(
            json.dumps({"machine": info, "table": table, "letters": rows}, indent=1)
        )


if __name__ == "__main__":
    main()
