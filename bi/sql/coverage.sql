-- Reports found against the reports expected, by year and province: an agency is expected every
-- year between its first and last report; the years it skipped are marts.fct_missing_reports.
with found as (
    select agency_id, report_year, 'found' as status
    from marts.dim_report
    group by agency_id, report_year
),

missing as (
    select agency_id, report_year, 'missing' as status
    from marts.fct_missing_reports
),

expected as (
    select * from found
    union all
    select * from missing
)

select
    e.report_year,
    coalesce(g.province_zh, '未知 unknown') as province_zh,
    count(*) as expected,
    count(*) filter (where e.status = 'found') as found,
    count(*) filter (where e.status = 'missing') as missing
from expected as e
left join marts.dim_agency as a using (agency_id)
left join marts.dim_region as g
    on g.region_code = a.region_code
group by all
