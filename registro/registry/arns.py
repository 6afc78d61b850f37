"""ARNs and names: building them, and resolving a name-or-ARN to the canonical ARN.

group        arn:aws:sagemaker:{region}:{account}:model-package-group/{name}
version      arn:aws:sagemaker:{region}:{account}:model-package/{group}/{version}
unversioned  arn:aws:sagemaker:{region}:{account}:model-package/{name}
"""

from __future__ import annotations

from registro.registry.context import Context

GROUP = "model-package-group"
PACKAGE = "model-package"


def group_arn(ctx: Context, name: str, account: str | None = None) -> str:
    return f"arn:aws:sagemaker:{ctx.region}:{account or ctx.account}:{GROUP}/{name}"


def package_arn(ctx: Context, name: str, version: int | None = None, account: str | None = None) -> str:
    suffix = name if version is None else f"{name}/{version}"
    return f"arn:aws:sagemaker:{ctx.region}:{account or ctx.account}:{PACKAGE}/{suffix}"


def is_arn(value: str) -> bool:
    return value.startswith("arn:")


def split(arn: str) -> tuple[str, str, str, str] | None:
    """(region, account, resource type, resource path) of a SageMaker ARN, else None."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[:3] != ["arn", "aws", "sagemaker"]:
        return None
    kind, _, path = parts[5].partition("/")
    return parts[3], parts[4], kind, path


def group_ref(ctx: Context, name_or_arn: str) -> str:
    """The group ARN a name or ARN designates (existence is the caller's business)."""
    return name_or_arn if is_arn(name_or_arn) else group_arn(ctx, name_or_arn)


def package_ref(ctx: Context, name_or_arn: str) -> str:
    """A VersionedArnOrName as an ARN: `{group}/{n}` is a version, a bare name an unversioned package."""
    if is_arn(name_or_arn):
        return name_or_arn
    return f"arn:aws:sagemaker:{ctx.region}:{ctx.account}:{PACKAGE}/{name_or_arn}"
