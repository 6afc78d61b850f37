"""Tables, queries, transactions and migrations: the only package that speaks SQL."""

from registro.store import activity, groups, packages, tags, tokens

__all__ = ["activity", "groups", "packages", "tags", "tokens"]
