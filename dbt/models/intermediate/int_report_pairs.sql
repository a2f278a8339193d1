{{ config(materialized='table') }}
{#- Materialised as a table, not a view: three identity models and a test read it. -#}
{#- Consecutive-year report pairs of one agency, for the cross-year identities:
    every report of year N+1 paired with its agency's report of year N. A gap year
    gives no pair. When an agency has several reports for year N, the one published
    last (then the greatest report_id) is the prior report. -#}
with reports as (
    select report_id, agency_id, report_year, template_version, published_date
    from {{ ref('int_reports') }}
    where agency_id is not null and report_year is not null
),

priors as (
    select
        *,
        row_number() over (
            partition by agency_id, report_year
            order by published_date desc nulls last, report_id desc
        ) as pick
    from reports
)

select
    later.report_id,
    later.agency_id,
    later.report_year,
    later.template_version,
    prior.report_id as prior_report_id,
    prior.report_year as prior_report_year,
    prior.template_version as prior_template_version
from reports as later
inner join priors as prior
    on prior.agency_id = later.agency_id
    and prior.report_year = later.report_year - 1
    and prior.pick = 1
