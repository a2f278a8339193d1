select
    cast(report_id as varchar) as report_id,
    cast(appeal_kind as varchar) as appeal_kind,
    cast(result_code as varchar) as result_code,
    cast(value as decimal(20, 6)) as value,
    cast(source_method as varchar) as source_method,
    cast(source_text as varchar) as source_text,
    cast(source_page as integer) as source_page,
    cast(ocr_confidence as double) as ocr_confidence,
    cast(coalesce(approximate, false) as boolean) as approximate,
    cast(coalesce(other_scope, false) as boolean) as other_scope
from {{ source('raw', 'appeal_facts') }}
