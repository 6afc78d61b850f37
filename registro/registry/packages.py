"""Model packages: CreateModelPackage, Describe…, List…, Update…, Delete…, BatchDescribe….

A version lives in a group and takes the group's next number; an unversioned package stands alone
under its own name. Each is one row whose `document` holds DescribeModelPackage's members.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import botocore.session
from sqlalchemy import Connection

from registro import store
from registro.events.kinds import EventKind, update_kind
from registro.registry import activity, arns, cards, errors, groups, paging, tags
from registro.registry.context import Context, Request, Result
from registro.registry.documents import Stored, dump, joined_list, legacy_request_hash, load, request_hash
from registro.store.groups import Duplicate

MAX_VERSION = 999_999_999  # the largest version the ModelPackageArn pattern allows
MAX_METADATA = 50  # botocore CustomerMetadataMap max
MAX_ADDITIONAL_SPECS = 15  # API ref UpdateModelPackage
STATUS_DETAILS: dict[str, list[Any]] = {"ValidationStatuses": [], "ImageScanStatuses": []}

# Create members kept as given in the document (the rest is derived or not stored).
_NOT_STORED = {"ModelPackageName", "ModelPackageGroupName", "Tags", "ClientToken"}

# UpdateModelPackage members in botocore's order, as the field each one changes.
_UPDATED_FIELD = {
    "ModelApprovalStatus": "ModelApprovalStatus",
    "ModelPackageRegistrationType": "ModelPackageRegistrationType",
    "ApprovalDescription": "ApprovalDescription",
    "CustomerMetadataProperties": "CustomerMetadataProperties",
    "CustomerMetadataPropertiesToRemove": "CustomerMetadataProperties",
    "AdditionalInferenceSpecificationsToAdd": "AdditionalInferenceSpecifications",
    "InferenceSpecification": "InferenceSpecification",
    "SourceUri": "SourceUri",
    "ModelCard": "ModelCard",
    "ModelLifeCycle": "ModelLifeCycle",
}

# ListModelPackages' members, in botocore's order: each row stores its summary as wire JSON.
_SUMMARY_MEMBERS = tuple(
    botocore.session.get_session().get_service_model("sagemaker").shape_for("ModelPackageSummary").members
)

_SUMMARY_OF_DELETED = (
    "ModelPackageGroupName",
    "ModelPackageVersion",
    "ModelPackageArn",
    "ModelPackageName",
    "CreationTime",
)


def create_model_package(ctx: Context, request: Request) -> Result:
    """CreateModelPackage: a version of a group, or an unversioned package."""
    group_ref, name = request.get("ModelPackageGroupName"), request.get("ModelPackageName")
    if group_ref and name:
        raise errors.ValidationError(
            "Both ModelPackageName and ModelPackageGroupName are provided in the input. "
            "Cannot determine which one to use."
        )
    if not group_ref and not name:
        raise errors.ValidationError("Missing ARN.")
    card = _card_on_create(request.get("ModelCard"))
    if "AdditionalInferenceSpecifications" in request:
        _additional_specs([], request["AdditionalInferenceSpecifications"])  # names unique (sagemaker-api.md 3.3)
    if group_ref:
        return _create_version(ctx, request, group_ref, card)
    return _create_unversioned(ctx, request, str(name), card)


def _create_version(ctx: Context, request: Request, group_ref: str, card: dict[str, Any] | None) -> Result:
    if "Tags" in request:
        raise errors.ValidationError(
            "Tags cannot be supplied for a versioned model package; it uses the tags of its model package group."
        )
    if request.get("CertifyForMarketplace"):
        raise errors.ValidationError(
            "CertifyForMarketplace cannot be true for a versioned model package; "
            "only unversioned model packages can be listed on AWS Marketplace."
        )
    fingerprint = _fingerprint(request)
    group_arn = arns.group_ref(ctx, group_ref)
    # Tokens are scoped to the caller's account, not the group (sagemaker-api.md 3.3).
    scope = f"account:{ctx.account}"
    try:
        # Keyed by the group: on PostgreSQL its concurrent creates share one transaction and COMMIT
        # instead of queueing on its row lock one COMMIT (fsync) each.
        with ctx.store.write(key=group_arn) as conn:
            # The group's row locked and its next number taken in one statement; raising undoes both.
            taken = store.groups.take_next_version(conn, group_arn)
            if taken is None:
                raise errors.group_not_found(group_arn)
            group, version = taken
            arn = arns.package_arn(ctx, group.name, version)
            replayed = _claim(conn, scope, request, arn, fingerprint)
            if replayed:
                raise _Replayed(replayed)
            if version > MAX_VERSION:
                raise errors.ResourceLimitError(
                    f"Model Package Group {group.arn} has reached the largest version number, {MAX_VERSION}."
                )
            document = _new_document(ctx, request, card, arn=arn, name=group.name)
            document["ModelPackageGroupName"] = group.name
            document["ModelPackageVersion"] = version
            document["ModelApprovalStatus"] = request.get("ModelApprovalStatus", "PendingManualApproval")
            _insert(ctx, conn, document, group_id=group.id, version=version)
            activity.note(
                ctx, conn, EventKind.PACKAGE_CREATED, arn=arn, group_name=group.name, version=version,
                detail=store.activity.AS_STORED,
            )
    except _Replayed as replay:
        return {"ModelPackageArn": replay.arn}
    return {"ModelPackageArn": arn}


class _Replayed(Exception):
    """A create's ClientToken was used before with the same input: its write is undone (the version
    number it took goes back) and the earlier ARN is the answer."""

    def __init__(self, arn: str) -> None:
        super().__init__(arn)
        self.arn = arn


def _create_unversioned(ctx: Context, request: Request, name: str, card: dict[str, Any] | None) -> Result:
    if "ModelApprovalStatus" in request:
        raise errors.ValidationError("ModelApprovalStatus does not apply to an unversioned model package.")
    spec = request.get("InferenceSpecification")
    if spec is None and "SourceAlgorithmSpecification" not in request:
        raise errors.ValidationError(
            "An unversioned model package needs an InferenceSpecification or a SourceAlgorithmSpecification."
        )
    if spec is not None:
        for member in ("SupportedTransformInstanceTypes", "SupportedRealtimeInferenceInstanceTypes"):
            if member not in spec:
                raise errors.ValidationError(
                    f"InferenceSpecification.{member} is required for an unversioned model package."
                )
        if any("Environment" in c for c in spec.get("Containers", [])):
            raise errors.ValidationError(
                "1 validation errors detected:Environment variable map cannot be specified "
                "when using non-versioned ModelPackages"
            )
    new_tags = tags.checked_new_tags(request.get("Tags", []), existing={})
    arn = arns.package_arn(ctx, name)
    scope = f"account:{ctx.account}"
    fingerprint = _fingerprint(request)
    with ctx.store.write() as conn:
        replayed = _claim(conn, scope, request, arn, fingerprint)
        if replayed:
            return {"ModelPackageArn": replayed}  # nothing written
        document = _new_document(ctx, request, card, arn=arn, name=name)
        try:
            _insert(ctx, conn, document, group_id=None, version=None)
        except Duplicate:
            raise errors.ValidationError(f"Model Package already exists: {arn}") from None
        store.tags.put(conn, arn, new_tags, existing={})
        activity.note(
            ctx, conn, EventKind.PACKAGE_CREATED, arn=arn, group_name=None, detail=store.activity.AS_STORED
        )
    return {"ModelPackageArn": arn}


def _new_document(
    ctx: Context, request: Request, card: dict[str, Any] | None, *, arn: str, name: str
) -> dict[str, Any]:
    document = {k: v for k, v in request.items() if k not in _NOT_STORED}
    document.update(
        ModelPackageName=name,
        ModelPackageArn=arn,
        CreationTime=ctx.now_seconds,
        ModelPackageStatus="Completed",
        ModelPackageStatusDetails=STATUS_DETAILS,
        CertifyForMarketplace=request.get("CertifyForMarketplace", False),
        CreatedBy=ctx.user_context,
        LastModifiedTime=ctx.now_seconds,
        LastModifiedBy=ctx.user_context,
    )
    if card is not None:
        document["ModelCard"] = card
    return document


def _insert(ctx: Context, conn: Connection, document: dict[str, Any], *, group_id: int | None, version: int | None) -> None:
    """Insert the package's row (its document is the creation record's detail: store.activity.AS_STORED)."""
    # A version's number was taken under its group's lock: nothing to learn from the INSERT, so it is
    # queued (PostgreSQL: sent with the rest of the write in one round trip).
    insert = store.packages.insert_package if version is None else store.packages.insert_version
    insert(
        conn,
        account=ctx.account,
        arn=document["ModelPackageArn"],
        group_id=group_id,
        name=document["ModelPackageName"],
        version=version,
        created_at=ctx.now,
        modified_at=ctx.now,
        approval=document.get("ModelApprovalStatus"),
        stage=document.get("ModelLifeCycle", {}).get("Stage"),
        document=dump(document),
        summary=summary_of(document),
    )


def _card_on_create(card: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The ModelCard to store: content checked against the schema, status `Draft` by default."""
    if card is None:
        return None
    stored = dict(card)
    if "ModelCardContent" in stored:
        cards.check_content(stored["ModelCardContent"])
        stored.setdefault("ModelCardStatus", "Draft")
    return stored


