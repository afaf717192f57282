"""Eval harness: gold files, comparators, scoring, reports."""
