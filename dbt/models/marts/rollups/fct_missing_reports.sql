{#- One row per year between an agency's first and last report in which it published none.
    Plain SQL (a recursive year spine), so any engine that reads the marts can build it. -#}
with recursive spine (report_year) as (
    select min(report_year) from {{ ref('dim_report') }}
    union all
    select report_year + 1 from spine
    where report_year < (select max(report_year) from {{ ref('dim_report') }})
),

history as (
    select agency_id, min(report_year) as first_year, max(report_year) as last_year
    from {{ ref('dim_report') }}
    group by agency_id
)

select
    cast(h.agency_id as varchar) as agency_id,
    cast(s.report_year as integer) as report_year
from history as h
inner join spine as s on s.report_year > h.first_year and s.report_year < h.last_year
where not exists (
    select 1 from {{ ref('dim_report') }} as r
    where r.agency_id = h.agency_id and r.report_year = s.report_year
)
order by agency_id, report_year
