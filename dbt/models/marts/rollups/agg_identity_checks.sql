{#- Identity checks counted by rule, status, scope, year and template: failure rates at a glance. -#}
select
    cast(r.report_year as integer) as report_year,
    cast(r.template_version as varchar) as template_version,
    cast(c.rule_code as varchar) as rule_code,
    cast(c.scope as varchar) as scope,
    cast(c.status as varchar) as status,
    cast(count(*) as integer) as check_count
from {{ ref('fct_identity_checks') }} as c
inner join {{ ref('dim_report') }} as r on r.report_id = c.report_id
group by r.report_year, r.template_version, c.rule_code, c.scope, c.status
order by rule_code, status, scope, report_year, template_version
