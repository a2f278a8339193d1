-- One row per report: its agency, place and template (marts.dim_report, dim_agency, dim_region),
-- with the labels of the code dimensions (docs/code-dimensions.md)
select
    r.report_id,
    r.report_year,
    r.template_version,
    t.template_zh || ' ' || t.template_en as template_label,
    r.source_format,
    r.title,
    cast(r.published_date as varchar) as published_date,
    r.parse_warnings,
    r.url,
    r.agency_id,
    coalesce(a.agency_name, r.agency_name) as agency_name,
    a.agency_type,
    coalesce(a.admin_level, 'unknown') as admin_level,
    coalesce(l.admin_level_zh || ' ' || l.admin_level_en, '未知 unknown') as admin_level_label,
    r.region_code,
    coalesce(g.province_zh, '未知 unknown') as province_zh
from marts.dim_report as r
left join marts.dim_agency as a using (agency_id)
left join marts.dim_admin_level as l on l.admin_level = a.admin_level
left join marts.dim_region as g
    on g.region_code = r.region_code
left join marts.dim_template_version as t using (template_version)
