{#- The fact tables are incremental by report year (Dagster partitions, OGI_REPORT_YEARS = "first-last", macros/build_scope.sql).

    Before a run, yearly_delete() removes the rows of reports that are gone, of reports parsed
    again since the facts last took them in (raw.facts_to_rebuild, emptied by Dagster after
    a successful build) and, for a run over some years, every row of those years' reports;
    the model then inserts the rows of every report not yet in the table
    (yearly_new_reports). So a year is rebuilt idempotently, new and re-parsed reports of any
    year arrive, and a run killed halfway heals on the next one (whatever is missing is "not
    yet in the table", and the queue is kept). Without report years only the difference is
    applied: a 1 % delta costs about 1 % of the fact rows. The first build is a full one. -#}

{% macro report_years_clause(report_ids_from) -%}
    {%- set years = build_report_years() -%}
    {%- if years -%}
    or report_id in (
        select report_id from {{ report_ids_from }}
        where report_year between {{ years[0] | int }} and {{ years[1] | int }}
    )
    {%- endif -%}
{%- endmacro %}

{% macro yearly_delete() -%}
    {%- if is_incremental() -%}
    delete from {{ this }}
    where report_id not in (select report_id from {{ ref('dim_report') }})
    or report_id in (select report_id from {{ source('raw', 'facts_to_rebuild') }})
    {{ report_years_clause(ref('dim_report')) }}
    {%- endif -%}
{%- endmacro %}

{% macro yearly_new_reports(alias) -%}
    {{ alias }}.report_id in (select report_id from {{ ref('dim_report') }})
    {%- if is_incremental() %}
    and {{ alias }}.report_id not in (select distinct report_id from {{ this }})
    {%- endif -%}
{%- endmacro %}
