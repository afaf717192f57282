"""The LLM engine (engine.LlmEngine, an engines.Engine): prompts, response schemas and their
validators (schemas), the grounded call (grounded), the client (transport retries, validation
re-asks), the response cache, prices, redaction, and the OpenAI Batch API executor
(openai_batch); `choice`, the LLM engine for a run, which the runner loads by name
(runner.LLM_ENGINE) only when a run may use it. Only imr_llm.llm.client imports openai or
instructor (on the first call, not at import).

May import: prepare, explain, quotes, reasons, settings, letter, schema, errors (not engines,
the runner or anything above them).
"""
