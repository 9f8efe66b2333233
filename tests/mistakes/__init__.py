"""Typical wrong answers per exercise set, shared by test_checks.py and test_exercises.py."""