def _fingerprint(request: Request) -> str | None:
    """The request's hash when it carries a ClientToken (boto3 always sends one on create), computed
    once and before the write: less time holding the writer."""
    return request_hash(request) if "ClientToken" in request else None


def _replay(conn: Connection, scope: str, request: Request, fingerprint: str | None) -> str | None:
    """The ARN an earlier call with this ClientToken made; ConflictException if its input differed."""
    token = request.get("ClientToken")
    if token is None:
        return None
    return _earlier(store.tokens.find(conn, scope, token), request, fingerprint)


def _claim(conn: Connection, scope: str, request: Request, arn: str, fingerprint: str | None) -> str | None:
    """A create's ClientToken, remembered as making `arn`; or the ARN an earlier call with it made (then
    nothing is written), ConflictException if that call's input differed."""
    token = request.get("ClientToken")
    if token is None or fingerprint is None:
        return None
    return _earlier(store.tokens.claim(conn, scope, token, fingerprint, arn), request, fingerprint)


def _earlier(found: Any, request: Request, fingerprint: str | None) -> str | None:
    """The ARN a token's earlier call made (`found`: its memory, or None); ConflictException if that
    call's input differed."""
    if found is None:
        return None
    if found.request_hash != fingerprint and found.request_hash != legacy_request_hash(request):
        raise errors.ConflictError(f"ClientToken {request['ClientToken']} was already used with different input.")
    return str(found.result_arn)


