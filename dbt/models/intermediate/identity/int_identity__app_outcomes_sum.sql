{#- app_outcomes_sum, per report × applicant_type (table rows only):
    total_processed = Σ of every row whose outcome_group is granted,
    partially_granted, denied, unable, not_processed or other.
    (六)其他处理 is one row (other_processing: gb2019, and some gb2021 publishers) or three
    sub-rows (gb2021): where a report prints the sub-rows, its (六) is their sum, and an
    other_processing row beside them is their subtotal, never a part (counted once, not twice).
    A blank part (or no part at all) makes the sum not assessable. -#}
{% set part_groups = "('granted', 'partially_granted', 'denied', 'unable', 'not_processed', 'other')" %}
{% set other_sub_rows = "('other_overdue_correction', 'other_overdue_fee', 'other_other')" %}
with cells as (
    select report_id, applicant_type, outcome_code, outcome_group, value
    from {{ ref('int_applications') }}
    where source_method in ('table', 'ocr') and applicant_type is not null and {{ in_identity_scope() }}
),

parts as (
    select
        report_id,
        applicant_type,
        outcome_code,
        value,
        outcome_group in {{ part_groups }}
        and not (
            outcome_code = 'other_processing'
            and bool_or(outcome_code in {{ other_sub_rows }}) over (partition by report_id)
        ) as is_part
    from cells
),

by_applicant as (
    select
        report_id,
        applicant_type,
        max(case when outcome_code = 'total_processed' then value end) as total_processed,
        sum(case when is_part then value end) as parts_sum,
        sum(case when is_part then 1 else 0 end) as part_rows,
        sum(case when is_part and value is null then 1 else 0 end) as blank_parts
    from parts
    group by report_id, applicant_type
)

select
    {{ identity_columns('app_outcomes_sum', 'applicant_type',
                        'total_processed',
                        'case when part_rows > 0 and blank_parts = 0 then parts_sum end') }}
from by_applicant
