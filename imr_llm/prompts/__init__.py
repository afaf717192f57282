"""Versioned prompt templates (Jinja2), read by imr_llm.llm.prompts. Data only: no imports."""
