select
    cast(report_id as varchar) as report_id,
    cast(warning_code as varchar) as warning_code,
    cast(message as varchar) as message
from {{ source('raw', 'report_warnings') }}
