"""Versioned prompt templates (Jinja2). Installed as the package imr_llm.prompts."""
