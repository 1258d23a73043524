"""The open data API's reference page (/api/v1/docs/): every operation of the served OpenAPI description,
rendered on the server as an accessible HTML page of the portal (headings, tables, example URLs).

It reads the same schema that /api/v1/openapi.json serves, so the page cannot drift from the API.
django-ninja's own Swagger UI is switched off: it is a third-party single-page app that fails WCAG 2.2 AA
(contrast, nested interactive controls, small targets, no document language) and needs JavaScript.
Anyone who wants an interactive client can load openapi.json into the tool of their choice.
"""

import re
from dataclasses import dataclass

from django.shortcuts import render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from portal.sanitising import RICH, render_markdown

_EXAMPLE = re.compile(r"e\.g\. (\S+)$")


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str  # path or query
    required: bool
    type: str  # "integer, 1 to 500, default 50", "string: city or region"
    description: str


@dataclass(frozen=True)
class Operation:
    anchor: str
    method: str
    path: str
    summary: str
    description_html: str
    parameters: list[Parameter]
    responses: list[tuple[str, str]]  # (status code, description)
    example_path: str  # the path with the documented example values filled in


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str
    operations: list[Operation]


def _type_text(schema: dict) -> str:
    """A parameter's JSON schema in words: its type, allowed values and limits, default."""
    variants = [v for v in schema.get("anyOf", [schema]) if v.get("type") != "null"]
    base = variants[0] if variants else schema
    parts = [base.get("type", "string")]
    if "enum" in base:
        parts = [f"{parts[0]}: " + " or ".join(str(value) for value in base["enum"])]
    if "minimum" in base and "maximum" in base:
        parts.append(f"{base['minimum']} to {base['maximum']}")
    if "maxLength" in base:
        parts.append(f"at most {base['maxLength']} characters")
    if "default" in schema:
        parts.append(f"default {schema['default']}")
    return ", ".join(parts)


def _example_path(path: str, parameters: list[Parameter]) -> str:
    for parameter in parameters:
        match = _EXAMPLE.search(parameter.description)
        if parameter.location == "path" and match:
            path = path.replace("{" + parameter.name + "}", match.group(1))
    return path


def reference_sections(schema: dict) -> list[Section]:
    """The operations of an OpenAPI description, grouped by tag in the order they first appear."""
    sections: dict[str, list[Operation]] = {}
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            parameters = [
                Parameter(
                    name=p["name"],
                    location=p["in"],
                    required=bool(p.get("required")),
                    type=_type_text(p.get("schema", {})),
                    description=p.get("schema", {}).get("description", p.get("description", "")),
                )
                for p in operation.get("parameters", [])
            ]
            summary = operation.get("summary") or operation.get("operationId", path)
            tag = (operation.get("tags") or ["other"])[0]
            sections.setdefault(tag, []).append(
                Operation(
                    anchor=slugify(f"{method}-{path}"),
                    method=method.upper(),
                    path=path,
                    summary=summary,
                    description_html=render_markdown(operation.get("description", ""), profile=RICH),
                    parameters=parameters,
                    responses=[
                        (str(code), response.get("description", ""))
                        for code, response in operation.get("responses", {}).items()
                    ],
                    example_path=_example_path(path, parameters),
                )
            )
    return [
        Section(anchor=slugify(tag), title=tag.replace("_", " ").capitalize(), operations=operations)
        for tag, operations in sections.items()
    ]


@require_GET
def api_reference(request):
    from .api import api

    schema = api.get_openapi_schema(path_prefix=request.path.rsplit("docs/", 1)[0].rstrip("/"))
    return render(
        request,
        "benchmarks/api_reference.html",
        {
            "info": schema["info"],
            "description_html": render_markdown(schema["info"].get("description", ""), profile=RICH),
            "sections": reference_sections(schema),
            "schema_url": request.build_absolute_uri(reverse("benchmark_api:openapi-json")),
            "base_url": request.build_absolute_uri("/")[:-1],
        },
    )
