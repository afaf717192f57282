"""The LLM engine. Only imr_llm.llm.client imports openai or instructor."""
