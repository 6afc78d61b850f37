"""Every event kind, `<source>:<subject>:<action>`, with the EventBridge detail-type it is sent as."""

from __future__ import annotations

from enum import StrEnum

PACKAGE_STATE_CHANGE = "SageMaker Model Package State Change"
GROUP_STATE_CHANGE = "Registro Model Package Group State Change"
GROUP_POLICY_CHANGE = "Registro Model Package Group Policy Change"
TAGS_CHANGE = "Registro Tags Change"


class EventKind(StrEnum):
    PACKAGE_CREATED = "model-package:package:create"
    PACKAGE_UPDATED = "model-package:package:update"
    APPROVAL_CHANGED = "model-package:approval:change"
    CARD_CHANGED = "model-package:card:change"
    LIFECYCLE_CHANGED = "model-package:lifecycle:change"
    METADATA_CHANGED = "model-package:metadata:change"
    INFERENCE_CHANGED = "model-package:inference-specification:change"
    PACKAGE_DELETED = "model-package:package:delete"
    GROUP_CREATED = "model-package-group:group:create"
    GROUP_DELETED = "model-package-group:group:delete"
    POLICY_PUT = "model-package-group:policy:put"
    POLICY_DELETED = "model-package-group:policy:delete"
    TAGS_CHANGED = "tags:tags:change"


DETAIL_TYPES: dict[EventKind, str] = {
    **{k: PACKAGE_STATE_CHANGE for k in EventKind if k.value.startswith("model-package:")},
    EventKind.GROUP_CREATED: GROUP_STATE_CHANGE,
    EventKind.GROUP_DELETED: GROUP_STATE_CHANGE,
    EventKind.POLICY_PUT: GROUP_POLICY_CHANGE,
    EventKind.POLICY_DELETED: GROUP_POLICY_CHANGE,
    EventKind.TAGS_CHANGED: TAGS_CHANGE,
}

# An update is named by the most telling member it changed, in this order.
_UPDATE_KINDS = (
    ("ModelApprovalStatus", EventKind.APPROVAL_CHANGED),
    ("ModelCard", EventKind.CARD_CHANGED),
    ("ModelLifeCycle", EventKind.LIFECYCLE_CHANGED),
    ("CustomerMetadataProperties", EventKind.METADATA_CHANGED),
    ("InferenceSpecification", EventKind.INFERENCE_CHANGED),
    ("AdditionalInferenceSpecifications", EventKind.INFERENCE_CHANGED),
)


def update_kind(updated_fields: list[str]) -> EventKind:
    for member, kind in _UPDATE_KINDS:
        if member in updated_fields:
            return kind
    return EventKind.PACKAGE_UPDATED
