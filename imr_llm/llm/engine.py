"""The hybrid LLM engine: the deterministic parse is the skeleton, the model fills what needs
understanding and writes the explanation, and every answer is checked against the letter.

- items, requests and decisions come from the parse; the model's decisions are guarded by them;
- categories, diagnoses, reasons (each with a verbatim quote, located in the letter) and what was
  missing come from the 'extract' prompt;
- the outcome, reasons and what-to-do sentences of the explanation come from the 'explain'
  prompt; deadlines, next steps, help, glossary and notice stay deterministic.
- letters with rationale sentences take the grounded path instead (grounded.py): one call.

It answers the runner's two questions (engines.Engine): `determine` and `explain`. Every call
goes through `_resolve`: the cache, then the OpenAI Batch API when the run uses it
(openai_batch.py), then a live call with re-asks. So the Batch API sends the very requests a
live run sends.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from imr_llm.errors import LlmError, LlmValidationError
from imr_llm.explain import explain
from imr_llm.explain.facts import ALL_FACTS
from imr_llm.explain.writer import compose_item, with_readability
from imr_llm.letter import Analysis, PreparedLetter
from imr_llm.llm import endpoint, grounded
from imr_llm.llm.cache import ResponseCache
from imr_llm.llm.client import LlmClient, OpenAIBatchClient, Usage
from imr_llm.llm.openai_batch import OpenAIBatch, OpenAIBatchReport
from imr_llm.llm.prices import cost_usd
from imr_llm.llm.prompts import Prompt, load_prompt
from imr_llm.llm.redact import redact_messages
from imr_llm.llm.request import LetterRun, LlmRequest, M, request_key
from imr_llm.llm.schemas import (
    ExplanationDraft,
    ItemText,
    LetterUnderstanding,
    ValidationContext,
    checking_against,
    validated,
)
from imr_llm.prepare import skeleton as parsed_skeleton
from imr_llm.quotes import locate_quote
from imr_llm.schema import (
    CATEGORIES,
    Determination,
    EngineInfo,
    Explanation,
    ItemExplanation,
    Lang,
    Reason,
)
from imr_llm.settings import LlmSettings

LANGUAGE_NAMES = {"en": "English", "es": "Spanish (Latin American, as DWC writes it)"}


def _messages(system: str, letter: str) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": system},
        {"role": "user", "content": f"<letter>\n{letter}\n</letter>"},
    ]


class LlmEngine:
    """The LLM engine (engines.Engine). `openai_batch`: the state file of a run through the
    OpenAI Batch API; the runner then runs every letter at once and the calls go in batches."""

    name = "openai"

    def __init__(
        self,
        settings: LlmSettings,
        client: LlmClient | None = None,
        *,
        openai_batch: str | Path | None = None,
    ) -> None:
        settings = endpoint.resolved(settings)  # issue 12: --mode auto, local profile
        self.settings = settings
        self.client = client or LlmClient(settings)
        self.cache = ResponseCache(settings.cache_dir) if settings.use_cache else None
        self._batch = (
            OpenAIBatch(OpenAIBatchClient(self.client), settings, Path(openai_batch))
            if openai_batch is not None
            else None
        )

    @property
    def executor(self) -> Literal["asyncio", "openai_batch"]:
        return "asyncio" if self._batch is None else "openai_batch"

    @property
    def concurrency(self) -> int:
        return self.settings.concurrency

    def letters_in_flight(self, count: int) -> OpenAIBatch:
        """OpenAI Batch API runs: the runner is about to run `count` letters at once."""
        assert self._batch is not None
        self._batch.expect(count)
        return self._batch

    @property
    def openai_batch_report(self) -> OpenAIBatchReport | None:
        return self._batch.report if self._batch else None

    async def aclose(self) -> None:
        await self.client.aclose()
        if self.cache:
            self.cache.close()

    def _request(
        self,
        prompt: Prompt,
        system: str,
        prepared: PreparedLetter,
        model: type[M],
        context: ValidationContext,
    ) -> LlmRequest[M]:
        messages = _messages(system, prepared.text)
        if endpoint.should_redact(self.settings):  # issue 12: nothing personal leaves the machine
            messages = redact_messages(messages)
        key = request_key(self.settings, prepared.letter.sha256, prompt, messages, model)
        return LlmRequest(prompt, messages, model, context, key)

    def _cached(self, request: LlmRequest[M]) -> M | None:
        """A cached answer, validated again; a stale or damaged one is dropped."""
        if not self.cache:
            return None
        stored = self.cache.get(request.key)
        if stored is None:
            return None
        try:
            return validated(request.model, stored["raw"], request.context)
        except (ValidationError, KeyError, TypeError):
            self.cache.delete(request.key)
            return None

    def _accept(self, request: LlmRequest[M], raw: str) -> M | None:
        """Validate an answer obtained elsewhere (a batch result); cache it when it is good."""
        try:
            value = validated(request.model, raw, request.context)
        except ValidationError:
            return None
        if self.cache:
            self.cache.put(request.key, {"raw": value.model_dump_json()})
        return value

    async def _resolve(self, request: LlmRequest[M], run: LetterRun) -> M:
        """The cached answer, else the Batch API's (when the run uses it), else a live call."""
        run.prompts[request.prompt.id] = request.prompt.label
        hit = self._cached(request)
        if hit is not None:
            run.hits.append(True)
            if self._batch:
                self._batch.report.from_cache += 1
            return hit
        run.hits.append(False)
        if self._batch is None:
            return await self._live(request, run)
        raw, usage = await self._batch.ask(request)
        run.usage.add(usage)
        value = self._accept(request, raw) if raw else None
        if value is not None:
            self._batch.report.answered_by_batch += 1
            return value
        async with self._batch.live_calls:  # missing, failed or invalid: asked live, re-asked
            value = await self._live(request, run)
        self._batch.report.finished_live += 1
        return value

    async def _live(self, request: LlmRequest[M], run: LetterRun) -> M:
        """A live call: transport retries, re-asks, the decision guard."""
        try:
            with checking_against(request.context):
                completion = await self.client.complete(
                    request.messages, request.model, request.max_tokens
                )
        except LlmError as error:
            spent = error.usage if isinstance(error.usage, Usage) else Usage()
            run.usage.add(spent)  # issue 12: failed attempts count in the totals
            if not isinstance(error, LlmValidationError):
                raise
            rescued = self._rescue_decisions(error, request.model, request.context)
            if rescued is None:
                raise
            return rescued
        run.usage.add(completion.usage)
        if self.cache:
            self.cache.put(request.key, {"raw": completion.raw})
        return completion.parsed

    @staticmethod
    def _rescue_decisions(
        error: LlmValidationError, model: type[M], context: ValidationContext
    ) -> M | None:
        """The decision guard's last word: when the final answer is good except for decisions
        that disagree with the letter, the letter's decisions are used and a warning added."""
        if not error.last_output:
            return None
        context.override_decisions = True
        try:
            return validated(model, error.last_output, context)
        except ValidationError:
            return None
        finally:
            context.override_decisions = False

    def _extract_request(
        self, prepared: PreparedLetter
    ) -> tuple[LlmRequest[LetterUnderstanding], Determination]:
        """The 'extract' call for one letter, and the deterministic skeleton it fills."""
        skeleton = parsed_skeleton(prepared)
        prompt = load_prompt("extract")
        context = ValidationContext(
            letter=prepared.text, decisions=[t.decision for t in skeleton.treatments]
        )
        system = prompt.render(
            categories=list(CATEGORIES),
            items=[{"request": t.request, "decision": t.decision} for t in skeleton.treatments],
        )
        request = self._request(prompt, system, prepared, LetterUnderstanding, context)
        return request, skeleton

    def _finish_extract(
        self,
        prepared: PreparedLetter,
        skeleton: Determination,
        request: LlmRequest[LetterUnderstanding],
        understanding: LetterUnderstanding,
        run: LetterRun,
    ) -> Determination:
        treatments = []
        for treatment, item in zip(skeleton.treatments, understanding.items, strict=True):
            reasons = [
                Reason(
                    code="model",
                    summary=r.summary,
                    evidence=" ".join(r.evidence.split()),
                    span=locate_quote(prepared.text, r.evidence),
                )
                for r in item.reasons
            ]
            treatments.append(
                treatment.model_copy(
                    update={"category": item.category, "reasons": reasons, "missing": item.missing}
                )
            )
        patient = skeleton.patient.model_copy(
            update={"diagnoses": understanding.diagnoses or skeleton.patient.diagnoses}
        )
        return skeleton.model_copy(
            update={
                "treatments": treatments,
                "patient": patient,
                "warnings": [*skeleton.warnings, *request.context.warnings],
                "engine": self._engine_info(run),
            }
        )

    async def determine(self, prepared: PreparedLetter) -> Determination:
        """The letter's determination (the grounded call in English, else 'extract')."""
        return await self._determine(prepared, LetterRun())

    async def _determine(self, prepared: PreparedLetter, run: LetterRun) -> Determination:
        if grounded.number_sentences(skeleton := parsed_skeleton(prepared)):  # issue 12
            return (await self._grounded(prepared, skeleton, "en", run))[0]
        request, skeleton = self._extract_request(prepared)
        with self._accounted(run):
            understanding = await self._resolve(request, run)
        return self._finish_extract(prepared, skeleton, request, understanding, run)

    def _explain_request(
        self, prepared: PreparedLetter, determination: Determination, lang: Lang
    ) -> tuple[LlmRequest[ExplanationDraft], Explanation]:
        """The 'explain' call for one letter, and the deterministic explanation it rewrites."""
        base = explain(determination, prepared.text, lang=lang)
        prompt = load_prompt("explain")
        context = ValidationContext(
            letter=prepared.text,
            decisions=[t.decision for t in determination.treatments],
            lang=lang,
            computed_dates={d.date for d in base.deadlines if d.date},
            extra_allowed_text=" ".join(f.value for f in ALL_FACTS),
            fallback_outcomes=[item.outcome for item in base.items],
        )
        system = prompt.render(
            language=LANGUAGE_NAMES[lang],
            deadlines=[d.model_dump(mode="json") for d in base.deadlines],
            items=[t.model_dump(mode="json") for t in determination.treatments],
        )
        return self._request(prompt, system, prepared, ExplanationDraft, context), base

    def _finish_explain(
        self,
        determination: Determination,
        base: Explanation,
        request: LlmRequest[ExplanationDraft],
        draft: ExplanationDraft,
        run: LetterRun,
    ) -> tuple[Determination, Explanation]:
        items = [
            _merge_item(offline, written, base.lang)
            for offline, written in zip(base.items, draft.items, strict=True)
        ]
        explanation = base.model_copy(
            update={
                "headline": draft.headline,
                "items": items,
                "warnings": [*determination.warnings, *request.context.warnings],
                "engine": self._engine_info(run),
            }
        )
        determination = determination.model_copy(update={"engine": explanation.engine})
        return determination, with_readability(explanation)

    async def explain(self, prepared: PreparedLetter, lang: Lang = "en") -> Analysis:
        """The determination and its explanation: the grounded call, else two calls
        ('extract', then 'explain')."""
        run = LetterRun()
        if grounded.number_sentences(skeleton := parsed_skeleton(prepared)):  # issue 12
            return Analysis(*await self._grounded(prepared, skeleton, lang, run))
        determination = await self._determine(prepared, run)
        request, base = self._explain_request(prepared, determination, lang)
        with self._accounted(run):
            draft = await self._resolve(request, run)
        return Analysis(*self._finish_explain(determination, base, request, draft, run))

    async def _grounded(
        self, prepared: PreparedLetter, skeleton: Determination, lang: Lang, run: LetterRun
    ) -> tuple[Determination, Explanation]:
        """Issue 12: one call, numbered sentences in, plain reasons with sentence ids out;
        each item checked on its own, the offline text kept for every item that fails."""
        with self._accounted(run):
            grounding = await grounded.ground(
                self._resolve, self.settings, prepared, skeleton, lang, run
            )
        info = self._engine_info(run).model_copy(update={"items": grounding.verdicts})
        notes = (
            []
            if all(v.by == "model" for v in grounding.verdicts)
            else [grounded.verdict_summary(grounding.verdicts)]
        )
        determination = grounded.apply_to_determination(skeleton, grounding)
        determination = determination.model_copy(
            update={"engine": info, "warnings": [*skeleton.warnings, *notes]}
        )
        base = explain(skeleton, prepared.text, lang=lang)
        explanation = grounded.apply_to_explanation(base, grounding)
        explanation = explanation.model_copy(
            update={"engine": info, "warnings": [*explanation.warnings, *notes]}
        )
        return determination, explanation

    @contextmanager
    def _accounted(self, run: LetterRun) -> Iterator[None]:
        """A failure carries what the letter cost so far (issue 12: honest totals)."""
        try:
            yield
        except LlmError as error:
            error.engine_info = self._engine_info(run)
            raise

    def _engine_info(self, run: LetterRun) -> EngineInfo:
        return EngineInfo(
            name="openai",
            model=self.settings.model,
            mode=self.settings.mode,
            prompts=dict(run.prompts),
            prompt_tokens=run.usage.prompt_tokens,
            completion_tokens=run.usage.completion_tokens,
            requests=run.usage.requests,
            cost_usd=cost_usd(
                self.settings.model,
                run.usage.prompt_tokens,
                run.usage.completion_tokens,
                overrides=self.settings.prices,
                local=self.settings.is_local,
            ),
            cache_hit=bool(run.hits) and all(run.hits),
        )


def _merge_item(offline: ItemExplanation, written: ItemText, lang: Lang) -> ItemExplanation:
    return compose_item(
        offline.model_copy(
            update={
                "outcome": written.outcome,
                "reasons": list(written.reasons),
                "what_you_can_do": written.what_you_can_do,
            }
        ),
        lang,
    )
