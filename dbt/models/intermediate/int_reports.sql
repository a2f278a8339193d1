{{ config(materialized='table') }}
{#- Materialised as a table, not a view: dim_report, dim_year, int_report_pairs and their tests read
    it, and a view would run the joins again for each of them. -#}
{#- Every parsed report with its resolved agency (int_agencies: one agency whatever its spelling,
    by agency_key) and the name of its region; agency_name is the agency's canonical name. -#}
with reports as (
    select * from {{ ref('stg_reports') }}
),

agencies as (
    select agency_id, agency_key, agency_name from {{ ref('int_agencies') }}
),

regions as (
    select region_code, name_zh, province_zh from {{ ref('stg_regions') }}
)

select
    reports.report_id,
    agencies.agency_id,
    agencies.agency_name,
    reports.agency_name_raw,
    reports.agency_name_source,
    reports.region_code,
    regions.name_zh as region_name_zh,
    regions.province_zh,
    reports.region_source,
    reports.report_year,
    reports.report_year_source,
    reports.template_version,
    reports.published_date,
    reports.title,
    reports.source_path,
    reports.content_sha256,
    reports.script,
    reports.encoding,
    reports.source_shape,
    reports.source_format,
    reports.url,
    reports.parse_warnings
from reports
left join agencies on agencies.agency_key = {{ agency_key('reports.agency_key', 'reports.agency_name') }}
left join regions on regions.region_code = reports.region_code
