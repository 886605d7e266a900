"""Password hashing with scrypt (memory-hard, in Python's standard library).

n=2**14, r=8, p=1 costs 16 MB and ~50 ms per check: the OWASP minimum for scrypt. The
parameters are stored with each hash, so they can be raised later without a migration.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

N, R, P, LENGTH = 2**14, 8, 1, 32
MIN_LENGTH = 10


def hash_password(password: str) -> str:
    from geo.errors import InputError

    if len(password) < MIN_LENGTH:
        raise InputError(f"password too short: at least {MIN_LENGTH} characters")
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=N, r=R, p=P, dklen=LENGTH)
    b64 = base64.b64encode
    return f"scrypt${N}${R}${P}${b64(salt).decode()}${b64(digest).decode()}"


def verify(password: str, stored: str | None) -> bool:
    """Constant work whether or not the user exists (no timing oracle on user names)."""
    if not stored:
        stored = _DUMMY
        password, real = password + "\0", False
    else:
        real = True
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(
            password.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
        )
    except ValueError:
        return False
    return real and scheme == "scrypt" and hmac.compare_digest(got, expected)


_DUMMY = (
    "scrypt$16384$8$"
    + base64.b64encode(b"0" * 16).decode()
    + "$"
    + base64.b64encode(b"0" * 32).decode()
)
