"""What a version's describe document says, arranged for its tabs: lineage and model facts (Overview),
the report pointers it carries (metric tabs, console.md 4.3-4.6), the Inference Recommender readiness
checklist (4.8, 4.9) and its inference specifications (4.7).

Report files are not read here: the report store is later work, so the metric tabs show their real
empty state, or the references the version registers, never a made-up chart.
"""

from __future__ import annotations

import json
import re
from typing import Any

# tab slug → (ModelMetrics / DriftCheckBaselines member, title, what the report is, example members)
REPORT_TABS: dict[str, dict[str, Any]] = {
    "quality": {
        "member": "ModelQuality",
        "title": "model quality metrics",
        "what": "Model Monitor model quality statistics (and optional constraints) measured on a test set: "
                "regression, binary or multiclass classification metrics.",
        "example": {"ModelQuality": {
            "Statistics": {"ContentType": "application/json", "S3Uri": "s3://my-bucket/evaluation/statistics.json"},
            "Constraints": {"ContentType": "application/json", "S3Uri": "s3://my-bucket/evaluation/constraints.json"},
        }},
    },
    "explainability": {
        "member": "Explainability",
        "title": "explainability report",
        "what": "A SageMaker Clarify analysis.json with feature attributions (SHAP values, partial dependence).",
        "example": {"Explainability": {
            "Report": {"ContentType": "application/json", "S3Uri": "s3://my-bucket/clarify-explainability/analysis.json"},
        }},
    },
    "bias": {
        "member": "Bias",
        "title": "bias report",
        "what": "A SageMaker Clarify analysis.json with pre-training (data) and post-training (model) bias metrics.",
        "example": {"Bias": {
            "PreTrainingReport": {"ContentType": "application/json", "S3Uri": "s3://my-bucket/clarify-bias/analysis.json"},
            "PostTrainingReport": {"ContentType": "application/json", "S3Uri": "s3://my-bucket/clarify-bias/analysis.json"},
        }},
    },
    "data-quality": {
        "member": "ModelDataQuality",
        "title": "data quality baseline",
        "what": "Model Monitor data quality statistics and constraints of the training data (per-feature "
                "distributions, completeness).",
        "example": {"ModelDataQuality": {
            "Statistics": {"ContentType": "application/json", "S3Uri": "s3://my-bucket/baseline/statistics.json"},
            "Constraints": {"ContentType": "application/json", "S3Uri": "s3://my-bucket/baseline/constraints.json"},
        }},
    },
}

_PIPELINE = re.compile(r"^arn:aws[a-z-]*:sagemaker:[^:]*:[0-9]*:pipeline/([^/]+)/execution/(.+)$")


def pointers(package: dict[str, Any], member: str | None = None) -> list[dict[str, Any]]:
    """Every report pointer (MetricsSource / FileSource) in ModelMetrics and DriftCheckBaselines, in
    document order: {where, path, member, ContentType, S3Uri, ContentDigest}; only `member`'s when given."""
    found: list[dict[str, Any]] = []
    for where in ("ModelMetrics", "DriftCheckBaselines"):
        for name, block in (package.get(where) or {}).items():
            if member is not None and name != member:
                continue
            for leaf, source in (block or {}).items():
                if isinstance(source, dict) and "S3Uri" in source:
                    found.append({
                        "where": where,
                        "member": name,
                        "path": f"{where}.{name}.{leaf}",
                        "ContentType": source.get("ContentType", ""),
                        "S3Uri": source["S3Uri"],
                        "ContentDigest": source.get("ContentDigest", ""),
                    })
    return found


def report_tab(package: dict[str, Any], tab: str) -> dict[str, Any]:
    """A metric tab's content: what the report is, an example, and the pointers the version carries."""
    info = REPORT_TABS[tab]
    return {
        **info,
        "example_text": "ModelMetrics=" + json.dumps(info["example"], indent=4),
        "registered": pointers(package, info["member"]),
    }


def readiness(package: dict[str, Any]) -> list[dict[str, Any]]:
    """What Inference Recommender needs from the package (console.md 4.8), each ticked when present."""
    spec = package.get("InferenceSpecification") or {}
    first = (spec.get("Containers") or [{}])[0]
    realtime = spec.get("SupportedRealtimeInferenceInstanceTypes") or []
    return [
        {"label": "Domain", "member": "Domain", "value": package.get("Domain", "")},
        {"label": "Task", "member": "Task", "value": package.get("Task", "")},
        {"label": "Sample payload", "member": "SamplePayloadUrl", "value": package.get("SamplePayloadUrl", "")},
        {"label": "Container framework", "member": "InferenceSpecification.Containers[0].Framework",
         "value": first.get("Framework", "")},
        {"label": "Framework version", "member": "InferenceSpecification.Containers[0].FrameworkVersion",
         "value": first.get("FrameworkVersion", "")},
        {"label": "Real-time instance types", "member": "SupportedRealtimeInferenceInstanceTypes",
         "value": ", ".join(realtime)},
    ]


