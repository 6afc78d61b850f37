"""Principals, access keys, signatures and policy evaluation (signature checking is a later issue)."""
