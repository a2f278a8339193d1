"""The one place that decides asset keys and groups.

Keys are ``[schema, table]`` as the warehouse names them, so an asset key reads like the
table a BI user queries:

- Python staging assets: ``raw/<table>`` (group ``raw``);
- dbt sources: the key their ``meta.dagster.asset_key`` gives (``raw/<table>``), else
  ``raw/<table>`` as well, so the graph is one unbroken line raw → staging → marts;
- dbt models (and seeds, snapshots): ``<configured schema>/<name>``, e.g. ``marts/dim_report``,
  grouped by that layer (``staging``, ``intermediate``, ``marts``, ``audit``), but for the code
  dimensions, group ``codes`` (their keys stay ``marts/dim_<code>``);
- the published snapshot: ``published/warehouse`` (group ``publish``).

dbt tests become asset checks named as dbt names them (dagster-dbt matches a test's results to
its check by that name, so the yml gives a readable ``name:`` where dbt's generated one would
run to the test's arguments). Every check carries a description (:func:`check_description`):
the test's own ``description:`` from the yml, else one written from the test's kind and
arguments, then what its severity does and where dbt stores its failing rows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings

from ingest.schema import RAW_SCHEMA

RAW_GROUP = RAW_SCHEMA
PUBLISH_GROUP = "publish"
CODES_GROUP = "codes"  # the code dimensions: keys marts/dim_<code>, a group of their own
PUBLISHED_LAYERS = ("marts", "audit")
PUBLISHED_KEY = dg.AssetKey(["published", "warehouse"])


def raw_key(table: str) -> dg.AssetKey:
    return dg.AssetKey([RAW_SCHEMA, table])


def dbt_layer(props: Mapping[str, Any]) -> str:
    """The warehouse schema of a dbt node: its configured ``schema``, else its first folder."""
    schema = (props.get("config") or {}).get("schema")
    if schema:
        return schema
    fqn = props.get("fqn") or []
    return fqn[1] if len(fqn) > 2 else "main"


def is_code_dimension(props: Mapping[str, Any]) -> bool:
    """A code dimension (``dbt/models/marts/codes/``, docs/code-dimensions.md): tables of labels,
    in a group of their own so that the marts' graph shows the star schema rather than eighteen
    small tables around it."""
    fqn = props.get("fqn") or []
    return len(fqn) > 3 and fqn[1:3] == ["marts", "codes"]


class WarehouseTranslator(DagsterDbtTranslator):
    def __init__(self) -> None:
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        meta = (dbt_resource_props.get("config") or {}).get("meta") or dbt_resource_props.get("meta") or {}
        if (meta.get("dagster") or {}).get("asset_key"):
            return super().get_asset_key(dbt_resource_props)
        if dbt_resource_props["resource_type"] == "source":
            return raw_key(dbt_resource_props["name"])
        return dg.AssetKey([dbt_layer(dbt_resource_props), dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return RAW_GROUP
        if is_code_dimension(dbt_resource_props):
            return CODES_GROUP
        return dbt_layer(dbt_resource_props)

    def get_asset_check_spec(
        self,
        asset_spec: dg.AssetSpec,
        manifest: Mapping[str, Any],
        unique_id: str,
        project: Any,
    ) -> dg.AssetCheckSpec | None:
        """dagster-dbt's spec of a dbt test, with a description (it reads only ``meta.description``).

        The name stays dagster-dbt's (the dbt test's name): its results and its selection are
        matched to the check by that name.
        """
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None:
            return None
        return spec._replace(description=check_description(manifest["nodes"][unique_id], manifest))


def is_published(key: dg.AssetKey) -> bool:
    """Whether a dbt asset is a table of the published layers (marts, audit)."""
    return key.path[0] in PUBLISHED_LAYERS


# What a generic test checks, in words, from its arguments (fields of :func:`description_fields`).
GENERIC_TEST_DESCRIPTIONS = {
    "not_null": "`{column}` of `{model}` is never NULL.",
    "not_null_columns": "None of {columns} of `{model}` is ever NULL.",
    "unique": "No value of `{column}` occurs twice in `{model}`.",
    "relationships": (
        "Every `{column}` of `{model}` is a `{field}` of `{to}` (NULL passes): no row points at a "
        "missing `{to}` row."
    ),
    "accepted_values": "`{column}` of `{model}` is one of {values} (NULL passes).",
    "values_in_codes": (
        "Every `{column}` of `{model}` is one of the contract's codes, the {part} `vars.{code_var}` "
        "of dbt_project.yml (NULL passes)."
    ),
    "not_negative": "`{column}` of `{model}` is never below zero (NULL passes).",
    "unique_combination": "No two rows of `{model}` share ({columns}): it is the table's key.",
    "expression_is_true": "Every row of `{model}` satisfies `{expression}`.",
    "in_exactly_one_of": (
        "Every `{column}` of `{model}` is in exactly one of `{first}` and `{second}`: never in "
        "neither, never in both."
    ),
    "identity_status_consistent": (
        "Every `status` of `{model}` is what its `lhs` and `rhs` give: not_assessable when a side "
        "is NULL, pass when they are equal within the tolerance, else fail."
    ),
    "identity_holds": "Rule `{rule_code}` holds: no row of `{model}` for this rule has status fail.",
}
UNKNOWN_TEST_DESCRIPTION = "dbt test `{test}` on `{model}`: it fails with every row its SQL returns."
SEVERITY_DESCRIPTIONS = {
    "warn": "Severity warn: a failure is a warning (yellow in the UI), not a broken build; the run goes on.",
    "error": "Severity error: a failure fails the run, and the warehouse is not published.",
}
REF = re.compile(r"""(?:ref|source)\(\s*(?:['"][^'"]+['"]\s*,\s*)?['"]([^'"]+)['"]\s*\)""")


def check_description(test: Mapping[str, Any], manifest: Mapping[str, Any]) -> str:
    """The asset check's description of a dbt test (a manifest node): what it checks, and then
    what a failure does and where its failing rows are."""
    config = test.get("config") or {}
    what = (test.get("description") or "").strip() or generated_description(test, manifest)
    where = config.get("where")
    if where:
        what += f" Only rows where `{where}` are tested."
    severity = str(config.get("severity") or "error").lower()
    parts = [what, SEVERITY_DESCRIPTIONS.get(severity, f"Severity {severity}.")]
    stored = failures_relation(test)
    if stored:
        parts.append(f"dbt stores the failing rows in `{'.'.join(stored)}`.")
    return "\n\n".join(parts)


def generated_description(test: Mapping[str, Any], manifest: Mapping[str, Any]) -> str:
    """A description written from a generic test's kind and arguments (English)."""
    fields = description_fields(test, manifest)
    kind = (test.get("test_metadata") or {}).get("name")
    template = GENERIC_TEST_DESCRIPTIONS.get(kind or "", UNKNOWN_TEST_DESCRIPTION)
    try:
        return template.format_map(fields)
    except KeyError:  # arguments this template does not know: say what the test is, at least
        return UNKNOWN_TEST_DESCRIPTION.format_map(fields)


