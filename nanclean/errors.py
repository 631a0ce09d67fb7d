"""One exception hierarchy: every message names the column, the rows and the fix.

::

    NancleanError
    ├── InputError (ValueError)            bad data handed to nanclean
    │   ├── EmptyInputError                no rows or no columns
    │   ├── NoNumericColumnsError          nothing numeric to scan or clean
    │   ├── ColumnError (KeyError)         a named column is missing / duplicated / badly named
    │   └── UnreadableFileError (OSError)  a path that cannot be read
    ├── ConfigError (ValueError)           unknown key, wrong type, value not allowed
    ├── PolicyError                        a policy set to "error" was triggered
    ├── ContractError                      the cleaned output broke its contract (a nanclean bug)
    ├── HandoffError                       data not fit to hand to torch / keras
    ├── NonFiniteLossError (FloatingPointError)  the training guard stopped on a NaN / inf
    └── MissingDependencyError (ImportError)  an optional extra is not installed

    NancleanWarning (UserWarning)          every warning nanclean emits
    └── UnmatchedColumnWarning             a config key names no column of the data
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

__all__ = [
    "ColumnError",
    "ConfigError",
    "ContractError",
    "EmptyInputError",
    "HandoffError",
    "InputError",
    "MissingDependencyError",
    "NancleanError",
    "NancleanWarning",
    "NoNumericColumnsError",
    "NonFiniteLossError",
    "PolicyError",
    "UnmatchedColumnWarning",
    "UnreadableFileError",
    "format_rows",
]


class NancleanError(Exception):
    """Base class of every error nanclean raises on purpose."""


class InputError(NancleanError, ValueError):
    """The data handed to nanclean cannot be used as it is."""


class EmptyInputError(InputError):
    """The input has no rows or no columns."""


class NoNumericColumnsError(InputError):
    """The input has no numeric (or numeric-looking) feature column."""


class ColumnError(InputError, KeyError):
    """A column is missing, duplicated or has a name nanclean cannot use."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class UnreadableFileError(InputError, OSError):
    """A path that does not exist or cannot be parsed in the detected format."""


class ConfigError(NancleanError, ValueError):
    """A configuration key or value is not valid."""


class PolicyError(NancleanError):
    """A column policy set to ``"error"`` found cells it refuses to repair."""


class ContractError(NancleanError):
    """The cleaned output failed its contract. This is a bug in nanclean."""


class HandoffError(NancleanError):
    """The result cannot be handed to a training framework as it is."""


class NonFiniteLossError(NancleanError, FloatingPointError):
    """The training guard found a non-finite loss, gradient, output or buffer.

    Attributes
    ----------
    incident : nanclean.guard.Incident
        Everything the guard knows (JSON-able: ``incident.to_json(path)``).
    rows : list
        The original row labels responsible (empty when no row is to blame).
    step, epoch : int
    where : str
        ``"loss"``, ``"gradient of parameter 'P'"``, ``"output of module 'M'"``, ...
    """

    def __init__(self, incident: Any) -> None:
        super().__init__(incident.message)
        self.incident = incident

    @property
    def rows(self) -> list[Any]:
        return list(self.incident.rows)

    @property
    def step(self) -> int:
        return int(self.incident.step)

    @property
    def epoch(self) -> int:
        return int(self.incident.epoch)

    @property
    def where(self) -> str:
        return str(self.incident.where)


class MissingDependencyError(NancleanError, ImportError):
    """An optional dependency (an extra) is not installed."""

    @classmethod
    def for_extra(cls, package: str, extra: str) -> MissingDependencyError:
        return cls(
            f"{package} is required for this feature but is not installed. "
            f"Install it with: pip install 'nanclean[{extra}]'"
        )


class NancleanWarning(UserWarning):
    """Base class of every warning nanclean emits (filter it as one)."""


class UnmatchedColumnWarning(NancleanWarning):
    """A per-column override (``columns."price*"``) matches no column of the data."""


def format_rows(rows: Iterable[Any], total: int | None = None, first: int = 5) -> str:
    """Cut a long list of row labels: the first five, then '… and N more'."""
    shown: list[str] = []
    seen = 0
    for label in rows:
        if seen < first:
            shown.append(repr(label) if isinstance(label, str) else str(label))
        seen += 1
        if seen > first and total is not None:
            break
    total = seen if total is None else total
    text = ", ".join(shown)
    if total > len(shown):
        text += f" … and {total - len(shown)} more"
    return text


def closest(name: str, choices: Sequence[str]) -> str:
    """A ' Did you mean ...?' suffix for the closest valid name, or ''."""
    import difflib

    match = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f" Did you mean {match[0]!r}?" if match else ""
