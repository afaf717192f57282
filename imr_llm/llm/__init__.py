"""The LLM engine: prompts, response models and their validators, the client (transport
retries, validation re-asks), the response cache, prices, and the OpenAI Batch API driver
(batch_api). Only imr_llm.llm.client imports openai or instructor.

May import: prepare, explain, quotes, reasons, settings, letter, schema, errors (not the
pipeline or anything above it).
"""
