"""The LLM engine (engine.LlmEngine, an engines.Engine): prompts, response schemas and their
validators (schemas), the grounded call (grounded), the client (transport retries, validation
re-asks), the response cache, prices, redaction, and the OpenAI Batch API executor
(openai_batch). Only imr_llm.llm.client imports openai or instructor.

May import: prepare, explain, quotes, reasons, settings, letter, schema, errors (not engines,
the runner or anything above them).
"""
