{#- The fact tables are incremental by report year (Dagster partitions, OGI_REPORT_YEARS = "first-last", macros/build_scope.sql).

    Before a run, yearly_delete() removes the rows of reports that are gone, of reports parsed
    again since the facts last took them in (raw.facts_to_rebuild, emptied by Dagster after
    a successful build) and, for a run over some years, every row of those years' reports;
    the model then inserts the rows of every report not yet in the table
    (yearly_new_reports). So a year is rebuilt idempotently, new and re-parsed reports of any
    year arrive, and a run killed halfway heals on the next one (whatever is missing is "not
    yet in the table", and the queue is kept). Without report years only the difference is
    applied: a 1 % delta costs about 1 % of the fact rows. The first build is a full one. -#}

{#- The reports a fact table holds rows of (~0.1 s for 30 M rows). The delete and the insert
    decide on these report ids first and only then touch fact rows: a row-by-row "not in
    dim_report / not in the table's ids" probed sets of every report for each of millions of
    rows (fct_applications at 200,000 reports: 1.6 s against 0.35 s, and 0.4 s against 0.16 s). -#}
{% macro reports_taken_in() -%}
    select distinct report_id from {{ this }}
{%- endmacro %}

{% macro yearly_delete() -%}
    {%- if is_incremental() -%}
    delete from {{ this }}
    where report_id in (
        select report_id from ({{ reports_taken_in() }}) as taken
        where report_id not in (select report_id from {{ ref('dim_report') }})
        union all
        select report_id from {{ source('raw', 'facts_to_rebuild') }}
        {%- set years = build_report_years() %}
        {%- if years %}
        union all
        select report_id from {{ ref('dim_report') }}
        where report_year between {{ years[0] | int }} and {{ years[1] | int }}
        {%- endif %}
    )
    {%- endif -%}
{%- endmacro %}

{#- Condition on the model's source rows (alias): their report is in dim_report and not yet in
    the table. -#}
{% macro yearly_new_reports(alias) -%}
    {#- the queue of re-parsed reports (yearly_delete), read only by an incremental build and
        is_incremental() is false at parse time: recorded here so that dbt's lineage, and the
        Dagster asset graph built from it, have the edge raw/facts_to_rebuild -> the fact mart
        (an asset backfill reaches a year's facts from that year's parse through it) -#}
    {%- do source('raw', 'facts_to_rebuild') -%}
    {%- if is_incremental() -%}
    {{ alias }}.report_id in (
        select report_id from {{ ref('dim_report') }}
        where report_id not in ({{ reports_taken_in() }})
    )
    {%- else -%}
    {{ alias }}.report_id in (select report_id from {{ ref('dim_report') }})
    {%- endif -%}
{%- endmacro %}
