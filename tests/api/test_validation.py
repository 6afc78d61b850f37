"""Generated from the served operations' input shapes: each required member, enum, length and pattern
gets a failing request, and the server names the member and the rule (sagemaker-api.md 1.4)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore import xform_name
from botocore.exceptions import ClientError
from validation_cases import generated_cases

from registro.api.service_model import SERVED

CASES = [case for case in generated_cases() if case[0] in SERVED]


def test_every_served_operation_has_generated_cases() -> None:
    assert {case[0] for case in CASES} == set(SERVED)


@pytest.mark.parametrize(("operation", "case_id", "params", "expected"), CASES, ids=[c[1] for c in CASES])
def test_invalid_request_gets_validation_exception_naming_member_and_rule(
    sm_raw: Any, operation: str, case_id: str, params: dict[str, Any], expected: str
) -> None:
    with pytest.raises(ClientError) as exc:
        getattr(sm_raw, xform_name(operation))(**params)
    error = exc.value.response["Error"]
    assert error["Code"] == "ValidationException", error
    assert expected in error["Message"]
    assert error["Message"].split(":")[0].endswith(("validation error detected", "validation errors detected"))
