"""Retrieval benchmarks: ingest throughput, warm query latency, peak memory and cold start."""
