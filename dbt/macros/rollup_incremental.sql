{#- The roll-ups of the fact marts by report year, template and region are incremental on a
    run that applies only new or changed files (OGI_REPORT_YEARS unset, macros/build_scope.sql): a group's rows sum
    the facts of the reports of that (report_year, template_version, region_code), so only
    the groups of reports re-parsed (raw.facts_to_rebuild), added, removed or moved since the
    last build are summed again. The reports the last build summed, with their groups, are
    kept in intermediate.rollup_state__<model>, written in the model's own transaction. A run
    over some years (a backfill, a changed dbt project, a first build) rebuilds the roll-up
    whole (config full_refresh: true; otherwise unset, so dbt's --full-refresh flag decides),
    as does a build with no state. -#}

{% macro rollup_config() -%}
    {#- the queue of re-parsed reports, read only by an incremental build (is_incremental() is
        false at parse time): recorded here so dbt's lineage and Dagster's graph have the edge -#}
    {%- do source('raw', 'facts_to_rebuild') -%}
    {{ config(
        materialized='incremental',
        tags=['yearly'],
        on_schema_change='fail',
        full_refresh=((build_report_years() is not none) or none),
        pre_hook="{{ rollup_delete() }}",
        post_hook="{{ rollup_state_write() }}"
    ) }}
{%- endmacro %}

{% macro rollup_state_relation() -%}
    {%- do return(adapter.get_relation(database=this.database, schema='intermediate',
                                       identifier='rollup_state__' ~ this.identifier)) -%}
{%- endmacro %}

{#- Whether this build sums only the changed groups (else every group). -#}
{% macro rollup_is_delta() -%}
    {%- do return(is_incremental() and rollup_state_relation() is not none
                  and build_report_years() is none) -%}
{%- endmacro %}

{#- The (report_year, template_version, region_code) groups whose reports changed. -#}
{% macro rollup_changed_groups() -%}
    {%- set previous = rollup_state_relation() -%}
    select r.report_year, r.template_version, r.region_code
    from {{ ref('dim_report') }} as r
    where r.report_id in (select report_id from {{ source('raw', 'facts_to_rebuild') }})
       or r.report_id not in (select report_id from {{ previous }})
    union
    select p.report_year, p.template_version, p.region_code
    from {{ previous }} as p
    left join {{ ref('dim_report') }} as r on r.report_id = p.report_id
    where r.report_id is null
       or p.report_id in (select report_id from {{ source('raw', 'facts_to_rebuild') }})
       or p.report_year is distinct from r.report_year
       or p.template_version is distinct from r.template_version
       or p.region_code is distinct from r.region_code
{%- endmacro %}

{#- Condition on a relation alias with the three group columns: its group changed. -#}
{% macro in_changed_rollup_groups(alias) -%}
    exists (
        select 1 from ({{ rollup_changed_groups() }}) as changed
        where changed.report_year is not distinct from {{ alias }}.report_year
          and changed.template_version is not distinct from {{ alias }}.template_version
          and changed.region_code is not distinct from {{ alias }}.region_code
    )
{%- endmacro %}

{% macro rollup_delete() -%}
    {%- if rollup_is_delta() -%}
    delete from {{ this }} as t where {{ in_changed_rollup_groups('t') }}
    {%- elif is_incremental() -%}
    delete from {{ this }}
    {%- endif -%}
{%- endmacro %}

{#- The where clause of a roll-up's select over dim_report (alias r). -#}
{% macro rollup_where(alias='r') -%}
    {%- if rollup_is_delta() -%}
    where {{ in_changed_rollup_groups(alias) }}
    {%- endif -%}
{%- endmacro %}

{% macro rollup_state_write() -%}
    create or replace table intermediate.rollup_state__{{ this.identifier }} as
    select report_id, report_year, template_version, region_code from {{ ref('dim_report') }}
{%- endmacro %}
