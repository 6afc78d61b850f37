"""Activity records as readable lines (console.md 4.2): one sentence per record, details on demand.

    record (registry.activity: kind, at, by, version, detail, previous)
        ──▶ phrase(record) = {sentence, comment, changes[(what, before, after)], who, who_arn, at, ...}
"""

from __future__ import annotations

import json
from typing import Any

from registro.events.kinds import EventKind

# Event kinds a user can filter by, with the words the filter shows.
KIND_LABELS: dict[str, str] = {
    EventKind.PACKAGE_CREATED.value: "Version registered",
    EventKind.APPROVAL_CHANGED.value: "Approval status changed",
    EventKind.LIFECYCLE_CHANGED.value: "Lifecycle stage changed",
    EventKind.CARD_CHANGED.value: "Model card changed",
    EventKind.METADATA_CHANGED.value: "Customer metadata changed",
    EventKind.INFERENCE_CHANGED.value: "Inference specification changed",
    EventKind.PACKAGE_UPDATED.value: "Other version update",
    EventKind.PACKAGE_DELETED.value: "Version deleted",
    EventKind.TAGS_CHANGED.value: "Tags changed",
    EventKind.GROUP_CREATED.value: "Group created",
    EventKind.GROUP_DELETED.value: "Group deleted",
    EventKind.POLICY_PUT.value: "Resource policy set",
    EventKind.POLICY_DELETED.value: "Resource policy deleted",
}
VERSION_KINDS = tuple(k.value for k in EventKind if k.value.startswith("model-package:")) + (
    EventKind.TAGS_CHANGED.value,
)

APPROVAL_WORDS = {"Approved": "Approved", "Rejected": "Rejected", "PendingManualApproval": "Pending"}
_CUT = 300


def short(value: Any) -> str:
    """A member's value in a line of text: strings as they are, the rest as compact JSON, cut."""
    if value is None:
        return "—"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return text if len(text) <= _CUT else text[: _CUT - 1] + "…"


def who_of(arn: str) -> str:
    return arn.rsplit("/", 1)[-1] or arn.rsplit(":", 1)[-1] or "unknown"


def _stage(life: Any) -> str:
    if not isinstance(life, dict) or not life:
        return "none"
    return " · ".join(str(x) for x in (life.get("Stage"), life.get("StageStatus")) if x) or "none"


def _metadata_clause(before: Any, after: Any, changes: list[tuple[str, str, str]]) -> str:
    old = before if isinstance(before, dict) else {}
    new = after if isinstance(after, dict) else {}
    added = [k for k in new if k not in old]
    changed = [k for k in new if k in old and old[k] != new[k]]
    removed = [k for k in old if k not in new]
    for k in added:
        changes.append((f"Metadata {k}", "—", short(new[k])))
    for k in changed:
        changes.append((f"Metadata {k}", short(old[k]), short(new[k])))
    for k in removed:
        changes.append((f"Metadata {k}", short(old[k]), "—"))
    parts = [
        f"{verb} {_and(keys)}"
        for verb, keys in (("changed", changed), ("added", added), ("removed", removed))
        if keys
    ]
    # "Customer metadata: changed team, added owner and region, removed stage"
    return "customer metadata: " + (", ".join(parts) if parts else "changed")


def _and(words: list[str]) -> str:
    """team / team and owner / team, owner and stage"""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _card_clause(before: Any, after: Any, changes: list[tuple[str, str, str]]) -> str:
    old = before if isinstance(before, dict) else {}
    new = after if isinstance(after, dict) else {}
    if not old:
        changes.append(("Card status", "—", short(new.get("ModelCardStatus"))))
        return f"model card created ({new.get('ModelCardStatus', 'Draft')})"
    parts = []
    if old.get("ModelCardStatus") != new.get("ModelCardStatus"):
        parts.append(f"card status {old.get('ModelCardStatus', 'none')} → {new.get('ModelCardStatus', 'none')}")
        changes.append(("Card status", short(old.get("ModelCardStatus")), short(new.get("ModelCardStatus"))))
    if old.get("ModelCardContent") != new.get("ModelCardContent"):
        parts.append("card content edited")
        changes.append(("Card content", "(previous text)", "(edited)"))
    return "model card changed: " + ", ".join(parts) if parts else "model card changed"


