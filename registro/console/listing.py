"""List state in the query string (console.md 1.4): filters, sort, page size and keyset paging.

NextToken pages go forward only, so "Previous" needs the tokens of the pages before this one: they ride
along in repeated `prev` parameters (the first page's token is the empty string), at most MAX_TRAIL.

    ?name=aba&size=25&token=T2&prev=&prev=T1   page 3; Previous → token=T1&prev= ; Next → token=T3&prev=&prev=T1&prev=T2
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.requests import Request

PAGE_SIZES = (10, 25, 50, 100)
MAX_TRAIL = 30  # deeper than this, Previous past the oldest kept page means "First page"


@dataclass
class ListState:
    path: str
    filters: dict[str, str]  # every filter and sort parameter, "" when unset
    size: int
    token: str
    trail: list[str]

    @classmethod
    def read(cls, request: Request, keys: Iterable[str], default_size: int = 25) -> ListState:
        q = request.query_params
        try:
            size = int(q.get("size", default_size))
        except ValueError:
            size = default_size
        return cls(
            path=request.url.path,
            filters={k: q.get(k, "").strip() for k in keys},
            size=size if size in PAGE_SIZES else default_size,
            token=q.get("token", ""),
            trail=q.getlist("prev")[-MAX_TRAIL:],
        )

    @property
    def filtered(self) -> bool:
        return any(self.filters.values())

    def url(self, *, token: str = "", trail: Iterable[str] = (), **changes: str) -> str:
        """This list with `changes` applied to the filters, at the page `token` (first page by default)."""
        pairs = [(k, v) for k, v in {**self.filters, **changes}.items() if v]
        if self.size != PAGE_SIZES[1]:
            pairs.append(("size", str(self.size)))
        if token:
            pairs.append(("token", token))
            pairs.extend(("prev", t) for t in trail)
        return self.path + ("?" + urlencode(pairs) if pairs else "")

    def next_url(self, next_token: str | None) -> str:
        if not next_token:
            return ""
        return self.url(token=next_token, trail=[*self.trail, self.token][-MAX_TRAIL:])

    def prev_url(self) -> str:
        if not self.token:
            return ""
        if not self.trail:
            return self.url()
        return self.url(token=self.trail[-1], trail=self.trail[:-1])

    def first_url(self) -> str:
        return self.url() if self.token else ""

    def clear_url(self, keep: Iterable[str] = ()) -> str:
        kept = {k: self.filters.get(k, "") for k in keep}
        return self.path + ("?" + urlencode([(k, v) for k, v in kept.items() if v]) if any(kept.values()) else "")

    def hidden(self) -> list[tuple[str, str]]:
        """Fields that keep the page size when a filter form is submitted."""
        return [("size", str(self.size))] if self.size != PAGE_SIZES[1] else []