def lineage(package: dict[str, Any], group_tags: dict[str, str]) -> list[dict[str, Any]]:
    """Overview › Lineage rows: label, value, and optional `href`, `title`, `mono`."""
    meta = package.get("MetadataProperties") or {}
    rows: list[dict[str, Any]] = []
    if meta.get("ProjectId"):
        name = group_tags.get("sagemaker:project-name")
        rows.append({"label": "Project", "value": f"{name} ({meta['ProjectId']})" if name else meta["ProjectId"]})
    generated = meta.get("GeneratedBy")
    if generated:
        match = _PIPELINE.match(generated)
        if match:
            rows.append({"label": "Pipeline", "value": match.group(1)})
            rows.append({"label": "Pipeline execution", "value": match.group(2), "title": generated, "mono": True})
        else:
            rows.append({"label": "Generated by", "value": generated, "mono": True})
    repo = meta.get("Repository")
    if repo:
        link = repo if repo.startswith(("https://", "http://")) else None
        rows.append({"label": "Repository", "value": repo, "href": link})
    if meta.get("CommitId"):
        rows.append({"label": "Commit", "value": meta["CommitId"][:12], "title": meta["CommitId"], "mono": True})
    if package.get("SourceUri"):
        rows.append({"label": "Source", "value": package["SourceUri"], "mono": True})
    return rows


def _model_data(container: dict[str, Any]) -> str:
    if container.get("ModelDataUrl"):
        return str(container["ModelDataUrl"])
    source = (container.get("ModelDataSource") or {}).get("S3DataSource") or {}
    if source.get("S3Uri"):
        extra = ", ".join(str(source[k]) for k in ("S3DataType", "CompressionType") if source.get(k))
        return f"{source['S3Uri']} ({extra})" if extra else str(source["S3Uri"])
    return ""


def model_facts(package: dict[str, Any]) -> list[dict[str, Any]]:
    """Overview › Model rows beyond group, version and ARN; members that are absent are left out."""
    spec = package.get("InferenceSpecification") or {}
    containers = spec.get("Containers") or []
    rows: list[dict[str, Any]] = []
    for i, container in enumerate(containers):
        data = _model_data(container)
        if data:
            label = "Model artifact" if len(containers) == 1 else f"Model artifact (container {i + 1})"
            rows.append({"label": label, "value": data, "mono": True})
    if containers and containers[0].get("Image"):
        rows.append({"label": "Image", "value": containers[0]["Image"], "mono": True})
    for member, label in (("Domain", "Domain"), ("Task", "Task"), ("SamplePayloadUrl", "Sample payload")):
        if package.get(member):
            rows.append({"label": label, "value": package[member], "mono": member == "SamplePayloadUrl"})
    if "SkipModelValidation" in package:
        rows.append({"label": "Model validation", "value": package["SkipModelValidation"]})
    if package.get("CertifyForMarketplace"):
        rows.append({"label": "Certified for Marketplace", "value": "Yes"})
    if (package.get("SecurityConfig") or {}).get("KmsKeyId"):
        rows.append({"label": "KMS key", "value": package["SecurityConfig"]["KmsKeyId"], "mono": True})
    if package.get("ModelPackageRegistrationType"):
        rows.append({"label": "Registration type", "value": package["ModelPackageRegistrationType"]})
    algorithms = (package.get("SourceAlgorithmSpecification") or {}).get("SourceAlgorithms") or []
    for algorithm in algorithms:
        rows.append({"label": "Source algorithm", "value": algorithm.get("AlgorithmName", ""), "mono": True})
    validation = package.get("ValidationSpecification") or {}
    if validation.get("ValidationRole"):
        rows.append({"label": "Validation role", "value": validation["ValidationRole"], "mono": True})
    for profile in validation.get("ValidationProfiles") or []:
        rows.append({"label": "Validation profile", "value": profile.get("ProfileName", "")})
    return rows


def specifications(package: dict[str, Any]) -> list[dict[str, Any]]:
    """The primary InferenceSpecification then each additional one: {title, description, primary,
    containers: [{...container, model_data, env: [(k, v)]}], chips: [(label, values)]}."""
    specs: list[dict[str, Any]] = []
    entries = []
    if package.get("InferenceSpecification"):
        entries.append(("Primary inference specification", "", True, package["InferenceSpecification"]))
    for extra in package.get("AdditionalInferenceSpecifications") or []:
        entries.append((extra.get("Name", ""), extra.get("Description", ""), False, extra))
    for title, description, primary, spec in entries:
        containers = []
        for container in spec.get("Containers") or []:
            containers.append({
                **container,
                "model_data": _model_data(container),
                "env": sorted((container.get("Environment") or {}).items()),
                "additional": [(s.get("ChannelName", ""), (s.get("S3DataSource") or {}).get("S3Uri", ""))
                               for s in container.get("AdditionalModelDataSources") or []],
            })
        chips = [
            (label, spec.get(member) or [])
            for member, label in (
                ("SupportedRealtimeInferenceInstanceTypes", "Real-time instance types"),
                ("SupportedTransformInstanceTypes", "Batch transform instance types"),
                ("SupportedContentTypes", "Content types"),
                ("SupportedResponseMIMETypes", "Response MIME types"),
            )
        ]
        specs.append({"title": title, "description": description, "primary": primary, "containers": containers,
                      "chips": chips})
    return specs
