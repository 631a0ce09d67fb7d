"""What the training guard reports: an Incident, and the Quarantine of rows.

Declaration only (plain dataclasses, JSON round-trip, no torch): the guard
(:mod:`nanclean.guard.torch`, :mod:`nanclean.guard.keras`) fills them in,
``AuditReport.add_incident`` shows an incident in the HTML report, and
``clean(..., exclude_rows=quarantine)`` drops the quarantined rows next time.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from nanclean.errors import ConfigError, InputError, format_rows
from nanclean.report.model import json_safe

__all__ = [
    "INCIDENT_VERSION",
    "Incident",
    "Quarantine",
    "QuarantineEntry",
    "check_option",
    "write_json",
]

INCIDENT_VERSION = "1.0"

#: What became non-finite first (Incident.kind; stable string values).
KINDS = (
    "loss",  # the loss of a batch
    "output",  # the output of a module (full mode)
    "gradient",  # the gradient at a module's input (full mode, backward hooks)
    "parameter_gradient",  # the gradient of a parameter
    "gradient_norm",  # finite gradients whose global norm overflowed
    "parameter",  # a parameter's value
    "buffer",  # a buffer's value (BatchNorm running statistics)
)


@dataclass
class Incident:
    """One non-finite event during training, with where it happened and why.

    Attributes
    ----------
    kind : str
        One of ``loss``, ``output``, ``gradient``, ``parameter_gradient``,
        ``gradient_norm``, ``parameter``, ``buffer``.
    where : str
        Human-readable: ``"loss"``, ``"output of module 'body.2' (Linear)"``,
        ``"gradient of parameter 'head.weight'"``, ...
    step : int
        0-based count of the guarded steps (``check`` calls) so far.
    epoch : int
    batch : int
        The batch's index within its epoch.
    module : str or None
        Qualified name of the module (``model.named_modules()``).
    parameter : str or None
        Qualified name of the parameter or buffer.
    rows : list
        Original row labels responsible (empty when no row is to blame).
    row_values : list of dict
        Those rows' feature and target values (the first 20).
    batch_size : int
    how : str
        How the rows were found (per-sample gradient, non-finite output, ...).
    cause : str
        The failure mode it looks like (``T1`` ... ``T5``) and why.
    fix : str
    message : str
        Everything above as one paragraph (the exception's message).
    stats : dict
        Statistics of the module's input, the loss and gradient-norm history, ...
    names : list of str
        Every module / parameter / buffer that was non-finite, in order.
    """

    kind: str
    where: str
    step: int
    epoch: int
    batch: int
    module: str | None = None
    parameter: str | None = None
    rows: list[Any] = field(default_factory=list)
    row_values: list[dict[str, Any]] = field(default_factory=list)
    batch_size: int = 0
    how: str = ""
    cause: str = ""
    fix: str = ""
    message: str = ""
    stats: dict[str, Any] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)
    action: str = "raise"  # raise | skip | warn

    def to_dict(self) -> dict[str, Any]:
        data = {"version": INCIDENT_VERSION, **asdict(self)}
        return dict(json_safe(data))

    def to_json(self, path: str | os.PathLike[str] | None = None) -> str:
        """Strict JSON (non-finite numbers as ``"nan"`` / ``"inf"``)."""
        return write_json(self.to_dict(), path)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Incident:
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})

    @classmethod
    def from_json(cls, source: str | os.PathLike[str]) -> Incident:
        """An incident from its JSON text or a ``.json`` path."""
        return cls.from_dict(_load(source, "incident"))


@dataclass
class QuarantineEntry:
    """One quarantined row: its label and the incident that named it."""

    row: Any
    step: int
    epoch: int
    where: str


@dataclass
class Quarantine:
    """Rows that made a training step non-finite, to leave out of the next run.

    ``NanGuard(on_nan="skip")`` fills it; ``clean(..., exclude_rows=q)`` or
    ``Cleaner.fit_transform(..., exclude_rows=q)`` drops those rows (reported
    as ``rows_dropped`` with reason ``quarantined``). Saved as JSON:
    ``{"version": "1.0", "rows": [...], "entries": [...]}``.
    """

    entries: list[QuarantineEntry] = field(default_factory=list)

    @property
    def rows(self) -> list[Any]:
        """Every quarantined row label, once, in the order they were named."""
        seen: dict[Any, None] = {}
        for e in self.entries:
            seen.setdefault(_hashable(e.row), None)
        return list(seen)

    def add(self, rows: Iterable[Any], incident: Incident) -> None:
        for row in rows:
            self.entries.append(
                QuarantineEntry(row, incident.step, incident.epoch, incident.where)
            )

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Any:
        return iter(self.rows)

    def to_dict(self) -> dict[str, Any]:
        return dict(
            json_safe(
                {
                    "version": INCIDENT_VERSION,
                    "rows": self.rows,
                    "entries": [asdict(e) for e in self.entries],
                }
            )
        )

    def to_json(self, path: str | os.PathLike[str] | None = None) -> str:
        return write_json(self.to_dict(), path)

    @classmethod
    def from_json(cls, source: str | os.PathLike[str]) -> Quarantine:
        """A quarantine from its JSON text or a ``.json`` path."""
        data = _load(source, "quarantine")
        entries = data.get("entries")
        if entries is None:  # a bare {"rows": [...]}
            entries = [
                {"row": r, "step": -1, "epoch": -1, "where": ""}
                for r in data.get("rows", [])
            ]
        return cls([QuarantineEntry(**e) for e in entries])

    def __repr__(self) -> str:
        return f"Quarantine({len(self)} rows: {format_rows(self.rows)})"


def write_json(data: Any, path: str | os.PathLike[str] | None = None) -> str:
    """Strict, indented JSON of ``data``; also written to ``path`` if given."""
    text = json.dumps(json_safe(data), indent=2, allow_nan=False)
    if path is not None:
        Path(path).write_text(text + "\n", encoding="utf-8")
    return text


def check_option(owner: str, name: str, value: Any, choices: tuple[str, ...]) -> None:
    """Refuse an option value outside ``choices`` (ConfigError naming them)."""
    if value not in choices:
        raise ConfigError(
            f"{owner} {name}={value!r} is not one of {', '.join(map(repr, choices))}."
        )


def _hashable(label: Any) -> Any:
    return tuple(label) if isinstance(label, list) else label


def _load(source: str | os.PathLike[str], what: str) -> dict[str, Any]:
    text = str(source)
    if not text.lstrip().startswith("{"):
        path = Path(source)
        if not path.is_file():
            raise InputError(
                f"The {what} file {text!r} does not exist. Fix: pass the path the "
                f"guard wrote (or the {what}'s JSON text)."
            )
        text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"The {what} is not valid JSON: {exc}.") from None
    if not isinstance(data, dict):
        raise InputError(
            f"The {what} JSON must be an object; received {type(data).__name__}."
        )
    return data
