"""What the repository and its parts share: errors, the user, the clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from geo.errors import AtlasError
from geo.store import schema as s


class NotFoundError(AtlasError, LookupError):
    status = 404


class AuthError(AtlasError):
    status = 401


class ConflictError(AtlasError):
    """A write that contradicts the store's state (a record already at that span …)."""

    status = 409


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str

    def can(self, role: str) -> bool:
        return s.ROLES.index(self.role) >= s.ROLES.index(role)


def now() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime | None) -> datetime | None:
    """A stored time as an aware UTC datetime (SQLite gives naive UTC values back)."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)
