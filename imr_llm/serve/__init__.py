"""`imr-llm serve`: a private web page and JSON API that explain one letter at a time.

Needs the `serve` extra: pip install 'imr-llm[serve]'.
"""
