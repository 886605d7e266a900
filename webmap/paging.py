"""Server-side pages of long tables: zone and place pages, their JSON twins, popups.

A page is a slice of row numbers the read model keeps per zone and per place
(:class:`webmap.store.Store`), in a stable order (the store's: document, then position),
so page N shows the same rows on every request of a data version, and costs its own
rows only, however long the table.
"""

from __future__ import annotations

from dataclasses import dataclass

from webmap.params import ParamError

PER_PAGE = 50  # rows per page of a table on a zone or place page


class PageNotFound(ParamError):
    """A page number past the last page of its table."""

    status = 404


@dataclass(frozen=True)
class Paged:
    """Page ``page`` (1-based) of ``total`` rows, ``per_page`` at a time."""

    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def start(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def stop(self) -> int:
        return min(self.start + self.per_page, self.total)

    def numbers(self) -> dict[str, int | None]:
        """Page numbers of first, prev, next and last (None where there is none)."""
        return {
            "first": 1,
            "prev": self.page - 1 if self.page > 1 else None,
            "next": self.page + 1 if self.page < self.pages else None,
            "last": self.pages,
        }

    def as_dict(self, url) -> dict:
        """For JSON twins: counts and ``links`` (``url(page) -> str``)."""
        links = {k: url(v) for k, v in self.numbers().items() if v is not None}
        return {
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "pages": self.pages,
            "links": {"self": url(self.page), **links},
        }


def page_of(total: int, page: int | None, per_page: int = PER_PAGE, param: str = "page") -> Paged:
    """The page asked for; past the last page is a 404 naming the last one."""
    paged = Paged(total, page or 1, per_page)
    if paged.page > paged.pages:
        raise PageNotFound(
            param,
            f"parameter {param!r}: there are {paged.pages} page(s), not {paged.page}",
            [f"1 to {paged.pages}"],
        )
    return paged


def links(path: str, p: dict, param: str, paged: Paged) -> dict[str, str]:
    """URLs of the first, previous, next and last pages of one table of a page (the
    page's other parameters kept; page 1 without a number)."""
    from webmap.params import query

    out = {}
    for rel, number in paged.numbers().items():
        if number is not None:
            q = query(p, **{param: number if number > 1 else None})
            out[rel] = f"{path}?{q}" if q else path
    return out
