"""Reliability and security tests (fuzzing, secret leaks, faults, concurrency, auth, input hardening)."""
