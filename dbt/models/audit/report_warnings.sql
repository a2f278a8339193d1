-- The doubts the parser kept about each parsed report, one row per doubt.
select
    w.report_id,
    r.source_path,
    w.warning_code,
    w.message
from {{ ref('stg_report_warnings') }} as w
inner join {{ ref('stg_reports') }} as r on r.report_id = w.report_id