def description_fields(test: Mapping[str, Any], manifest: Mapping[str, Any]) -> dict[str, str]:
    """The words a description template may use: the test, its model, column and arguments."""
    kwargs = dict((test.get("test_metadata") or {}).get("kwargs") or {})
    model = relation_name(str(kwargs.pop("model", "")))
    attached = manifest["nodes"].get(test.get("attached_node") or "") or {}
    fields = {"test": test["name"], "model": attached.get("name") or model or "the model"}
    column = test.get("column_name") or kwargs.get("column_name")
    if column:
        fields["column"] = str(column)
    for key, value in kwargs.items():
        if isinstance(value, list):
            fields[key] = ", ".join(f"`{item}`" for item in value)
        elif isinstance(value, str):
            fields[key] = relation_name(value) or " ".join(value.split())
        else:
            fields[key] = str(value)
    if isinstance(kwargs.get("values"), list):
        *head, last = [f"`{v}`" for v in kwargs["values"]] or ["``"]
        fields["values"] = f"{', '.join(head)} or {last}" if head else last
    if "code_var" in kwargs:
        fields["part"] = "values of the mapping" if kwargs.get("part") == "values" else "codes listed in"
    return fields


def relation_name(text: str) -> str | None:
    """``dim_report`` of ``ref('dim_report')`` (or of a source), else None."""
    found = REF.search(text)
    return found.group(1) if found else None


def failures_relation(test: Mapping[str, Any]) -> tuple[str, str] | None:
    """(schema, table) where dbt stores the test's failing rows (``store_failures``), else None."""
    config = test.get("config") or {}
    if not (config.get("store_failures") and test.get("relation_name")):
        return None
    return (test["schema"], test.get("alias") or test["name"])
