"""A model group's Settings page (console.md 3.2): details, tags, resource policy, delete.

GET  /model-groups/{group}/settings        details, tags, policy       ListTags, GetModelPackageGroupPolicy
POST /model-groups/{group}/tags            add or change one tag       AddTags
POST /model-groups/{group}/tags/delete     remove one tag              DeleteTags
POST /model-groups/{group}/policy          save the resource policy    PutModelPackageGroupPolicy
POST /model-groups/{group}/policy/delete   delete the resource policy  DeleteModelPackageGroupPolicy
POST /model-groups/{group}/delete          delete (typed-name check)   DeleteModelPackageGroup
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from registro.console.calls import call
from registro.console.forms import FormErrors, attempt, fields, see_other
from registro.console.groups_pages import group_url, load_group
from registro.console.templating import render
from registro.registry.errors import RegistryError


def _settings(request: Request, name: str, status_code: int = 200, **values: Any) -> Response:
    head = load_group(request, name)
    arn = head["group_doc"]["ModelPackageGroupArn"]
    tags = call(request, "ListTags", {"ResourceArn": arn})["Tags"]
    try:
        policy: str | None = call(request, "GetModelPackageGroupPolicy", {"ModelPackageGroupName": name})[
            "ResourcePolicy"
        ]
    except RegistryError:
        policy = None  # the API answers "Cannot find resource policy" when the group has none
    values.setdefault("policy_text", policy or "")
    return render(
        request, "group_settings.html", status_code=status_code, **head, section="settings", tags=tags,
        policy=policy, **values,
    )


async def settings_page(request: Request) -> Response:
    return _settings(request, request.path_params["group"])


async def add_tag(request: Request) -> Response:
    name = request.path_params["group"]
    head = load_group(request, name)
    form = await fields(request)
    params = {"ResourceArn": head["group_doc"]["ModelPackageGroupArn"],
              "Tags": [{"Key": form.get("key", ""), "Value": form.get("value", "")}]}
    _, errors = attempt(request, "AddTags", params, {"tags": "tag"}, default="tag")
    if errors:
        return _settings(request, name, 400, tag_errors=errors, tag_form=form)
    return see_other(group_url(name) + "/settings#tags", f"Tag {form.get('key', '')} saved.")


async def delete_tag(request: Request) -> Response:
    name = request.path_params["group"]
    head = load_group(request, name)
    form = await fields(request)
    params = {"ResourceArn": head["group_doc"]["ModelPackageGroupArn"], "TagKeys": [form.get("key", "")]}
    _, errors = attempt(request, "DeleteTags", params, {"tagKeys": "tag"}, default="tag")
    if errors:
        return _settings(request, name, 400, tag_errors=errors, tag_form={})
    return see_other(group_url(name) + "/settings#tags", f"Tag {form.get('key', '')} removed.")


async def put_policy(request: Request) -> Response:
    name = request.path_params["group"]
    load_group(request, name)
    form = await fields(request)
    params = {"ModelPackageGroupName": name, "ResourcePolicy": form.get("policy", "")}
    _, errors = attempt(request, "PutModelPackageGroupPolicy", params, {"resourcePolicy": "policy"}, "policy")
    if errors:
        return _settings(request, name, 400, policy_errors=errors, policy_text=form.get("policy", ""))
    return see_other(group_url(name) + "/settings#policy", "Resource policy saved.")


async def delete_policy(request: Request) -> Response:
    name = request.path_params["group"]
    load_group(request, name)
    _, errors = attempt(request, "DeleteModelPackageGroupPolicy", {"ModelPackageGroupName": name}, {}, "policy")
    if errors:
        return _settings(request, name, 400, policy_errors=errors)
    return see_other(group_url(name) + "/settings#policy", "Resource policy deleted.")


async def delete_group(request: Request) -> Response:
    name = request.path_params["group"]
    load_group(request, name)
    form = await fields(request)
    errors = FormErrors()
    if form.get("confirm") != name:
        errors.add("confirm", f"Type the group name, {name}, exactly to confirm.")
    else:
        _, errors = attempt(request, "DeleteModelPackageGroup", {"ModelPackageGroupName": name}, {}, "confirm")
    if errors:
        return _settings(request, name, 400, delete_errors=errors)
    return see_other("/console/model-groups", f"Model group {name} deleted.")


ROUTES: list[BaseRoute] = [
    Route("/model-groups/{group}/settings", settings_page, methods=["GET"]),
    Route("/model-groups/{group}/tags", add_tag, methods=["POST"]),
    Route("/model-groups/{group}/tags/delete", delete_tag, methods=["POST"]),
    Route("/model-groups/{group}/policy", put_policy, methods=["POST"]),
    Route("/model-groups/{group}/policy/delete", delete_policy, methods=["POST"]),
    Route("/model-groups/{group}/delete", delete_group, methods=["POST"]),
]
