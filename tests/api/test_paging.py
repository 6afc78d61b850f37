"""Listing and paging through boto3: ListModelPackageGroups and ListModelPackages (3.11, list rules of 3.1, 3.6).

Each test makes its own items under a unique name prefix and lists with NameContains (or a group), so
the shared server's other items never show up.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from botocore.exceptions import ClientError
from conftest import ACCOUNT, REGION

SPEC = {
    "Containers": [{"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1"}],
    "SupportedTransformInstanceTypes": ["ml.m5.xlarge"],
    "SupportedRealtimeInferenceInstanceTypes": ["ml.m5.xlarge"],
    "SupportedContentTypes": ["text/csv"],
    "SupportedResponseMIMETypes": ["text/csv"],
}
# Creation order differs from name order; equal-length lower-case suffixes sort alike in every collation.
GROUP_SUFFIXES = ["d", "a", "f", "b", "g", "c", "e"]
UNVERSIONED_SUFFIXES = ["uc", "ua", "ue", "ub", "ud"]
SORTS = [None, "CreationTime", "Name"]
ORDERS = [None, "Ascending", "Descending"]
MS = datetime.timedelta(milliseconds=1)


def error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return exc.value.response["Error"]["Code"], exc.value.response["Error"]["Message"]


def new_prefix() -> str:
    return "Pg" + uuid.uuid4().hex[:10]


def sort_args(sort_by: str | None, order: str | None) -> dict[str, str]:
    args = {}
    if sort_by is not None:
        args["SortBy"] = sort_by
    if order is not None:
        args["SortOrder"] = order
    return args


def walk(
    list_call: Callable[..., dict[str, Any]], key: str, page_size: int, **filters: Any
) -> list[list[Any]]:
    """Every page of a listing, following NextToken until it is absent."""
    pages: list[list[Any]] = []
    token = None
    while True:
        kwargs = {**filters, "MaxResults": page_size}
        if token is not None:
            kwargs["NextToken"] = token
        response = list_call(**kwargs)
        pages.append(response[key])
        token = response.get("NextToken")
        if token is None:
            return pages
        assert len(pages) <= 200, "NextToken never ends"


def expected_sizes(total: int, page_size: int) -> list[int]:
    """Full pages, then the rest; a single empty page when nothing matches."""
    if total == 0:
        return [0]
    return [page_size] * (total // page_size) + ([total % page_size] if total % page_size else [])


def group_names(summaries: list[dict[str, Any]]) -> list[str]:
    return [s["ModelPackageGroupName"] for s in summaries]


def package_ids(summaries: list[dict[str, Any]]) -> list[str]:
    return [s["ModelPackageArn"].rsplit(":model-package/", 1)[1] for s in summaries]


# --- ListModelPackageGroups -----------------------------------------------------------------------


@dataclass
class Groups:
    prefix: str
    names: list[str]  # in creation order
    times: dict[str, datetime.datetime]


@pytest.fixture
def groups(sm: Any) -> Groups:
    prefix = new_prefix()
    names = [f"{prefix}-{suffix}" for suffix in GROUP_SUFFIXES]
    times = {}
    for name in names:
        sm.create_model_package_group(ModelPackageGroupName=name)
        times[name] = sm.describe_model_package_group(ModelPackageGroupName=name)["CreationTime"]
    return Groups(prefix, names, times)


def expected_groups(groups: Groups, sort_by: str | None, order: str | None) -> list[str]:
    # Creation order is (CreationTime, id) order: ids grow with each create, times never go back.
    ordered = sorted(groups.names) if sort_by == "Name" else list(groups.names)
    return ordered[::-1] if order == "Descending" else ordered


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("sort_by", SORTS)
def test_list_model_package_groups_walks_every_group_once_in_order(
    sm: Any, groups: Groups, sort_by: str | None, order: str | None
) -> None:
    expected = expected_groups(groups, sort_by, order)

    for page_size in (1, 2, 3, 7, 8, 100):
        pages = walk(
            sm.list_model_package_groups,
            "ModelPackageGroupSummaryList",
            page_size,
            NameContains=groups.prefix,
            **sort_args(sort_by, order),
        )

        assert [len(p) for p in pages] == expected_sizes(len(expected), page_size), page_size
        assert [n for page in pages for n in group_names(page)] == expected, page_size


def test_list_model_package_groups_default_order_is_creation_time_ascending(sm: Any, groups: Groups) -> None:
    summaries = sm.list_model_package_groups(NameContains=groups.prefix)["ModelPackageGroupSummaryList"]

    assert group_names(summaries) == groups.names
    assert group_names(summaries) != sorted(groups.names)
    times = [s["CreationTime"] for s in summaries]
    assert times == sorted(times)
    assert times == [groups.times[n] for n in groups.names]


def test_list_model_package_groups_default_page_holds_ten(sm: Any) -> None:
    prefix = new_prefix()
    names = [f"{prefix}-{n:02d}" for n in range(11)]
    for name in names:
        sm.create_model_package_group(ModelPackageGroupName=name)

    first = sm.list_model_package_groups(NameContains=prefix)
    second = sm.list_model_package_groups(NameContains=prefix, NextToken=first["NextToken"])

    assert group_names(first["ModelPackageGroupSummaryList"]) == names[:10]
    assert group_names(second["ModelPackageGroupSummaryList"]) == names[10:]
    assert "NextToken" not in second


def test_list_model_package_groups_name_contains_ignores_case_and_matches_inside_names(
    sm: Any, groups: Groups
) -> None:
    for contains in (groups.prefix.swapcase(), groups.prefix.upper(), groups.prefix[3:].lower()):
        summaries = sm.list_model_package_groups(NameContains=contains, MaxResults=100)[
            "ModelPackageGroupSummaryList"
        ]
        assert group_names(summaries) == groups.names, contains

    one = sm.list_model_package_groups(NameContains=f"{groups.prefix}-F".upper())[
        "ModelPackageGroupSummaryList"
    ]
    assert group_names(one) == [f"{groups.prefix}-f"]


def test_list_model_package_groups_name_contains_without_match_is_empty(sm: Any) -> None:
    response = sm.list_model_package_groups(NameContains=new_prefix())

    assert response["ModelPackageGroupSummaryList"] == []
    assert "NextToken" not in response


def test_list_model_package_groups_creation_time_filters_are_strict(sm: Any, groups: Groups) -> None:
    middle = groups.names[3]
    t = groups.times[middle]

    def listed(**filters: Any) -> list[str]:
        return group_names(
            sm.list_model_package_groups(NameContains=groups.prefix, MaxResults=100, **filters)[
                "ModelPackageGroupSummaryList"
            ]
        )

    after = listed(CreationTimeAfter=t)
    before = listed(CreationTimeBefore=t)

    assert middle not in after and middle not in before
    assert after == [n for n in groups.names if groups.times[n] > t]
    assert before == [n for n in groups.names if groups.times[n] < t]
    assert middle in listed(CreationTimeAfter=t - MS)
    assert middle in listed(CreationTimeBefore=t + MS)
    assert listed(CreationTimeAfter=t - MS, CreationTimeBefore=t + MS) == [
        n for n in groups.names if groups.times[n] == t
    ]
    assert listed(CreationTimeAfter=t, CreationTimeBefore=t) == []


def test_list_model_package_groups_pages_are_unmoved_by_deleting_a_seen_group(
    sm: Any, groups: Groups
) -> None:
    first = sm.list_model_package_groups(NameContains=groups.prefix, MaxResults=3)
    assert group_names(first["ModelPackageGroupSummaryList"]) == groups.names[:3]

    sm.delete_model_package_group(ModelPackageGroupName=groups.names[0])
    second = sm.list_model_package_groups(
        NameContains=groups.prefix, MaxResults=3, NextToken=first["NextToken"]
    )

    assert group_names(second["ModelPackageGroupSummaryList"]) == groups.names[3:6]


def test_list_model_package_groups_token_may_be_used_again_and_with_another_page_size(
    sm: Any, groups: Groups
) -> None:
    first = sm.list_model_package_groups(NameContains=groups.prefix, MaxResults=2)
    token = first["NextToken"]

    again = sm.list_model_package_groups(NameContains=groups.prefix, MaxResults=2, NextToken=token)
    again2 = sm.list_model_package_groups(NameContains=groups.prefix, MaxResults=2, NextToken=token)
    larger = sm.list_model_package_groups(NameContains=groups.prefix, MaxResults=100, NextToken=token)

    assert group_names(again["ModelPackageGroupSummaryList"]) == groups.names[2:4]
    assert again2["ModelPackageGroupSummaryList"] == again["ModelPackageGroupSummaryList"]
    assert group_names(larger["ModelPackageGroupSummaryList"]) == groups.names[2:]
    assert "NextToken" not in larger


# --- ListModelPackages ----------------------------------------------------------------------------


@dataclass
class Packages:
    prefix: str
    group_a: str  # 10 versions
    group_b: str  # 2 versions; sorts before A by name
    created: list[str]  # "{group}/{n}" or unversioned name, in creation order
    approval: dict[str, str]  # version id → status
    times: dict[str, datetime.datetime]

    @property
    def versions(self) -> list[str]:
        return [c for c in self.created if "/" in c]

    @property
    def unversioned(self) -> list[str]:
        return [c for c in self.created if "/" not in c]


def name_key(package_id: str) -> tuple[str, int]:
    name, _, number = package_id.partition("/")
    return name, int(number or 0)


APPROVALS = ["Approved", "Rejected", "PendingManualApproval"]


@pytest.fixture
def packages(sm: Any) -> Packages:
    prefix = new_prefix()
    group_a, group_b = f"{prefix}-b", f"{prefix}-a"
    sm.create_model_package_group(ModelPackageGroupName=group_a)
    sm.create_model_package_group(ModelPackageGroupName=group_b)
    plan = (
        [group_a] * 5
        + [f"{prefix}-{UNVERSIONED_SUFFIXES[0]}", group_b]
        + [group_a] * 5
        + [f"{prefix}-{s}" for s in UNVERSIONED_SUFFIXES[1:]]
        + [group_b]
    )
    created, approval, times = [], {}, {}
    for n, target in enumerate(plan):
        if target in (group_a, group_b):
            status = APPROVALS[n % 3]
            arn = sm.create_model_package(
                ModelPackageGroupName=target,
                ModelApprovalStatus=status,
                InferenceSpecification=SPEC,
                ModelPackageDescription=f"item {n}",
            )["ModelPackageArn"]
        else:
            arn = sm.create_model_package(
                ModelPackageName=target, InferenceSpecification=SPEC, ModelPackageDescription=f"item {n}"
            )["ModelPackageArn"]
        (package_id,) = package_ids([{"ModelPackageArn": arn}])
        if target in (group_a, group_b):
            approval[package_id] = status
        created.append(package_id)
        times[package_id] = sm.describe_model_package(ModelPackageName=arn)["CreationTime"]
    assert [c for c in created if c.startswith(group_a + "/")] == [f"{group_a}/{v}" for v in range(1, 11)]
    return Packages(prefix, group_a, group_b, created, approval, times)


def ordered(items: list[str], sort_by: str | None, order: str | None) -> list[str]:
    result = sorted(items, key=name_key) if sort_by == "Name" else list(items)
    return result[::-1] if order == "Descending" else result


def list_packages(sm: Any, **filters: Any) -> list[str]:
    response = sm.list_model_packages(MaxResults=100, **filters)
    assert "NextToken" not in response
    return package_ids(response["ModelPackageSummaryList"])


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("sort_by", SORTS)
@pytest.mark.parametrize("kind", ["Versioned", "Unversioned", "Both"])
def test_list_model_packages_walks_every_package_once_in_order(
    sm: Any, packages: Packages, kind: str, sort_by: str | None, order: str | None
) -> None:
    items = {"Versioned": packages.versions, "Unversioned": packages.unversioned, "Both": packages.created}[
        kind
    ]
    expected = ordered(items, sort_by, order)

    for page_size in (1, 3, 5, len(expected), 100):
        pages = walk(
            sm.list_model_packages,
            "ModelPackageSummaryList",
            page_size,
            NameContains=packages.prefix,
            ModelPackageType=kind,
            **sort_args(sort_by, order),
        )

        assert [len(p) for p in pages] == expected_sizes(len(expected), page_size), page_size
        assert [i for page in pages for i in package_ids(page)] == expected, page_size


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("sort_by", SORTS)
def test_list_model_packages_of_a_group_walks_its_versions_in_order(
    sm: Any, packages: Packages, sort_by: str | None, order: str | None
) -> None:
    versions = [v for v in packages.versions if v.startswith(packages.group_a + "/")]
    expected = ordered(versions, sort_by, order)

    for page_size in (1, 3, 10, 11):
        pages = walk(
            sm.list_model_packages,
            "ModelPackageSummaryList",
            page_size,
            ModelPackageGroupName=packages.group_a,
            **sort_args(sort_by, order),
        )

        assert [len(p) for p in pages] == expected_sizes(10, page_size), page_size
        assert [i for page in pages for i in package_ids(page)] == expected, page_size


def test_list_model_packages_name_order_puts_version_10_after_9(sm: Any, packages: Packages) -> None:
    listed = list_packages(sm, ModelPackageGroupName=packages.group_a, SortBy="Name")

    assert listed == [f"{packages.group_a}/{v}" for v in range(1, 11)]


def test_list_model_packages_without_group_lists_only_unversioned_packages(
    sm: Any, packages: Packages
) -> None:
    listed = list_packages(sm, NameContains=packages.prefix)

    assert listed == packages.unversioned


def test_list_model_packages_with_group_lists_that_groups_versions(sm: Any, packages: Packages) -> None:
    listed = list_packages(sm, ModelPackageGroupName=packages.group_b)

    assert listed == [f"{packages.group_b}/1", f"{packages.group_b}/2"]


def test_list_model_packages_with_group_and_unversioned_type_is_empty(sm: Any, packages: Packages) -> None:
    response = sm.list_model_packages(ModelPackageGroupName=packages.group_a, ModelPackageType="Unversioned")

    assert response["ModelPackageSummaryList"] == []
    assert "NextToken" not in response


def test_list_model_packages_of_a_missing_group_is_refused(sm: Any, group_name: str) -> None:
    with pytest.raises(ClientError) as exc:
        sm.list_model_packages(ModelPackageGroupName=group_name)

    arn = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package-group/{group_name}"
    assert error(exc) == ("ValidationException", f"ModelPackageGroup {arn} does not exist.")


def test_list_model_packages_name_contains_matches_group_names_ignoring_case(
    sm: Any, packages: Packages
) -> None:
    contains = f"{packages.group_b}".swapcase()

    assert list_packages(sm, NameContains=contains, ModelPackageType="Versioned") == [
        f"{packages.group_b}/1",
        f"{packages.group_b}/2",
    ]
    assert (
        list_packages(sm, NameContains=packages.prefix.upper(), ModelPackageType="Both") == packages.created
    )
    assert list_packages(sm, NameContains=f"{packages.prefix}-UB") == [f"{packages.prefix}-ub"]


@pytest.mark.parametrize("status", APPROVALS)
def test_list_model_packages_filters_by_approval_status(sm: Any, packages: Packages, status: str) -> None:
    wanted = [v for v in packages.versions if packages.approval[v] == status]
    assert wanted

    assert (
        list_packages(
            sm, NameContains=packages.prefix, ModelPackageType="Versioned", ModelApprovalStatus=status
        )
        == wanted
    )
    assert (
        list_packages(sm, NameContains=packages.prefix, ModelPackageType="Both", ModelApprovalStatus=status)
        == wanted
    )
    assert list_packages(sm, ModelPackageGroupName=packages.group_a, ModelApprovalStatus=status) == [
        v for v in wanted if v.startswith(packages.group_a + "/")
    ]
    assert list_packages(sm, NameContains=packages.prefix, ModelApprovalStatus=status) == []


def test_list_model_packages_follows_approval_changes(sm: Any, packages: Packages) -> None:
    pending = next(v for v in packages.versions if packages.approval[v] == "PendingManualApproval")
    arn = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/{pending}"

    sm.update_model_package(ModelPackageArn=arn, ModelApprovalStatus="Approved")

    approved = list_packages(
        sm, NameContains=packages.prefix, ModelPackageType="Versioned", ModelApprovalStatus="Approved"
    )
    assert pending in approved
    still_pending = list_packages(
        sm,
        NameContains=packages.prefix,
        ModelPackageType="Versioned",
        ModelApprovalStatus="PendingManualApproval",
    )
    assert pending not in still_pending


def test_list_model_packages_creation_time_filters_are_strict(sm: Any, packages: Packages) -> None:
    middle = packages.created[8]
    t = packages.times[middle]
    filters = {"NameContains": packages.prefix, "ModelPackageType": "Both"}

    after = list_packages(sm, CreationTimeAfter=t, **filters)
    before = list_packages(sm, CreationTimeBefore=t, **filters)

    assert middle not in after and middle not in before
    assert after == [c for c in packages.created if packages.times[c] > t]
    assert before == [c for c in packages.created if packages.times[c] < t]
    assert middle in list_packages(sm, CreationTimeAfter=t - MS, **filters)
    assert middle in list_packages(sm, CreationTimeBefore=t + MS, **filters)
    assert list_packages(sm, CreationTimeAfter=t, CreationTimeBefore=t, **filters) == []


def test_list_model_packages_summaries_of_versions_and_unversioned_packages(
    sm: Any, packages: Packages
) -> None:
    summaries = sm.list_model_packages(NameContains=packages.prefix, ModelPackageType="Both", MaxResults=100)[
        "ModelPackageSummaryList"
    ]
    by_id = dict(zip(package_ids(summaries), summaries, strict=True))
    first_version, first_unversioned = packages.versions[0], packages.unversioned[0]

    version = by_id[first_version]
    assert version == {
        "ModelPackageGroupName": packages.group_a,
        "ModelPackageVersion": 1,
        "ModelPackageArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/{first_version}",
        "ModelPackageDescription": "item 0",
        "CreationTime": packages.times[first_version],
        "ModelPackageStatus": "Completed",
        "ModelApprovalStatus": packages.approval[first_version],
    }
    unversioned = by_id[first_unversioned]
    assert unversioned == {
        "ModelPackageName": first_unversioned,
        "ModelPackageArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/{first_unversioned}",
        "ModelPackageDescription": "item 5",
        "CreationTime": packages.times[first_unversioned],
        "ModelPackageStatus": "Completed",
    }


# --- MaxResults and NextToken refusals ------------------------------------------------------------


LISTS = [
    pytest.param("list_model_package_groups", id="groups"),
    pytest.param("list_model_packages", id="packages"),
]


@pytest.mark.parametrize("operation", LISTS)
@pytest.mark.parametrize(
    ("max_results", "rule"),
    [
        (0, "Member must have value greater than or equal to 1"),
        (-1, "Member must have value greater than or equal to 1"),
        (101, "Member must have value less than or equal to 100"),
    ],
)
def test_max_results_outside_1_to_100_is_refused(
    sm_raw: Any, operation: str, max_results: int, rule: str
) -> None:
    with pytest.raises(ClientError) as exc:
        getattr(sm_raw, operation)(MaxResults=max_results, NameContains=new_prefix())

    assert error(exc) == (
        "ValidationException",
        f"1 validation error detected: Value '{max_results}' at 'maxResults' failed to satisfy constraint: {rule}",
    )


@pytest.mark.parametrize("operation", LISTS)
def test_max_results_1_and_100_are_accepted(sm: Any, operation: str) -> None:
    for max_results in (1, 100):
        response = getattr(sm, operation)(MaxResults=max_results, NameContains=new_prefix())
        assert "NextToken" not in response


B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def tampered(token: str) -> list[str]:
    """Other spellings of a token: a character changed at each end and in the middle, the last one's
    lowest bit flipped (bits unpadded base64 may ignore), a stray or padding character, cut or lengthened."""

    def flip(i: int) -> str:
        return token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1 :]

    low_bit = token[:-1] + B64URL[B64URL.index(token[-1]) ^ 1]
    middle = len(token) // 2
    return [
        flip(0),
        flip(middle),
        flip(len(token) - 1),
        low_bit,
        token[:middle] + "!" + token[middle:],
        token + "==",
        token[:-4],
        token + "AAAA",
        "not-a-token",
    ]


def test_tampered_list_model_package_groups_token_is_invalid(sm: Any, groups: Groups) -> None:
    token = sm.list_model_package_groups(NameContains=groups.prefix, MaxResults=2)["NextToken"]

    for bad in tampered(token):
        with pytest.raises(ClientError) as exc:
            sm.list_model_package_groups(NameContains=groups.prefix, MaxResults=2, NextToken=bad)
        assert error(exc) == ("ValidationException", "Invalid NextToken."), bad


def test_tampered_list_model_packages_token_is_invalid(sm: Any, packages: Packages) -> None:
    token = sm.list_model_packages(ModelPackageGroupName=packages.group_a, MaxResults=2)["NextToken"]

    for bad in tampered(token):
        with pytest.raises(ClientError) as exc:
            sm.list_model_packages(ModelPackageGroupName=packages.group_a, MaxResults=2, NextToken=bad)
        assert error(exc) == ("ValidationException", "Invalid NextToken."), bad


@pytest.mark.parametrize(
    "changed",
    [
        pytest.param(lambda g: {"NameContains": g.prefix + "-"}, id="name-contains"),
        pytest.param(lambda g: {"NameContains": g.prefix, "SortOrder": "Descending"}, id="sort-order"),
        pytest.param(lambda g: {"NameContains": g.prefix, "SortBy": "Name"}, id="sort-by"),
        pytest.param(
            lambda g: {"NameContains": g.prefix, "CreationTimeAfter": g.times[g.names[0]] - MS},
            id="time-after",
        ),
        pytest.param(
            lambda g: {"NameContains": g.prefix, "CreationTimeBefore": g.times[g.names[-1]] + MS},
            id="time-before",
        ),
        pytest.param(lambda g: {}, id="no-filter"),
    ],
)
def test_list_model_package_groups_token_reused_with_other_filters_is_invalid(
    sm: Any, groups: Groups, changed: Callable[[Groups], dict[str, Any]]
) -> None:
    token = sm.list_model_package_groups(NameContains=groups.prefix, MaxResults=2)["NextToken"]

    with pytest.raises(ClientError) as exc:
        sm.list_model_package_groups(MaxResults=2, NextToken=token, **changed(groups))

    assert error(exc) == ("ValidationException", "Invalid NextToken.")


@pytest.mark.parametrize(
    "changed",
    [
        pytest.param(lambda p: {"ModelPackageGroupName": p.group_b}, id="other-group"),
        pytest.param(
            lambda p: {"ModelPackageGroupName": p.group_a, "ModelApprovalStatus": "Approved"}, id="approval"
        ),
        pytest.param(
            lambda p: {"ModelPackageGroupName": p.group_a, "ModelPackageType": "Versioned"}, id="type"
        ),
        pytest.param(lambda p: {"ModelPackageGroupName": p.group_a, "SortBy": "Name"}, id="sort-by"),
        pytest.param(
            lambda p: {"ModelPackageGroupName": p.group_a, "SortOrder": "Descending"}, id="sort-order"
        ),
        pytest.param(
            lambda p: {"ModelPackageGroupName": p.group_a, "NameContains": p.prefix}, id="name-contains"
        ),
        pytest.param(lambda p: {"NameContains": p.prefix, "ModelPackageType": "Both"}, id="no-group"),
    ],
)
def test_list_model_packages_token_reused_with_other_filters_is_invalid(
    sm: Any, packages: Packages, changed: Callable[[Packages], dict[str, Any]]
) -> None:
    token = sm.list_model_packages(ModelPackageGroupName=packages.group_a, MaxResults=2)["NextToken"]

    with pytest.raises(ClientError) as exc:
        sm.list_model_packages(MaxResults=2, NextToken=token, **changed(packages))

    assert error(exc) == ("ValidationException", "Invalid NextToken.")


def test_a_token_of_one_list_operation_is_invalid_for_the_other(sm: Any, groups: Groups) -> None:
    prefix = groups.prefix
    group_token = sm.list_model_package_groups(NameContains=prefix, MaxResults=1)["NextToken"]
    for n in range(2):
        sm.create_model_package(ModelPackageName=f"{prefix}-u{n}", InferenceSpecification=SPEC)
    package_token = sm.list_model_packages(NameContains=prefix, MaxResults=1)["NextToken"]

    with pytest.raises(ClientError) as to_packages:
        sm.list_model_packages(NameContains=prefix, MaxResults=1, NextToken=group_token)
    with pytest.raises(ClientError) as to_groups:
        sm.list_model_package_groups(NameContains=prefix, MaxResults=1, NextToken=package_token)

    assert error(to_packages) == ("ValidationException", "Invalid NextToken.")
    assert error(to_groups) == ("ValidationException", "Invalid NextToken.")
