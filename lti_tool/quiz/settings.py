"""An activity's settings, as carried by the deep-linking custom parameters (``boussole_*``)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from typing import Any

from item_bank.errors import ItemBankError
from item_bank.irt.settings import EngineSettings
from item_bank.loader import load_topics


def _topic_ids() -> tuple[str, ...]:
    """The taxonomy's topic ids (``item_bank/content/topics.yaml``), T01-T14 if it is unreadable."""
    try:
        return tuple(load_topics())
    except (ItemBankError, OSError):
        return tuple(f"T{n:02d}" for n in range(1, 15))


TOPIC_IDS = _topic_ids()
PRECISIONS = {"quick": 0.40, "standard": 0.30, "precise": 0.25}


@dataclass(frozen=True)
class ActivitySettings:
    title: str = ""
    topics: tuple[str, ...] = ()  # empty: all topics
    levels: tuple[int, ...] = ()  # empty: all levels
    min_items: int = 10
    max_items: int = 25
    se_target: float = 0.30
    language: str = "launch"  # launch | fr | en
    feedback: str = "each"  # each | end
    attempts: int = 0  # 0: unlimited
    counts: str = "best"  # best | last
    pilot: bool = False

    def engine(self, language: str) -> EngineSettings:
        return EngineSettings(
            min_items=self.min_items,
            max_items=self.max_items,
            se_target=self.se_target,
            language=language,
            topics=self.topics or None,
            levels=self.levels or None,
            pilot_rate=0.1 if self.pilot else 0.0,
        )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["topics"], data["levels"] = list(self.topics), list(self.levels)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> ActivitySettings:
        if not data:
            return cls()
        return cls.from_custom({f"boussole_{k}": _as_text(v) for k, v in data.items()})

    def to_custom(self) -> dict[str, str]:
        """Custom parameters for the deep-linking response (Moodle keeps them as strings)."""
        return {
            "boussole_topics": ",".join(self.topics),
            "boussole_levels": ",".join(str(x) for x in self.levels),
            "boussole_min_items": str(self.min_items),
            "boussole_max_items": str(self.max_items),
            "boussole_se_target": f"{self.se_target:.2f}",
            "boussole_language": self.language,
            "boussole_feedback": self.feedback,
            "boussole_attempts": str(self.attempts),
            "boussole_counts": self.counts,
            "boussole_pilot": "1" if self.pilot else "0",
        }

    @classmethod
    def from_custom(cls, custom: dict[str, Any] | None) -> ActivitySettings:
        """Read ``boussole_*`` parameters; anything missing or out of range keeps its default."""
        c = {str(k).lower(): str(v).strip() for k, v in (custom or {}).items()}
        d = cls()
        topics = tuple(t for t in re.split(r"[,\s;]+", c.get("boussole_topics", "").upper()) if t)
        topics = tuple(t for t in topics if t in TOPIC_IDS)
        levels = tuple(
            int(x)
            for x in re.split(r"[,\s;]+", c.get("boussole_levels", ""))
            if x in {"1", "2", "3"}
        )
        min_items = _int(c.get("boussole_min_items"), d.min_items, 1, 60)
        max_items = max(_int(c.get("boussole_max_items"), d.max_items, 1, 60), min_items)
        se_raw = c.get("boussole_se_target", "")
        se = PRECISIONS.get(se_raw) or _float(se_raw, d.se_target, 0.15, 1.0)
        language = c.get("boussole_language", d.language)
        feedback = c.get("boussole_feedback", d.feedback)
        counts = c.get("boussole_counts", d.counts)
        return replace(
            d,
            title=c.get("boussole_title", "")[:200],
            topics=tuple(dict.fromkeys(topics)),
            levels=tuple(sorted(set(levels))),
            min_items=min_items,
            max_items=max_items,
            se_target=se,
            language=language if language in ("launch", "fr", "en") else d.language,
            feedback=feedback if feedback in ("each", "end") else d.feedback,
            attempts=_int(c.get("boussole_attempts"), d.attempts, 0, 100),
            counts=counts if counts in ("best", "last") else d.counts,
            pilot=c.get("boussole_pilot", "0") in ("1", "true", "yes", "on"),
        )


def _as_text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _int(raw: str | None, default: int, low: int, high: int) -> int:
    try:
        value = int(raw) if raw not in (None, "") else default
    except ValueError:
        return default
    return min(max(value, low), high)


def _float(raw: str | None, default: float, low: float, high: float) -> float:
    try:
        value = float(raw) if raw not in (None, "") else default
    except ValueError:
        return default
    return min(max(value, low), high)
