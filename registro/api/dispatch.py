"""Operation name → registry function: the whole API surface in one table."""

from __future__ import annotations

from collections.abc import Callable

from registro.registry import groups, packages, policies, search, tags
from registro.registry.context import Context, Request, Result
from registro.registry.documents import Stored

# Operations that only read: on SQLite they run on the event loop (a read by key takes tens of
# microseconds; handing it to a thread and back cost more than the read, py-spy on describe).
READS = frozenset(
    {
        "DescribeModelPackageGroup",
        "ListModelPackageGroups",
        "GetModelPackageGroupPolicy",
        "DescribeModelPackage",
        "ListModelPackages",
        "BatchDescribeModelPackage",
        "ListTags",
    }
)
# PostgreSQL reads run in worker threads: on the loop each would hold every other call for a round
# trip to the database (bench/loadtest.py, describe: 2,855/s with the server at 70% CPU, waiting).
# Not Search: a filter on document members alone has no index and can take seconds at a million
# versions; in a worker thread it holds only its own request, not the event loop.

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
