"""Errors of the geo layer; all derive from :class:`boundaries.errors.AtlasError`."""

from boundaries.errors import AmbiguousPlaceError, AtlasError, UnknownPlaceError

__all__ = ["AtlasError", "AmbiguousPlaceError", "UnknownPlaceError", "InputError"]


class InputError(AtlasError):
    """A document that cannot be read as an article: empty, binary, undecodable, too large."""

    status = 400
