"""Benchmarks: ingest, compilation, export, planning and pages, measured against the machine's limit and peers."""
