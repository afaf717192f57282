"""Running a batch: the runner (runner.py) with BatchSteps, results into the Sink."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from imr_llm.batch.config import BatchConfig, BatchSummary
from imr_llm.batch.inputs import iter_jobs
from imr_llm.batch.letters import BatchSteps, Outcome, setup_of
from imr_llm.batch.output import Sink, drop_unfinished_rows, load_done, repair_tail
from imr_llm.errors import ImrError
from imr_llm.runner import engine_for, run
from imr_llm.settings import LlmSettings


class BatchRun:
    """One batch run. `summary` is live, so an interrupted run can still report it."""

    def __init__(
        self,
        config: BatchConfig,
        engine: str = "offline",
        settings: LlmSettings | None = None,
        on_outcome: Callable[[Outcome], None] | None = None,
    ) -> None:
        self.config, self.engine, self.settings = config, engine, settings
        self.on_outcome = on_outcome
        self.summary = BatchSummary()

    def run(self, inputs: Iterable[str]) -> BatchSummary:
        started = time.perf_counter()
        try:
            done = self._prepare_output()
            sink = Sink(self.config, self.summary, done)
            try:
                self._dispatch(inputs, sink)
            finally:
                sink.close()
        finally:
            self.summary.seconds = time.perf_counter() - started
        return self.summary

    def _prepare_output(self) -> set[bytes]:
        out = self.config.out
        if out.is_dir():
            raise ImrError(f"cannot write {out}: is a folder; give --out a file name")
        try:
            notes = [repair_tail(out)]
            if self.config.csv is not None:
                notes.append(repair_tail(self.config.csv, json_lines=False))
            self.summary.notes += [note for note in notes if note]
            if not self.config.resume:
                return set()
            done, bad = load_done(out)
            if self.config.csv is not None:
                note = drop_unfinished_rows(self.config.csv, done)
                self.summary.notes += [note] if note else []
        except OSError as exc:
            raise ImrError(f"cannot read {out}: {exc.strerror}; check the path") from exc
        if bad:
            self.summary.notes.append(f"{out}: {bad} line(s) are not determinations; ignored")
        return done

    def _dispatch(self, inputs: Iterable[str], sink: Sink) -> None:
        setup = setup_of(self.config)
        state = None
        if self.engine != "offline" and self.config.openai_batch:
            state = str(self.config.out.with_name(self.config.out.name + ".batch-state.json"))
        engine = engine_for(self.engine, self.settings, openai_batch=state)
        pooled = engine.executor == "pool" and self.config.workers > 1
        # In one process the live set: a letter given twice in this run is skipped.
        steps = BatchSteps(setup, frozenset(sink.done) if pooled else sink.done)
        try:
            run(
                iter_jobs(inputs, self.config),
                "analyze" if setup.explanation_format else "extract",
                engine,
                steps,
                lambda outcomes: self._accept(sink, outcomes),
                lang=setup.lang,
                workers=self.config.workers,
                chunksize=self.config.chunksize,
            )
        finally:
            report = getattr(engine, "openai_batch_report", None)
            if report is not None:
                self.summary.notes.append(report.line())

    def _accept(self, sink: Sink, outcomes: Iterable[Outcome]) -> None:
        for outcome in outcomes:
            sink.accept(outcome)
            if self.on_outcome:
                self.on_outcome(outcome)
        sink.flush()
