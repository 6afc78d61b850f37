"""The domain: groups, packages, approval, cards, tags, policies, paging; never sees HTTP."""
