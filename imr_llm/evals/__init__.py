"""Eval harness: gold files, comparators, scoring, reports (report.html.j2, through
imr_llm.templates).

May import: pipeline and everything below it.
"""
