"""Browser sessions, login throttling and account administration (a Repository mixin).

None of these writes bumps the data version: a login or a session touch changes nothing
the map shows, so no app process rebuilds its read model for it.

- A **session** is a random token in the browser's cookie; the store keeps its sha256, an
  absolute expiry and the time it was last used (idle timeout). Logging out, disabling an
  account or changing its password revokes sessions in every app process at once.
- **Login throttling** counts failures per key (``user:<name>`` and ``ip:<address>``) in
  the store, so limits hold across workers and servers: after ``limit`` failures inside
  ``window`` the key is locked for ``lockout``; while locked even the right password is
  refused (a guesser learns nothing). A success clears the user's count.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from geo.errors import InputError
from geo.store import records
from geo.store import schema as s
from geo.store.common import NotFoundError, User, aware, now

SESSION_PREFIX = "sxs_"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Throttle:
    """Login limits: ``limit`` failures per ``window`` lock a key for ``lockout``."""

    limit: int = 5
    ip_limit: int = 20
    window: timedelta = timedelta(minutes=15)
    lockout: timedelta = timedelta(minutes=15)


@dataclass(frozen=True)
class LoginState:
    """What a login attempt may be told: locked until when, failures left before a lock."""

    locked_until: datetime | None
    failures_left: int | None = None

    @property
    def locked(self) -> bool:
        return self.locked_until is not None

    def retry_after(self, at: datetime | None = None) -> int:
        if self.locked_until is None:
            return 0
        return max(1, int((self.locked_until - (at or now())).total_seconds()) + 1)


class AccountsMixin:
    # ------------------------------------------------------------------ sessions

    def open_session(self, user: User, lifetime: timedelta) -> str:
        """A new session for ``user``; returns the cookie token (only its hash is kept)."""
        token = SESSION_PREFIX + secrets.token_urlsafe(32)
        at = now()
        with self._write(bump=False) as conn:
            conn.execute(
                s.sessions.insert().values(
                    token_hash=_hash(token),
                    user_id=user.id,
                    created_at=at,
                    last_seen_at=at,
                    expires_at=at + lifetime,
                )
            )
            records.audit(conn, user.name, "login", "user", user.name)
        return token

    def session_user(
        self, token: str | None, idle: timedelta, touch_every: timedelta = timedelta(seconds=60)
    ) -> User | None:
        """The user of a live session token, else None (unknown, revoked, expired, idle,
        or the account disabled). Marks the session used at most once per ``touch_every``."""
        if not token or not token.startswith(SESSION_PREFIX) or len(token) > 100:
            return None
        se, u = s.sessions, s.users
        with self.engine.connect() as conn:
            row = conn.execute(
                select(
                    se.c.id,
                    se.c.expires_at,
                    se.c.last_seen_at,
                    se.c.revoked_at,
                    u.c.id.label("user_id"),
                    u.c.name,
                    u.c.role,
                    u.c.disabled_at,
                )
                .join(u, u.c.id == se.c.user_id)
                .where(se.c.token_hash == _hash(token))
            ).first()
        at = now()
        if row is None or row.revoked_at is not None or row.disabled_at is not None:
            return None
        if aware(row.expires_at) <= at or aware(row.last_seen_at) + idle <= at:
            return None
        if aware(row.last_seen_at) + touch_every <= at:
            with self._write(bump=False) as conn:
                conn.execute(update(se).where(se.c.id == row.id).values(last_seen_at=at))
        return User(row.user_id, row.name, row.role)

    def end_session(self, token: str | None) -> None:
        if not token:
            return
        se = s.sessions
        with self._write(bump=False) as conn:
            conn.execute(
                update(se)
                .where(se.c.token_hash == _hash(token), se.c.revoked_at.is_(None))
                .values(revoked_at=now())
            )

    def end_sessions(self, user: User, keep: str | None = None) -> int:
        """Revoke every session of ``user`` (but ``keep``'s); returns how many."""
        se = s.sessions
        query = update(se).where(se.c.user_id == user.id, se.c.revoked_at.is_(None))
        if keep:
            query = query.where(se.c.token_hash != _hash(keep))
        with self._write(bump=False) as conn:
            return conn.execute(query.values(revoked_at=now())).rowcount

    # ------------------------------------------------------------------ login throttling

    def login_state(self, keys: list[str]) -> LoginState:
        """Locked (until when) if any of ``keys`` is locked now."""
        la = s.login_attempts
        with self.engine.connect() as conn:
            rows = conn.execute(select(la.c.locked_until).where(la.c.key.in_(keys))).all()
        at = now()
        until = [aware(r.locked_until) for r in rows if r.locked_until]
        until = [u for u in until if u > at]
        return LoginState(max(until) if until else None)

    def login_failed(self, limits: dict[str, int], throttle: Throttle) -> LoginState:
        """Count a failure on every key (``{key: limit}``); lock the keys at their limit."""
        la = s.login_attempts
        at = now()
        left, locked = [], []
        insert = pg_insert if self.dialect == "postgresql" else sqlite_insert
        with self._write(bump=False) as conn:
            for key, limit in limits.items():
                conn.execute(
                    insert(la)
                    .values(key=key, failures=0, window_start=at)
                    .on_conflict_do_nothing(index_elements=["key"])
                )
                row = conn.execute(select(la).where(la.c.key == key).with_for_update()).one()
                failures, start = row.failures, aware(row.window_start)
                if start + throttle.window <= at:  # a new window
                    failures, start = 0, at
                failures += 1
                until = aware(row.locked_until)
                if failures >= limit:
                    until, failures, start = at + throttle.lockout, 0, at
                    locked.append(until)
                conn.execute(
                    update(la)
                    .where(la.c.key == key)
                    .values(failures=failures, window_start=start, locked_until=until)
                )
                left.append(limit - failures)
        return LoginState(max(locked) if locked else None, min(left) if left else None)

    def login_succeeded(self, key: str) -> None:
        with self._write(bump=False) as conn:
            conn.execute(delete(s.login_attempts).where(s.login_attempts.c.key == key))

    # ------------------------------------------------------------------ administration

    def users(self) -> list[dict]:
        """Every account with its role, state, lock and live token and session counts."""
        u, t, se, la = s.users, s.tokens, s.sessions, s.login_attempts
        tokens = (
            select(func.count())
            .where(t.c.user_id == u.c.id, t.c.revoked_at.is_(None))
            .scalar_subquery()
        )
        query = select(
            u.c.id,
            u.c.name,
            u.c.role,
            u.c.created_at,
            u.c.disabled_at,
            u.c.password_hash.is_not(None).label("has_password"),
            tokens.label("tokens"),
        ).order_by(u.c.name)
        at = now()
        with self.engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(query)]
            locks = {
                r.key: aware(r.locked_until)
                for r in conn.execute(select(la).where(la.c.locked_until.is_not(None)))
            }
            live = {}
            for r in conn.execute(
                select(se.c.user_id, se.c.expires_at).where(se.c.revoked_at.is_(None))
            ):
                if aware(r.expires_at) > at:
                    live[r.user_id] = live.get(r.user_id, 0) + 1
        for row in rows:
            until = locks.get(f"user:{row['name'].lower()}")
            row["locked_until"] = until if until and until > at else None
            row["sessions"] = live.get(row["id"], 0)
        return rows

    def _account(self, conn, name: str):
        row = conn.execute(select(s.users).where(s.users.c.name == name).with_for_update()).first()
        if row is None:
            raise NotFoundError(f"no user {name!r}")
        return row

    def set_role(self, name: str, role: str, actor: str) -> None:
        if role not in s.ROLES:
            raise InputError(f"role must be one of {', '.join(s.ROLES)}")
        with self._write(bump=False) as conn:
            row = self._account(conn, name)
            if row.role == role:
                return
            conn.execute(update(s.users).where(s.users.c.id == row.id).values(role=role))
            before, after = {"role": row.role}, {"role": role}
            records.audit(conn, actor, "set-role", "user", name, before=before, after=after)

    def set_disabled(self, name: str, disabled: bool, actor: str) -> None:
        """Disable (every session and token stops working at once) or enable an account."""
        with self._write(bump=False) as conn:
            row = self._account(conn, name)
            if (row.disabled_at is not None) == disabled:
                return
            conn.execute(
                update(s.users)
                .where(s.users.c.id == row.id)
                .values(disabled_at=now() if disabled else None)
            )
            if disabled:
                conn.execute(
                    update(s.sessions)
                    .where(s.sessions.c.user_id == row.id, s.sessions.c.revoked_at.is_(None))
                    .values(revoked_at=now())
                )
            records.audit(conn, actor, "disable" if disabled else "enable", "user", name)

    def unlock(self, name: str, actor: str) -> None:
        """Lift a login lockout of the account ``name``."""
        with self._write(bump=False) as conn:
            self._account(conn, name)
            conn.execute(
                delete(s.login_attempts).where(s.login_attempts.c.key == f"user:{name.lower()}")
            )
            records.audit(conn, actor, "unlock", "user", name)
