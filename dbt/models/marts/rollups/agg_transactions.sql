{#- Trading volumes and own procurement by year, template, region and category. -#}
{{ rollup_config() }}
select
    cast(r.report_year as integer) as report_year,
    cast(r.template_version as varchar) as template_version,
    cast(r.region_code as varchar) as region_code,
    cast(t.scope as varchar) as scope,
    cast(t.category as varchar) as category,
    cast(t.source_method as varchar) as source_method,
    cast(count(*) as integer) as row_count,
    cast(sum(t.project_count) as bigint) as project_count,
    cast(count(t.amount_wan) as integer) as amount_count,
    cast(sum(t.amount_wan) as decimal(38, 6)) as amount_wan
from {{ ref('fct_transactions') }} as t
inner join {{ ref('dim_report') }} as r on r.report_id = t.report_id
{{ rollup_where('r') }}
group by r.report_year, r.template_version, r.region_code, t.scope, t.category, t.source_method
order by scope, category, source_method, report_year, region_code
