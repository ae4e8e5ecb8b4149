"""Reliability drills: fuzzing, database faults, hostile GraphQL, XSS, SSRF and a soak.

``python -m reliability.run`` (or ``python reliability/run.py``) runs every
drill; ``--quick`` runs the CI-sized versions that ``tests/reliability`` also
exercises. See docs/RELIABILITY.md for the figures of a full run.
"""
