"""botocore's SageMaker service model, loaded once: the contract for every served operation."""

from __future__ import annotations

from functools import cache

import botocore.session
from botocore.model import OperationModel, ServiceModel

SERVED = (
    "CreateModelPackageGroup",
    "DescribeModelPackageGroup",
    "ListModelPackageGroups",
    "DeleteModelPackageGroup",
    "PutModelPackageGroupPolicy",
    "GetModelPackageGroupPolicy",
    "DeleteModelPackageGroupPolicy",
    "CreateModelPackage",
    "DescribeModelPackage",
    "ListModelPackages",
    "UpdateModelPackage",
    "DeleteModelPackage",
    "BatchDescribeModelPackage",
    "AddTags",
    "ListTags",
    "DeleteTags",
    "Search",
)


@cache
def service() -> ServiceModel:
    return botocore.session.get_session().get_service_model("sagemaker")


@cache
def operation(name: str) -> OperationModel:
    return service().operation_model(name)


def target_prefix() -> str:
    return str(service().metadata["targetPrefix"])
