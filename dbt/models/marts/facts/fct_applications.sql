select
    cast(f.report_id as varchar) as report_id,
    cast(applicant_type as varchar) as applicant_type,
    cast(outcome_code as varchar) as outcome_code,
    cast(outcome_group as varchar) as outcome_group,
    cast(value as decimal(20, 6)) as value,
    cast(source_method as varchar) as source_method,
    cast(source_text as varchar) as source_text,
    cast(source_page as integer) as source_page,
    cast(ocr_confidence as double) as ocr_confidence,
    cast(coalesce(approximate, false) as boolean) as approximate,
    cast(coalesce(other_scope, false) as boolean) as other_scope
from {{ ref('int_applications') }} as f
where {{ yearly_new_reports('f') }}
