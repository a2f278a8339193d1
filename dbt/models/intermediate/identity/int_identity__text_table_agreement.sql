{#- text_table_agreement: every cell stated both in prose and in a table of the same
    report, lhs = the prose value, rhs = the table value. Cells are
    outcome_code.applicant_type (applications), appeal_kind.result_code (appeals) and
    item_code.measure_code (disclosures; .channel appended when not 'all'). When the
    prose states one cell several times, the statement farthest from the table wins,
    so any disagreement is a fail. A litigation figure that does not say its kind
    (行政诉讼M件, M > 0: a prose statement of fct_unmapped_cells, section appeals) is the
    cell litigation.total, the sum of the table's two kinds (direct, after review; NULL
    if either is blank). A prose figure about a wider area than the agency
    (other_scope: 全区 against 本机关) is never compared; an approximate one (3000余条)
    is compared only where the cell has no exact statement, and then not exactly: its
    row is not_assessable, with both figures shown. -#}
with facts as (
    select report_id, outcome_code || '.' || applicant_type as scope, value, source_method,
           approximate, other_scope
    from {{ ref('int_applications') }}
    where {{ in_identity_scope() }}
    union all
    select report_id, appeal_kind || '.' || result_code as scope, value, source_method,
           approximate, other_scope
    from {{ ref('stg_appeal_facts') }}
    where {{ in_identity_scope() }}
    union all
    select
        report_id,
        item_code || '.' || measure_code
            || case when coalesce(channel, 'all') <> 'all' then '.' || channel else '' end as scope,
        value,
        source_method,
        approximate,
        other_scope
    from {{ ref('stg_disclosure_facts') }}
    where {{ in_identity_scope() }}
    union all
    select
        report_id,
        'litigation.total' as scope,
        value,
        'prose' as source_method,
        column_label = 'prose_approximate' as approximate,
        column_label = 'prose_other_scope' as other_scope
    from {{ ref('stg_unmapped_cells') }}
    where section = 'appeals'
      and column_label like 'prose%'
      and regexp_matches(row_label, '(诉讼|起诉)(案件)?$')
      and {{ in_identity_scope() }}
    union all
    select
        report_id,
        'litigation.total' as scope,
        case when count(value) = 2 then sum(value) end as value,
        'table' as source_method,
        false as approximate,
        false as other_scope
    from {{ ref('stg_appeal_facts') }}
    where source_method in ('table', 'ocr')  -- an OCR'd table's cells are table cells
      and result_code = 'total'
      and appeal_kind in ('litigation_direct', 'litigation_after_review')
      and {{ in_identity_scope() }}
    group by report_id
    having count(*) = 2
),

prose as (
    select
        report_id,
        scope,
        min(value) filter (where not coalesce(approximate, false)) as low,
        max(value) filter (where not coalesce(approximate, false)) as high,
        count(*) filter (where not coalesce(approximate, false)) as exact_rows,
        count(*) filter (where not coalesce(approximate, false) and value is null) as blanks,
        max(value) filter (where coalesce(approximate, false)) as approximate_value
    from facts
    where source_method = 'prose' and scope is not null and not coalesce(other_scope, false)
    group by report_id, scope
),

tabled as (
    select report_id, scope, max(value) as table_value
    from facts
    where source_method in ('table', 'ocr') and scope is not null
    group by report_id, scope
),

compared as (
    select
        prose.report_id,
        prose.scope,
        prose.exact_rows = 0 as approximate,
        case
            when prose.exact_rows = 0 then prose.approximate_value
            when prose.blanks > 0 then null
            when abs(prose.high - tabled.table_value) >= abs(prose.low - tabled.table_value)
                then prose.high
            else prose.low
        end as prose_value,
        tabled.table_value
    from prose
    inner join tabled
        on tabled.report_id = prose.report_id and tabled.scope = prose.scope
),

checked as (
    select
        {{ identity_columns('text_table_agreement', 'scope', 'prose_value', 'table_value') }},
        approximate
    from compared
)

{{ unless_approximate('checked') }}
