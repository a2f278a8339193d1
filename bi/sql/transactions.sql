-- Volumes traded on trading centres' platforms (marts.fct_transactions, scope platform)
select
    t.report_id,
    r.report_year,
    coalesce(a.agency_name, r.agency_name) as agency_name,
    coalesce(g.province_zh, '未知 unknown') as province_zh,
    t.category,
    c.category_zh || ' ' || c.category_en as category_label,
    t.project_count,
    cast(t.amount_wan as double) as amount_wan,
    t.amount_text,
    t.source_method
from marts.fct_transactions as t
inner join marts.dim_report as r using (report_id)
left join marts.dim_agency as a
    on a.agency_id = r.agency_id
left join marts.dim_region as g
    on g.region_code = r.region_code
left join marts.dim_transaction_category as c on c.category = t.category
where t.scope = 'platform'
