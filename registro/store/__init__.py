"""Tables, queries, transactions and migrations: the only package that speaks SQL."""

from registro.store import activity, groups, overviews, packages, tags, tokens

__all__ = ["activity", "groups", "overviews", "packages", "tags", "tokens"]
