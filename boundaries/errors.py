"""The Atlas's one exception hierarchy starts here, in its lowest layer.

Every error the Atlas raises on purpose derives from :class:`AtlasError`; the web layer
translates them to HTTP statuses in one place and the CLI to messages and exit codes.
"""


class AtlasError(Exception):
    """Base of every deliberate Atlas error. ``status`` is the HTTP status it maps to."""

    status = 400


class UnknownPlaceError(AtlasError, LookupError):
    """A place name or adcode that matches no Shanxi administrative unit."""

    status = 404


class AmbiguousPlaceError(AtlasError, LookupError):
    """A name that matches several units (城区, 郊区, 矿区 ...); give a parent to choose."""

    status = 409

    def __init__(self, name, candidates):
        self.name = name
        self.candidates = list(candidates)
        listed = ", ".join(f"{c.adcode} {c.qualified_name}" for c in self.candidates)
        super().__init__(f"place name {name!r} is ambiguous: {listed}; pass a parent unit")
