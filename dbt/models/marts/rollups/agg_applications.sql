{#- Requests by year, template, region and code: what dashboards ask of fct_applications,
    without joining millions of fact rows to dim_report at query time. -#}
{{ rollup_config() }}
select
    cast(r.report_year as integer) as report_year,
    cast(r.template_version as varchar) as template_version,
    cast(r.region_code as varchar) as region_code,
    cast(f.applicant_type as varchar) as applicant_type,
    cast(f.outcome_group as varchar) as outcome_group,
    cast(f.outcome_code as varchar) as outcome_code,
    cast(f.source_method as varchar) as source_method,
    cast(count(*) as integer) as row_count,
    cast(count(f.value) as integer) as value_count,
    cast(sum(f.value) as decimal(38, 6)) as value
from {{ ref('fct_applications') }} as f
inner join {{ ref('dim_report') }} as r on r.report_id = f.report_id
{{ rollup_where('r') }}
group by
    r.report_year, r.template_version, r.region_code,
    f.applicant_type, f.outcome_group, f.outcome_code, f.source_method
order by applicant_type, outcome_group, outcome_code, source_method, report_year, region_code
