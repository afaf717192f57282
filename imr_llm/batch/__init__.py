"""`imr-llm batch`: many letters into one JSON Lines file, in parallel, resumable.

- Inputs (files, folders, glob patterns) are expanded lazily and fed to the workers as they are
  needed: at most a few chunks per worker are in flight, so memory stays flat however many
  letters there are. Results are written as they arrive and never held.
- The letters go through the runner (runner.run) with BatchSteps; the engine chooses the
  executor: a process pool (`imap_unordered` in chunks) for the offline engine, asyncio (at most
  `settings.concurrency` letters in flight) or the OpenAI Batch API for the LLM engine.
- Resume: a letter whose hash (`source.sha256`) is already in the output file is skipped (a
  paper letter's hash is of its files, so it is skipped before any OCR).
  The output is only ever appended to; a half-written last line (a run killed mid-write) is cut
  off before appending, and every complete line is kept.
  CSV rows at the end of `--csv` whose letter has no line in the output are cut too.
- One letter's failure goes to the errors file (path, reason, error type, exit code) and the
  others go on.

Modules, in the order a letter passes through them: `inputs` (names to Jobs), `letters`
(BatchSteps: a Job read and skipped or prepared; the engine's value to an Outcome), `output`
(resume, and the Sink that writes), `run` (BatchRun: the runner, into the Sink); `config` holds
BatchConfig and BatchSummary.

May import: the runner and everything below it (engines, prepare, explain, letter, schema ...).
"""

from imr_llm.batch.config import BatchConfig, BatchSummary, default_workers, summary_line
from imr_llm.batch.inputs import Job, count_inputs, iter_inputs
from imr_llm.batch.letters import CSV_COLUMNS, Outcome
from imr_llm.batch.run import BatchRun

__all__ = [
    "CSV_COLUMNS",
    "BatchConfig",
    "BatchRun",
    "BatchSummary",
    "Job",
    "Outcome",
    "count_inputs",
    "default_workers",
    "iter_inputs",
    "summary_line",
]
