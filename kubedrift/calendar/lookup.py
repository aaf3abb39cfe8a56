"""Questions asked of the release calendar: which window, which phase, how many days left.

Pure: every answer is a function of the loaded data and the `today` passed in. Unknown stays
unknown (None / `SupportPhase.UNKNOWN`); estimated dates count only when the caller asks.
Providers without a calendar of their own (eks, gke, k3s, selfhosted, ...) are answered from
the upstream calendar; the windows returned then say `provider="upstream"`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from typing import Protocol, get_args

from kubedrift.errors import ConfigurationError
from kubedrift.model.support import CalendarProvider, SupportDate, SupportWindow

_MINOR = re.compile(r"^v?(\d+)\.(\d+)$")


class InvalidMinorError(ConfigurationError):
    """A minor version given to the calendar is not of the form `1.30`."""


class HasMinor(Protocol):
    """Anything carrying a major and minor number, such as a parsed `KubeVersion`."""

    @property
    def major(self) -> int: ...

    @property
    def minor(self) -> int: ...


MinorLike = str | HasMinor


class SupportPhase(StrEnum):
    NOT_RELEASED = "not_released"
    SUPPORTED = "supported"
    MAINTENANCE = "maintenance"  # past end_of_support, before end_of_maintenance
    ENDED = "ended"
    UNKNOWN = "unknown"


def minor_key(minor: MinorLike) -> tuple[int, int]:
    """(major, minor) of `"1.30"`, `"v1.30"` or an object with `.major` and `.minor`."""
    if isinstance(minor, str):
        match = _MINOR.match(minor.strip())
        if match is None:
            raise InvalidMinorError(f"expected a Kubernetes minor like '1.30', found {minor!r}")
        return int(match.group(1)), int(match.group(2))
    return minor.major, minor.minor


def calendar_provider_for(provider: str) -> CalendarProvider:
    """The calendar that answers for `provider`: its own, or upstream's as the fallback."""
    name = provider.strip().lower()
    for known in get_args(CalendarProvider):
        if name == known:
            return known  # type: ignore[no-any-return]
    return "upstream"


def _known(milestone: SupportDate | None, use_estimates: bool) -> date | None:
    return None if milestone is None else milestone.known(use_estimates=use_estimates)


class ReleaseCalendar:
    """Support windows of every provider, indexed by provider and (major, minor)."""

    def __init__(self, windows: Iterable[SupportWindow]) -> None:
        self._by_provider: dict[str, dict[tuple[int, int], SupportWindow]] = {}
        for window in windows:
            self._by_provider.setdefault(window.provider, {})[window.key] = window

    def providers(self) -> tuple[CalendarProvider, ...]:
        return tuple(p for p in get_args(CalendarProvider) if p in self._by_provider)

    def windows(self, provider: str) -> tuple[SupportWindow, ...]:
        """Every window of the provider's calendar, oldest minor first."""
        table = self._by_provider.get(calendar_provider_for(provider), {})
        return tuple(table[key] for key in sorted(table))

    def minors(self, provider: str) -> tuple[str, ...]:
        return tuple(w.minor for w in self.windows(provider))

    def window(self, provider: str, minor: MinorLike) -> SupportWindow | None:
        table = self._by_provider.get(calendar_provider_for(provider), {})
        return table.get(minor_key(minor))

    def newest(self, provider: str, today: date | None = None) -> SupportWindow | None:
        """The newest minor in the calendar; with `today`, the newest known released by then."""
        candidates = self.windows(provider)
        if today is not None:
            candidates = tuple(
                w for w in candidates if (r := w.released.known()) is not None and r <= today
            )
        return candidates[-1] if candidates else None

    def phase(
        self, provider: str, minor: MinorLike, today: date, *, use_estimates: bool = False
    ) -> SupportPhase:
        window = self.window(provider, minor)
        if window is None:
            return self._phase_outside(provider, minor_key(minor), today, use_estimates)
        released = _known(window.released, use_estimates)
        if released is not None and today < released:
            return SupportPhase.NOT_RELEASED
        end_of_support = _known(window.end_of_support, use_estimates)
        if end_of_support is not None and today < end_of_support:
            return SupportPhase.SUPPORTED if released is not None else SupportPhase.UNKNOWN
        final = _known(window.support_ends, use_estimates)
        if final is None:
            return SupportPhase.UNKNOWN
        if today >= final:
            return SupportPhase.ENDED
        if end_of_support is None:
            return SupportPhase.UNKNOWN
        return SupportPhase.MAINTENANCE

    def _phase_outside(
        self, provider: str, key: tuple[int, int], today: date, use_estimates: bool
    ) -> SupportPhase:
        # A minor older than the oldest one in the calendar, once that one has ended, is
        # certainly unsupported: providers never bring an older minor back.
        windows = self.windows(provider)
        if windows and key < windows[0].key:
            oldest_end = _known(windows[0].support_ends, use_estimates)
            if oldest_end is not None and today >= oldest_end:
                return SupportPhase.ENDED
        return SupportPhase.UNKNOWN

    def is_supported(
        self, provider: str, minor: MinorLike, today: date, *, use_estimates: bool = False
    ) -> bool | None:
        """True while the provider still supports the minor in some way (maintenance included),
        False once it does not (or not yet), None when the calendar cannot tell."""
        phase = self.phase(provider, minor, today, use_estimates=use_estimates)
        if phase is SupportPhase.UNKNOWN:
            return None
        return phase in (SupportPhase.SUPPORTED, SupportPhase.MAINTENANCE)

    def days_until_end_of_support(
        self,
        provider: str,
        minor: MinorLike,
        today: date,
        *,
        final: bool = False,
        use_estimates: bool = False,
    ) -> int | None:
        """Days from `today` to end of standard support (`final=True`: to the last milestone,
        after which nothing is supported). Negative once past; None when unknown."""
        window = self.window(provider, minor)
        if window is None:
            return None
        milestone = window.support_ends if final else window.end_of_support
        end = _known(milestone, use_estimates)
        return None if end is None else (end - today).days

    def supported_minors(
        self, provider: str, today: date, *, use_estimates: bool = False
    ) -> tuple[str, ...]:
        """Minors known to be supported on `today`, oldest first."""
        return tuple(
            w.minor
            for w in self.windows(provider)
            if self.is_supported(provider, w.minor, today, use_estimates=use_estimates)
        )
