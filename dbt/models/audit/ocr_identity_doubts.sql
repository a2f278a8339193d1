{#- A failing accounting identity of a report read by OCR (dim_report.source_format pdf_scanned
    or image): the report's own arithmetic may be wrong, or a digit may have been misread. Each
    row says so, with the report's lowest cell confidence and how many of its table cells were
    read under the warning threshold (their ocr_low_confidence warnings name page, row and
    column in audit.report_warnings). -#}
with ocr_reports as (
    select report_id, source_format
    from {{ ref('dim_report') }}
    where source_format in ('pdf_scanned', 'image')
),

-- the staging views, not the yearly fact marts: this audit table is built with the unpartitioned models
cells as (
    select report_id, ocr_confidence from {{ ref('stg_disclosure_facts') }} where source_method = 'ocr'
    union all
    select report_id, ocr_confidence from {{ ref('stg_application_facts') }} where source_method = 'ocr'
    union all
    select report_id, ocr_confidence from {{ ref('stg_appeal_facts') }} where source_method = 'ocr'
),

confidence as (
    select
        report_id,
        min(ocr_confidence) as lowest_confidence,
        count(*) filter (where ocr_confidence < {{ var('ocr_low_confidence') }}) as doubtful_cells
    from cells
    group by report_id
)

select
    cast(c.report_id as varchar) as report_id,
    cast(c.rule_code as varchar) as rule_code,
    cast(c.scope as varchar) as scope,
    cast(c.lhs as decimal(38, 6)) as lhs,
    cast(c.rhs as decimal(38, 6)) as rhs,
    cast(r.source_format as varchar) as source_format,
    cast(k.lowest_confidence as double) as lowest_confidence,
    cast(coalesce(k.doubtful_cells, 0) as bigint) as doubtful_cells,
    cast(
        'read by OCR from scanned pages (' || r.source_format || '): a misread digit may be why '
        || c.rule_code || ' fails'
        || coalesce(' (the lowest cell confidence is ' || cast(round(k.lowest_confidence, 3) as varchar)
                    || ', ' || cast(coalesce(k.doubtful_cells, 0) as varchar)
                    || ' cells under ' || cast({{ var('ocr_low_confidence') }} as varchar) || ')', '')
        || '; check the scan before the report' as varchar
    ) as message
from {{ ref('fct_identity_checks') }} as c
inner join ocr_reports as r on r.report_id = c.report_id
left join confidence as k on k.report_id = c.report_id
where c.status = 'fail'
