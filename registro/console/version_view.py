"""One model version as every version tab sees it: the describe document, the header values, the tab bar.

    load_version(request, group, n) ──▶ DescribeModelPackage("{group}/{n}")   (one store query)
        │ unknown group or version: HTTPException(404), rendered by the console's 404 page
        ▼
    {group, version, arn, package, tabs, header..., base}  ──▶ render_tab(request, "x.html", view, "slug")
                                                               (template extends version_base.html)
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse

from registro.console.calls import call
from registro.console.templating import render
from registro.registry.errors import RegistryError

# (slug, label) in the order of console.md 4; the tab bar shows every one, greyed when its source is absent.
TABS: tuple[tuple[str, str], ...] = (
    ("overview", "Overview"),
    ("activity", "Activity"),
    ("quality", "Model quality"),
    ("explainability", "Explainability"),
    ("bias", "Bias"),
    ("data-quality", "Data quality"),
    ("recommendations", "Inference recommendation"),
    ("load-tests", "Load test"),
    ("inference", "Inference specification"),
    ("card", "Model card"),
)
TAB_LABELS = dict(TABS)

APPROVAL_LABELS = {"Approved": "Approved", "Rejected": "Rejected", "PendingManualApproval": "Pending"}
APPROVAL_CLASSES = {"Approved": "ok", "Rejected": "bad", "PendingManualApproval": "warn"}
CARD_STATUS_LABELS = {
    "Draft": "Draft",
    "PendingReview": "Pending review",
    "Approved": "Approved",
    "Archived": "Archived",
}

# ModelMetrics / DriftCheckBaselines member whose presence makes a report tab "available".
_REPORT_MEMBER = {
    "quality": "ModelQuality",
    "explainability": "Explainability",
    "bias": "Bias",
    "data-quality": "ModelDataQuality",
}


def not_found(message: str) -> HTTPException:
    """The 404 every console page raises for an unknown group or version (the 404 page shows `message`)."""
    return HTTPException(status_code=404, detail=message)


def load_version(request: Request, group: str, n: int | str) -> dict[str, Any]:
    """The version `n` of `group`, ready for version_base.html; HTTPException(404) when unknown.

    Returned keys:
      group          str   the group name (as in the URL)
      version        int   ModelPackageVersion
      arn            str   ModelPackageArn
      package        dict  DescribeModelPackage's document (API member names, times as epoch seconds)
      base           str   "/console/model-groups/{group}/versions/{n}" (URL-quoted group), for links
      group_url      str   "/console/model-groups/{group}"
      tabs           list  (slug, label, available) for every tab in console.md 4 order; `available` is
                           False when the tab's source member is absent (the tab is then greyed)
      approval       str   ModelApprovalStatus ("" when absent)
      approval_label str   "Approved" / "Rejected" / "Pending"
      approval_class str   css modifier of the badge: "ok" / "bad" / "warn"
      approval_note  str   ApprovalDescription, the badge's tooltip ("" when absent)
      stage_label    str   "Stage · StageStatus" of ModelLifeCycle ("" when absent)
      stage_note     str   StageDescription ("" when absent)
      card_status    str   ModelCard.ModelCardStatus shown as words ("" when the version has no card)
      card_archived  bool  the card is Archived (read-only)
      package_status str   ModelPackageStatus when not Completed, else ""
      logged         bool  ModelPackageRegistrationType == "Logged"
      created, modified       float | None  CreationTime / LastModifiedTime (epoch seconds)
      created_by, modified_by dict | None   CreatedBy / LastModifiedBy (UserContext; `who` filter)
    """
    try:
        number = int(n)
    except (TypeError, ValueError):
        raise not_found(f"There is no version {n} in model group {group}.") from None
    if number < 1:
        raise not_found(f"There is no version {n} in model group {group}.")
    try:
        package = call(request, "DescribeModelPackage", {"ModelPackageName": f"{group}/{number}"})
    except RegistryError:
        # Unknown version, or a group name the API's pattern refuses: both are "no such page".
        raise not_found(f"There is no version {number} in model group {group}.") from None
    if package.get("ModelPackageGroupName") != group:
        raise not_found(f"There is no version {number} in model group {group}.")
    group_url = f"/console/model-groups/{quote(group, safe='')}"
    approval = package.get("ModelApprovalStatus", "")
    life = package.get("ModelLifeCycle") or {}
    card = package.get("ModelCard") or {}
    status = package.get("ModelPackageStatus", "Completed")
    return {
        "group": group,
        "version": number,
        "arn": package["ModelPackageArn"],
        "package": package,
        "base": f"{group_url}/versions/{number}",
        "group_url": group_url,
        "tabs": tabs_of(package),
        "approval": approval,
        "approval_label": APPROVAL_LABELS.get(approval, approval),
        "approval_class": APPROVAL_CLASSES.get(approval, ""),
        "approval_note": package.get("ApprovalDescription", ""),
        "stage_label": " · ".join(x for x in (life.get("Stage"), life.get("StageStatus")) if x),
        "stage_note": life.get("StageDescription", ""),
        "card_status": CARD_STATUS_LABELS.get(card.get("ModelCardStatus", ""), card.get("ModelCardStatus", ""))
        if card
        else "",
        "card_archived": card.get("ModelCardStatus") == "Archived",
        "package_status": "" if status == "Completed" else status,
        "logged": package.get("ModelPackageRegistrationType") == "Logged",
        "created": package.get("CreationTime"),
        "modified": package.get("LastModifiedTime"),
        "created_by": package.get("CreatedBy"),
        "modified_by": package.get("LastModifiedBy"),
    }


def tabs_of(package: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """(slug, label, available) for every tab; a tab whose source is absent stays, greyed."""
    metrics = package.get("ModelMetrics") or {}
    baselines = package.get("DriftCheckBaselines") or {}
    available = {
        "overview": True,
        "activity": True,
        # Registro holds no Inference Recommender job documents yet (console.md 4.8): always empty.
        "recommendations": False,
        "load-tests": False,
        "inference": bool(package.get("InferenceSpecification") or package.get("AdditionalInferenceSpecifications")),
        "card": bool(package.get("ModelCard")),
    }
    for slug, member in _REPORT_MEMBER.items():
        available[slug] = bool(metrics.get(member) or baselines.get(member))
    return [(slug, label, available[slug]) for slug, label in TABS]


def render_tab(
    request: Request, template: str, view: dict[str, Any], tab: str, status_code: int = 200, **values: Any
) -> HTMLResponse:
    """A version tab page: `template` (extending version_base.html) with `view` from load_version."""
    return render(
        request, template, status_code=status_code, **view, tab=tab, tab_title=TAB_LABELS.get(tab, tab), **values
    )
