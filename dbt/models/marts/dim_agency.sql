select
    cast(agency_id as varchar) as agency_id,
    cast(agency_name as varchar) as agency_name,
    cast(agency_aliases as varchar[]) as agency_aliases,
    cast(agency_type as varchar) as agency_type,
    cast(admin_level as varchar) as admin_level,
    cast(region_code as varchar) as region_code,
    cast(report_count as integer) as report_count,
    cast(first_report_year as integer) as first_report_year,
    cast(last_report_year as integer) as last_report_year
from {{ ref('int_agencies') }}
