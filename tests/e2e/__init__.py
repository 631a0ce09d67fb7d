"""End-to-end tests: real training runs and the report in a real browser."""

from pathlib import Path

#: Screenshots the browser tests leave for people to look at (git-ignored).
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
