"""Domain errors, each carrying the AWS error code the API contract names for it.

RegistryError(code, message)                     base; never raised directly
├── ValidationError          ValidationException        400  bad input, missing resources, business rules
├── SerializationError       SerializationException     400  body is not a JSON object of the right types
├── UnknownOperationError    UnknownOperationException  400  target not served
├── ConflictError            ConflictException          400  group still has versions; ClientToken reused
└── ResourceLimitError       ResourceLimitExceeded      400  a group passed its last version number
"""

from __future__ import annotations


class RegistryError(Exception):
    """An error the client caused; `code` is the AWS error code, `message` the text sent back."""

    code = "InternalFailure"
    status = 400
    # AWS's modelled error shapes carry `Message` besides `message` (sagemaker-api.md 1.3).
    modelled = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(RegistryError):
    code = "ValidationException"


class SerializationError(RegistryError):
    code = "SerializationException"


class UnknownOperationError(RegistryError):
    code = "UnknownOperationException"


class ConflictError(RegistryError):
    code = "ConflictException"
    modelled = True


class ResourceLimitError(RegistryError):
    code = "ResourceLimitExceeded"
    modelled = True


def group_not_found(arn: str) -> ValidationError:
    return ValidationError(f"ModelPackageGroup {arn} does not exist.")


def package_not_found(arn: str) -> ValidationError:
    return ValidationError(f"ModelPackage {arn} does not exist.")


def policy_group_not_found(arn: str) -> ValidationError:
    return ValidationError(f"Cannot find Model Package Group: {arn}")


def resource_not_found(arn: str) -> ValidationError:
    return ValidationError(f"Resource {arn} does not exist.")
