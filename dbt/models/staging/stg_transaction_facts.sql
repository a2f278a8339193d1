select
    cast(report_id as varchar) as report_id,
    cast(scope as varchar) as scope,
    cast(category as varchar) as category,
    cast(project_count as bigint) as project_count,
    cast(amount_wan as decimal(24, 6)) as amount_wan,
    cast(amount_text as varchar) as amount_text,
    cast(source_method as varchar) as source_method,
    cast(source_text as varchar) as source_text,
    cast(source_page as integer) as source_page,
    cast(ocr_confidence as double) as ocr_confidence
from {{ source('raw', 'transaction_facts') }}
