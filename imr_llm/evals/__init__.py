"""Eval harness: gold files, comparators, scoring, reports (report.html.j2, through
imr_llm.templates).

May import: the runner and everything below it; every letter goes through runner.run_letters.
"""