def _remember(conn: Connection, scope: str, request: Request, arn: str, fingerprint: str | None) -> None:
    if fingerprint is not None:
        store.tokens.remember(conn, scope, request["ClientToken"], fingerprint, arn)


def describe_model_package(ctx: Context, request: Request) -> Result | Stored:
    """DescribeModelPackage, by unversioned name, `{group}/{n}` or ARN. The stored document is the
    answer, as it is, unless MetadataOnly asks for less of the card."""
    arn = arns.package_ref(ctx, request["ModelPackageName"])
    text = store.packages.document_of(ctx.store.direct, arn)
    if text is None:
        raise errors.package_not_found(arn)
    if request.get("IncludedData") != "MetadataOnly":
        return Stored(text)
    document = load(text)
    if "ModelCardContent" in document.get("ModelCard", {}):
        document["ModelCard"]["ModelCardContent"] = cards.metadata_only(document["ModelCard"]["ModelCardContent"])
    return document


def list_model_packages(ctx: Context, request: Request) -> Result | Stored:
    """ListModelPackages: a group's versions, or the account's packages of the asked type."""
    extra = ("ModelApprovalStatus", "ModelPackageGroupName", "ModelPackageType")
    asked, query = paging.window(ctx, "ListModelPackages", request, extra)
    group_ref = request.get("ModelPackageGroupName")
    kind = request.get("ModelPackageType", "Versioned" if group_ref else "Unversioned")
    # Two single-statement direct reads: the group, then the page (sorted by a unique key, so a group
    # deleted in between just lists nothing).
    group_id = groups.existing_id(ctx, group_ref) if group_ref else None
    if group_ref and kind == "Unversioned":
        return {"ModelPackageSummaryList": []}
    rows = store.packages.listing(
        ctx.store.direct,
        ctx.account,
        asked,
        group_id=group_id,
        versioned={"Versioned": True, "Unversioned": False}.get(kind),
        approval=request.get("ModelApprovalStatus"),
    )
    page, token = paging.cut(
        ctx, "ListModelPackages", query, asked, rows,
        lambda last: [last.name, last.version or 0, last.id] if asked.sort_by_name else [last.created_at, last.id],
    )
    return joined_list("ModelPackageSummaryList", [r.summary for r in page], token)


