{#- fct_identity_checks is incremental: int_identity_scope names the reports whose rows a build
    evaluates; identity_delete() removes their rows (and those of reports that are gone)
    before the insert, and identity_state, a table of every report with its agency and year
    written in the same transaction, is what the next build compares with. -#}

{% macro identity_state_name() -%}identity_state{%- endmacro %}

{#- Condition on a report id column: the report is in this build's identity scope. -#}
{% macro in_identity_scope(column='report_id') -%}
    {{ column }} in (select report_id from {{ ref('int_identity_scope') }})
{%- endmacro %}

{% macro identity_delete() -%}
    {%- if is_incremental() -%}
    {#- report ids first, then rows (as yearly_delete, macros/yearly_incremental.sql) -#}
    delete from {{ this }}
    where report_id in (
        select report_id from {{ ref('int_identity_scope') }}
        union all
        select report_id from ({{ reports_taken_in() }}) as taken
        where report_id not in (select report_id from {{ ref('dim_report') }})
    )
    {%- endif -%}
{%- endmacro %}

{% macro identity_state_write() -%}
    create or replace table {{ ref('int_identity_scope').schema }}.{{ identity_state_name() }} as
    select report_id, agency_id, report_year from {{ ref('dim_report') }}
{%- endmacro %}
