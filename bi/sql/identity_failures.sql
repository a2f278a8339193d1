-- Every failed identity with its report: the list the Publisher errors page drills down from
select
    c.report_id,
    c.rule_code,
    u.rule_zh || ' ' || u.rule_en as rule_label,
    c.scope,
    cast(c.lhs as double) as lhs,
    cast(c.rhs as double) as rhs,
    cast(c.lhs - c.rhs as double) as difference,
    r.report_year,
    r.template_version,
    r.title,
    r.agency_id,
    coalesce(a.agency_name, r.agency_name) as agency_name,
    coalesce(g.province_zh, '未知 unknown') as province_zh
from marts.fct_identity_checks as c
inner join marts.dim_report as r using (report_id)
left join marts.dim_agency as a
    on a.agency_id = r.agency_id
left join marts.dim_region as g
    on g.region_code = r.region_code
left join marts.dim_identity_rule as u on u.rule_code = c.rule_code
where c.status = 'fail'
