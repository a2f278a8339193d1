{#- What this build covers, set by Dagster in dbt's environment (not with --vars: dbt parses
    the whole project again, ~3 s, whenever an invocation's vars differ from the last one's,
    and a full build's differ from a delta's; a changed environment variable re-parses only
    the files that read it at parse time, the roll-ups' config).

    OGI_REPORT_YEARS   "first-last" (e.g. "2016-2025"): the facts rebuild every report of
                       those years and the roll-ups are rebuilt whole; empty or unset: a
                       build takes in the re-parsed and new reports only.
    OGI_DELTA_TESTS    "true": the row-by-row tests of the incremental marts read only the
                       rows this build wrote (macros/delta_tests.sql). -#}

{% macro build_report_years() -%}
    {%- set value = env_var('OGI_REPORT_YEARS', '') | trim -%}
    {%- if not value -%}
        {%- do return(none) -%}
    {%- endif -%}
    {%- set bounds = value.split('-') -%}
    {%- if bounds | length != 2 or not (bounds[0] | trim).isdigit() or not (bounds[1] | trim).isdigit() -%}
        {{ exceptions.raise_compiler_error("OGI_REPORT_YEARS must be 'first-last' (e.g. 2016-2025), not '" ~ value ~ "'") }}
    {%- endif -%}
    {%- do return([bounds[0] | int, bounds[1] | int]) -%}
{%- endmacro %}

{% macro build_delta_tests() -%}
    {%- do return(env_var('OGI_DELTA_TESTS', 'false') | trim | lower == 'true') -%}
{%- endmacro %}
