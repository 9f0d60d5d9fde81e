"""Retrieval layer of cyberbrief: store, ingest, search and quote news articles."""
