"""The one place that decides asset keys and groups.

Keys are ``[schema, table]`` as the warehouse names them, so an asset key reads like the
table a BI user queries:

- Python staging assets: ``raw/<table>`` (group ``raw``);
- dbt sources: the key their ``meta.dagster.asset_key`` gives (``raw/<table>``), else
  ``raw/<table>`` as well, so the graph is one unbroken line raw → staging → marts;
- dbt models (and seeds, snapshots): ``<configured schema>/<name>``, e.g. ``marts/dim_report``,
  grouped by that layer (``staging``, ``intermediate``, ``marts``, ``audit``);
- the published snapshot: ``published/warehouse`` (group ``publish``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings

from ingest.schema import RAW_SCHEMA

RAW_GROUP = RAW_SCHEMA
PUBLISH_GROUP = "publish"
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
        return dbt_layer(dbt_resource_props)


def is_published(key: dg.AssetKey) -> bool:
    """Whether a dbt asset is a table of the published layers (marts, audit)."""
    return key.path[0] in PUBLISHED_LAYERS
