"""Fetch a URL and print a one-line summary of the response."""
