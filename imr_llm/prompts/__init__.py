"""Versioned prompt templates (Jinja2)."""
