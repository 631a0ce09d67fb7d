"""The loss registry is the one list of losses: config, checks, CLI and demo read it."""

from __future__ import annotations

import math

import polars as pl
import pytest
from typer.testing import CliRunner

import nanclean as nc
from nanclean.checks.labels import DOMAINS, domain_mask
from nanclean.cli import Loss, app
from nanclean.config import CHOICES, CleanConfig
from nanclean.errors import ConfigError
from nanclean.losses import DEFAULT_LOSS, LOSSES

# One label outside each loss's domain and one inside it, chosen by hand from
# the domains' definitions (mse accepts every finite number).
OUTSIDE = {"bce": 1.5, "ce": 2.5, "poisson": -1.0, "gamma": 0.0, "msle": -1.0}
INSIDE = {
    "mse": -7.25,
    "bce": 0.5,
    "ce": 3.0,
    "poisson": 0.0,
    "gamma": 1e-3,
    "msle": -0.5,
}


def test_every_consumer_offers_exactly_the_registered_losses() -> None:
    names = list(LOSSES)
    assert names == ["mse", "bce", "ce", "poisson", "gamma", "msle"]
    assert list(CHOICES["loss"]) == names
    assert [m.value for m in Loss] == names
    assert list(DOMAINS) == names
    assert all(DOMAINS[n] == LOSSES[n].domain for n in names)
    assert CleanConfig().loss == DEFAULT_LOSS == "mse"


def test_registry_entries_name_themselves_and_say_their_dtype() -> None:
    for name, loss in LOSSES.items():
        assert loss.name == name
        assert loss.description
        assert loss.dtype == ("int64" if name == "ce" else "float")


@pytest.mark.parametrize("name", list(LOSSES))
def test_the_label_check_knows_every_registered_loss(name: str) -> None:
    values = [INSIDE[name], math.inf] + ([OUTSIDE[name]] if name in OUTSIDE else [])
    bad = (
        pl.DataFrame({"y": values}).select(domain_mask("y", name)).to_series().to_list()
    )
    assert bad == [False, True] + ([True] if name in OUTSIDE else [])


def test_cli_help_lists_the_registry_and_refuses_other_losses() -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["scan", "x.csv", "--loss", "hinge"])
    assert result.exit_code != 0
    for name in LOSSES:
        assert name in result.output


def test_config_refuses_a_loss_outside_the_registry() -> None:
    with pytest.raises(ConfigError, match="'hinge'"):
        nc.CleanConfig(loss="hinge")