def summary_of(document: Mapping[str, Any]) -> str:
    """The row's ListModelPackages entry, stored with it so a page is joined text, not parsed documents."""
    summary = {k: document[k] for k in _SUMMARY_MEMBERS if document.get(k) is not None}
    if "ModelPackageVersion" in summary:
        # A version's summary names its group, not itself (seed; sagemaker-python-sdk#5606).
        del summary["ModelPackageName"]
    return dump(summary)


def _for_writing(ctx: Context, conn: Connection, arn: str) -> Any:
    """The package row about to change, else the contract's ValidationException. A version's
    writers queue behind its group's row lock (PostgreSQL), as creates do."""
    row = store.packages.by_arn(conn, arn)
    if row is None:
        raise errors.package_not_found(arn)
    if row.version is not None:
        store.groups.by_arn(conn, arns.group_arn(ctx, row.name), lock=True)
    return row


def update_model_package(ctx: Context, request: Request) -> Result:
    """UpdateModelPackage. Members absent from the request keep their stored value."""
    arn = request["ModelPackageArn"]
    if "ModelCard" in request and "ModelCardContent" in request["ModelCard"]:
        cards.check_content(request["ModelCard"]["ModelCardContent"])
    fingerprint = _fingerprint(request)
    with ctx.store.write() as conn:
        row = _for_writing(ctx, conn, arn)
        if _replay(conn, arn, request, fingerprint):
            return {"ModelPackageArn": arn}
        before = load(row.document)
        after, fields = _merged(before, request, versioned=row.version is not None)
        _remember(conn, arn, request, arn, fingerprint)
        if not fields:
            return {"ModelPackageArn": arn}
        after["LastModifiedTime"] = ctx.now_seconds
        after["LastModifiedBy"] = ctx.user_context
        store.packages.save(
            conn,
            row.id,
            modified_at=ctx.now,
            approval=after.get("ModelApprovalStatus"),
            stage=after.get("ModelLifeCycle", {}).get("Stage"),
            document=dump(after),
            summary=summary_of(after),
        )
        activity.note(
            ctx, conn, update_kind(fields), arn=arn, group_name=row.name if row.version else None,
            version=row.version, detail={**after, "UpdatedModelPackageFields": fields},
            previous={f: before.get(f) for f in fields},
        )
    return {"ModelPackageArn": arn}


def _merged(before: dict[str, Any], request: Request, *, versioned: bool) -> tuple[dict[str, Any], list[str]]:
    """The document after the update, and the fields whose stored value changed (botocore order)."""
    if not versioned:
        for member in ("ModelApprovalStatus", "ApprovalDescription"):
            if member in request:
                raise errors.ValidationError(f"{member} applies only to versioned model packages.")
    after = dict(before)
    for member in ("ModelApprovalStatus", "ModelPackageRegistrationType", "ApprovalDescription",
                   "InferenceSpecification", "SourceUri", "ModelLifeCycle"):
        if member in request:
            after[member] = request[member]
    if "CustomerMetadataProperties" in request or "CustomerMetadataPropertiesToRemove" in request:
        after.pop("CustomerMetadataProperties", None)
        metadata = _metadata(before.get("CustomerMetadataProperties", {}), request)
        if metadata:
            after["CustomerMetadataProperties"] = metadata
    if "AdditionalInferenceSpecificationsToAdd" in request:
        after["AdditionalInferenceSpecifications"] = _additional_specs(
            before.get("AdditionalInferenceSpecifications", []), request["AdditionalInferenceSpecificationsToAdd"]
        )
    if "ModelCard" in request:
        after["ModelCard"] = _card_on_update(before.get("ModelCard"), request["ModelCard"])
    fields: list[str] = []
    for member, field in _UPDATED_FIELD.items():
        if member in request and field not in fields and before.get(field) != after.get(field):
            fields.append(field)
    return after, fields


