-- Accounting identities (marts.fct_identity_checks) counted by year, province, rule and status
select
    r.report_year,
    coalesce(g.province_zh, '未知 unknown') as province_zh,
    c.rule_code,
    u.rule_zh || ' ' || u.rule_en as rule_label,
    c.status,
    s.status_zh || ' ' || s.status_en as status_label,
    count(*) as checks,
    count(distinct c.report_id) as reports
from marts.fct_identity_checks as c
inner join marts.dim_report as r using (report_id)
left join marts.dim_region as g
    on g.region_code = r.region_code
left join marts.dim_identity_rule as u on u.rule_code = c.rule_code
left join marts.dim_identity_status as s on s.status = c.status
group by all
