select
    cast(f.report_id as varchar) as report_id,
    cast(section as varchar) as section,
    cast(row_label as varchar) as row_label,
    cast(column_label as varchar) as column_label,
    cast(value as decimal(20, 6)) as value,
    cast(source_text as varchar) as source_text,
    cast(source_page as integer) as source_page
from {{ ref('stg_unmapped_cells') }} as f
where {{ yearly_new_reports('f') }}
