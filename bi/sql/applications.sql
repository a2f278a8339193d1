-- Requests (marts.fct_applications, the 总计 column) summed by year, template, province,
-- administrative level of the agency and outcome: small whatever the number of reports.
select
    r.report_year,
    r.template_version,
    coalesce(g.province_zh, '未知 unknown') as province_zh,
    coalesce(a.admin_level, 'unknown') as admin_level,
    coalesce(l.admin_level_zh || ' ' || l.admin_level_en, '未知 unknown') as admin_level_label,
    f.outcome_group,
    f.outcome_code,
    o.outcome_zh || ' ' || o.outcome_en as outcome_label,
    o.outcome_group_zh || ' ' || o.outcome_group_en as outcome_group_label,
    o.sort_order as outcome_order,
    count(distinct f.report_id) as reports,
    cast(sum(f.value) as double) as value
from marts.fct_applications as f
inner join marts.dim_report as r using (report_id)
left join marts.dim_agency as a
    on a.agency_id = r.agency_id
left join marts.dim_admin_level as l
    on l.admin_level = a.admin_level
left join marts.dim_region as g
    on g.region_code = r.region_code
left join marts.dim_outcome as o on o.outcome_code = f.outcome_code
where f.applicant_type = 'total'
group by all