def _update_clauses(detail: dict[str, Any], previous: dict[str, Any]) -> tuple[list[str], str, list[tuple[str, str, str]]]:
    """Clauses for each field an UpdateModelPackage changed, the approval comment, and the changes table."""
    fields = detail.get("UpdatedModelPackageFields") or []
    clauses: list[str] = []
    metadata = ""
    changes: list[tuple[str, str, str]] = []
    comment = ""
    if "ApprovalDescription" in fields:
        comment = str(detail.get("ApprovalDescription") or "")
    for name in fields:
        before, after = previous.get(name), detail.get(name)
        if name == "ModelApprovalStatus":
            old_word = APPROVAL_WORDS.get(str(before), short(before))
            new_word = APPROVAL_WORDS.get(str(after), short(after))
            clauses.append(f"approval status changed: {old_word} → {new_word}")
            changes.append(("Approval status", old_word, new_word))
        elif name == "ApprovalDescription":
            if "ModelApprovalStatus" not in fields:
                clauses.append("approval comment changed")
            changes.append(("Approval comment", short(before), short(after)))
        elif name == "ModelLifeCycle":
            clauses.append(f"stage changed: {_stage(before)} → {_stage(after)}")
            changes.append(("Stage", _stage(before), _stage(after)))
            if isinstance(after, dict) and after.get("StageDescription"):
                changes.append(("Stage description", short((before or {}).get("StageDescription")),
                                short(after["StageDescription"])))
        elif name == "ModelCard":
            clauses.append(_card_clause(before, after, changes))
        elif name == "CustomerMetadataProperties":
            metadata = _metadata_clause(before, after, changes)
        elif name == "AdditionalInferenceSpecifications":
            old_names = {s.get("Name") for s in before or [] if isinstance(s, dict)}
            added = [str(s.get("Name")) for s in after or [] if isinstance(s, dict) and s.get("Name") not in old_names]
            clauses.append("inference specification added: " + ", ".join(added) if added
                           else "additional inference specifications changed")
            for n in added:
                changes.append(("Additional inference specification", "—", n))
        elif name == "InferenceSpecification":
            clauses.append("inference specification replaced")
            changes.append(("Inference specification", short(before), short(after)))
        elif name == "ModelPackageRegistrationType":
            clauses.append(f"registration type changed: {before or 'Registered'} → {after}")
            changes.append(("Registration type", short(before or "Registered"), short(after)))
        elif name == "SourceUri":
            clauses.append(f"source URI changed: {short(before)} → {short(after)}")
            changes.append(("Source URI", short(before), short(after)))
        else:
            clauses.append(f"{name} changed")
            changes.append((name, short(before), short(after)))
    if metadata:
        # Last: its list of keys ("changed team, added owner") reads best at the end of the sentence.
        clauses.append(metadata)
    return clauses, comment, changes


def _tags_sentence(detail: dict[str, Any], previous: dict[str, Any], changes: list[tuple[str, str, str]]) -> str:
    old = {t["Key"]: t["Value"] for t in previous.get("Tags", []) if isinstance(t, dict)}
    new = {t["Key"]: t["Value"] for t in detail.get("Tags", []) if isinstance(t, dict)}
    updated, removed = detail.get("UpdatedTagKeys") or [], detail.get("RemovedTagKeys") or []
    for k in updated:
        changes.append((f"Tag {k}", short(old.get(k)), short(new.get(k))))
    for k in removed:
        changes.append((f"Tag {k}", short(old.get(k)), "—"))
    parts = []
    if updated:
        parts.append("set " + ", ".join(updated))
    if removed:
        parts.append("removed " + ", ".join(removed))
    where = f"version {detail['ModelPackageVersion']}" if "ModelPackageVersion" in detail else "group"
    return f"Tags of the {where} changed: " + "; ".join(parts) if parts else f"Tags of the {where} changed"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def phrase(record: dict[str, Any]) -> dict[str, Any]:
    """One record as a line: `sentence`, `comment` (quoted approval comment or ""), `changes`
    (what, before, after), `who`, `who_arn`, `at` (epoch seconds), `version`, `kind`, `label`, `raw`."""
    kind = record["kind"]
    detail: dict[str, Any] = record.get("detail") or {}
    previous: dict[str, Any] = record.get("previous") or {}
    version = record.get("version")
    changes: list[tuple[str, str, str]] = []
    comment = ""
    if kind == EventKind.PACKAGE_CREATED.value:
        status = APPROVAL_WORDS.get(str(detail.get("ModelApprovalStatus")), "")
        registration = detail.get("ModelPackageRegistrationType", "Registered")
        sentence = f"Version {version} registered" if version else "Package created"
        if status:
            sentence += f" as {status}"
        sentence += "" if registration == "Registered" else f" ({registration})"
        changes.append(("Approval status", "—", status or "—"))
        changes.append(("Registration type", "—", str(registration)))
        if detail.get("ApprovalDescription"):
            comment = str(detail["ApprovalDescription"])
    elif kind == EventKind.PACKAGE_DELETED.value:
        sentence = f"Version {version} deleted" if version else "Package deleted"
    elif kind.startswith("model-package:"):
        clauses, comment, changes = _update_clauses(detail, previous)
        sentence = _capital("; ".join(clauses)) if clauses else "Version updated"
    elif kind == EventKind.TAGS_CHANGED.value:
        sentence = _tags_sentence(detail, previous, changes)
    elif kind == EventKind.GROUP_CREATED.value:
        sentence = "Model group created"
        if detail.get("ModelPackageGroupDescription"):
            changes.append(("Description", "—", short(detail["ModelPackageGroupDescription"])))
        for tag in detail.get("Tags", []):
            changes.append((f"Tag {tag.get('Key')}", "—", short(tag.get("Value"))))
    elif kind == EventKind.GROUP_DELETED.value:
        sentence = "Model group deleted"
    elif kind == EventKind.POLICY_PUT.value:
        sentence = "Resource policy replaced" if previous.get("ResourcePolicy") else "Resource policy set"
        changes.append(("Resource policy", short(previous.get("ResourcePolicy")), short(detail.get("ResourcePolicy"))))
    elif kind == EventKind.POLICY_DELETED.value:
        sentence = "Resource policy deleted"
        changes.append(("Resource policy", short(previous.get("ResourcePolicy")), "—"))
    else:
        sentence = KIND_LABELS.get(kind, kind)
    by = str(record.get("by") or "")
    return {
        "id": record.get("id"),
        "sentence": sentence,
        "comment": comment,
        "changes": changes,
        "who": who_of(by) if by else "unknown",
        "who_arn": by,
        "at": record["at"] / 1000,
        "version": version,
        "kind": kind,
        "label": KIND_LABELS.get(kind, kind),
        "request_id": record.get("request_id", ""),
        "event_id": record.get("event_id", ""),
    }
