"""Presenting results: terminal text now; HTML and PDF reports later."""
