"""Operation name → registry function: the whole API surface in one table."""

from __future__ import annotations

from collections.abc import Callable

from registro.registry import groups, packages, policies, search, tags
from registro.registry.context import Context, Request, Result
from registro.registry.documents import Stored

# Reads of one item by key: on SQLite they run on the event loop (tens of microseconds; handing one
# to a thread and back cost more than the read: describe 7,852 -> 8,763/s inline, bench/loadtest.py).
READS = frozenset(
    {
        "DescribeModelPackageGroup",
        "GetModelPackageGroupPolicy",
        "DescribeModelPackage",
        "ListTags",
    }
)
# Everything else runs in worker threads:
# - pages (List*, BatchDescribe, Search): sqlite3 lets go of the GIL while it reads, so other calls go
#   on meanwhile (list pages of 100 on SQLite: 1,765/s, p99 620 ms inline; 2,084/s, p99 72 ms in threads);
#   a Search filtering on document members alone has no index and can take seconds at a million versions;
# - PostgreSQL reads, unless one-item and the only call (api/endpoint.py inline()): on the loop each would
#   hold every other call for a round trip to the database
#   (describe: 2,855/s with the server at 70% CPU, waiting; 5,488/s in threads).

OPERATIONS: dict[str, Callable[[Context, Request], Result | Stored]] = {
    "CreateModelPackageGroup": groups.create_model_package_group,
    "DescribeModelPackageGroup": groups.describe_model_package_group,
    "ListModelPackageGroups": groups.list_model_package_groups,
    "DeleteModelPackageGroup": groups.delete_model_package_group,
    "PutModelPackageGroupPolicy": policies.put_model_package_group_policy,
    "GetModelPackageGroupPolicy": policies.get_model_package_group_policy,
    "DeleteModelPackageGroupPolicy": policies.delete_model_package_group_policy,
    "CreateModelPackage": packages.create_model_package,
    "DescribeModelPackage": packages.describe_model_package,
    "ListModelPackages": packages.list_model_packages,
    "UpdateModelPackage": packages.update_model_package,
    "DeleteModelPackage": packages.delete_model_package,
    "BatchDescribeModelPackage": packages.batch_describe_model_package,
    "AddTags": tags.add_tags,
    "ListTags": tags.list_tags,
    "DeleteTags": tags.delete_tags,
    "Search": search.search,
}
