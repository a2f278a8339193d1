select
    cast(f.report_id as varchar) as report_id,
    cast(item_code as varchar) as item_code,
    cast(measure_code as varchar) as measure_code,
    cast(channel as varchar) as channel,
    cast(value as decimal(20, 6)) as value,
    cast(source_method as varchar) as source_method,
    cast(source_text as varchar) as source_text,
    cast(row_label as varchar) as row_label,
    cast(column_label as varchar) as column_label,
    cast(source_page as integer) as source_page,
    cast(ocr_confidence as double) as ocr_confidence,
    cast(coalesce(approximate, false) as boolean) as approximate,
    cast(coalesce(other_scope, false) as boolean) as other_scope
from {{ ref('stg_disclosure_facts') }} as f
where {{ yearly_new_reports('f') }}
