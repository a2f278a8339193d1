{{ config(materialized='table') }}
{#- The reports whose identities this build evaluates: every report on a first or full build;
    on an incremental build of fct_identity_checks, only those whose rows may differ from the
    last build's (macros/identity_scope.sql). The int_identity__<rule> views read their facts
    through it, so a 1 % delta evaluates about 1 % of the identities.

    A report's rows depend on its own facts and, for the cross-year rules, on the report its
    agency published the year before (int_report_pairs: a pick among that agency-year's
    reports). So the scope is every report of an agency-year that changed, and of the year
    after it: an agency-year changes when one of its reports is re-parsed
    (raw.facts_to_rebuild), appears, disappears or moves to another agency or year, which
    the reports of the last build (identity_state, written with fct_identity_checks) show. -#}
{%- set checks = adapter.get_relation(database=this.database, schema='marts', identifier='fct_identity_checks') -%}
{%- set state = adapter.get_relation(database=this.database, schema=this.schema, identifier=identity_state_name()) -%}
with reports as (
    select report_id, agency_id, report_year from {{ ref('dim_report') }}
)
{%- if checks is not none and state is not none and not flags.FULL_REFRESH %},

previous as (
    select report_id, agency_id, report_year from {{ state }}
),

queued as (
    select report_id from {{ source('raw', 'facts_to_rebuild') }}
),

changed as (
    -- re-parsed or new reports, where they are now
    select report_id, agency_id, report_year from reports
    where report_id in (select report_id from queued)
       or report_id not in (select report_id from previous)
    union all
    -- re-parsed, gone or moved reports, where they were
    select previous.report_id, previous.agency_id, previous.report_year
    from previous
    left join reports on reports.report_id = previous.report_id
    where reports.report_id is null
       or previous.report_id in (select report_id from queued)
       or previous.agency_id is distinct from reports.agency_id
       or previous.report_year is distinct from reports.report_year
),

touched as (
    select distinct agency_id, report_year from changed
    where agency_id is not null and report_year is not null
)

select report_id from reports
where report_id in (select report_id from changed)
union
select reports.report_id
from reports
inner join touched
    on touched.agency_id = reports.agency_id
    and reports.report_year in (touched.report_year, touched.report_year + 1)
{%- else %}

select report_id from reports
{%- endif %}
