{#- One row per year that has at least one report. -#}
with reports as (
    select
        report_year,
        agency_id,
        template_version,
        published_date,
        cast((report_year + 1) || '-01-31' as date) as publication_deadline
    from {{ ref('int_reports') }}
    where report_year is not null
)

select
    cast(report_year as integer) as report_year,
    cast({{ template_version_for_year('report_year') }} as varchar) as template_version,
    cast(min(publication_deadline) as date) as publication_deadline,
    cast(count(*) as integer) as report_count,
    cast(count(distinct agency_id) as integer) as agency_count,
    cast(sum(case when template_version = 'pre2019' then 1 else 0 end) as integer) as pre2019_report_count,
    cast(sum(case when template_version = 'gb2019' then 1 else 0 end) as integer) as gb2019_report_count,
    cast(sum(case when template_version = 'gb2021' then 1 else 0 end) as integer) as gb2021_report_count,
    cast(sum(case when published_date > publication_deadline then 1 else 0 end) as integer) as late_report_count,
    cast(sum(case when published_date is null then 1 else 0 end) as integer) as undated_report_count
from reports
group by report_year