def _metadata(current: Mapping[str, str], request: Request) -> dict[str, str]:
    given = request.get("CustomerMetadataProperties", {})
    removed = request.get("CustomerMetadataPropertiesToRemove", [])
    both = sorted(set(given) & set(removed))
    if both:
        raise errors.ValidationError(
            f"CustomerMetadataProperties key(s) {', '.join(both)} are both set and removed in one request."
        )
    merged = {k: v for k, v in {**current, **given}.items() if k not in removed}
    if len(merged) > MAX_METADATA:
        raise errors.ValidationError(
            f"CustomerMetadataProperties can hold at most {MAX_METADATA} entries; "
            f"this update would leave {len(merged)}."
        )
    return merged


def _additional_specs(current: list[dict[str, Any]], added: list[dict[str, Any]]) -> list[dict[str, Any]]:
    specs = current + added
    if len(specs) > MAX_ADDITIONAL_SPECS:
        raise errors.ValidationError(
            f"AdditionalInferenceSpecifications can not exceed {MAX_ADDITIONAL_SPECS}; "
            f"this update would make {len(specs)}."
        )
    names = [s["Name"] for s in specs]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise errors.ValidationError(
            f"AdditionalInferenceSpecifications names must be unique; repeated: {', '.join(repeated)}."
        )
    return specs


def _card_on_update(current: Mapping[str, Any] | None, given: Mapping[str, Any]) -> dict[str, Any]:
    """Present ModelCard members replace, absent ones are kept; an Archived card's content is frozen."""
    card = dict(current or {})
    content = given.get("ModelCardContent")
    if content is not None and content != card.get("ModelCardContent"):
        if card.get("ModelCardStatus") == "Archived":
            raise errors.ValidationError("Model Card is in Archived state")
        card["ModelCardContent"] = content
        card.setdefault("ModelCardStatus", "Draft")
    if "ModelCardStatus" in given:
        card["ModelCardStatus"] = given["ModelCardStatus"]
    return card


def delete_model_package(ctx: Context, request: Request) -> Result:
    """DeleteModelPackage: any approval status; its tags and token memory go too."""
    arn = arns.package_ref(ctx, request["ModelPackageName"])
    with ctx.store.write() as conn:
        row = _for_writing(ctx, conn, arn)
        store.packages.delete_package(conn, row.id)
        store.tags.remove(conn, arn)
        store.tokens.forget(conn, arn)
        document = load(row.document)
        # Six members only: no approval or inference spec, so deploy-on-approval rules never fire.
        detail = {k: document[k] for k in _SUMMARY_OF_DELETED if k in document}
        detail["ModelPackageStatus"] = "Deleting"
        activity.note(
            ctx, conn, EventKind.PACKAGE_DELETED, arn=arn, group_name=row.name if row.version else None,
            version=row.version, detail=detail,
        )
    return {}


def batch_describe_model_package(ctx: Context, request: Request) -> Result:
    """BatchDescribeModelPackage: versions only; missing ones land in the error map, never fail the call."""
    wanted = list(dict.fromkeys(request["ModelPackageArnList"]))
    with ctx.store.read() as conn:
        found = store.packages.documents_by_arn(conn, wanted)
    summaries, failures = {}, {}
    for arn in wanted:
        if arn not in found:
            failures[arn] = {"ErrorCode": "ValidationException", "ErrorResponse": f"ModelPackage {arn} does not exist."}
        elif found[arn][0] is None:
            failures[arn] = {
                "ErrorCode": "ValidationException",
                "ErrorResponse": f"ModelPackage {arn} is not a versioned model package.",
            }
        else:
            summaries[arn] = load(found[arn][1])
    return {"ModelPackageSummaries": summaries, "BatchDescribeModelPackageErrorMap": failures}
