{#- app_outcomes_sum, per report × applicant_type (table rows only):
    total_processed = Σ of every row whose outcome_group is granted,
    partially_granted, denied, unable, not_processed or other.
    A blank part (or no part at all) makes the sum not assessable. -#}
{% set part_groups = "('granted', 'partially_granted', 'denied', 'unable', 'not_processed', 'other')" %}
with cells as (
    select report_id, applicant_type, outcome_code, outcome_group, value
    from {{ ref('int_applications') }}
    where source_method = 'table' and applicant_type is not null and {{ in_identity_scope() }}
),

by_applicant as (
    select
        report_id,
        applicant_type,
        max(case when outcome_code = 'total_processed' then value end) as total_processed,
        sum(case when outcome_group in {{ part_groups }} then value end) as parts_sum,
        sum(case when outcome_group in {{ part_groups }} then 1 else 0 end) as part_rows,
        sum(case when outcome_group in {{ part_groups }} and value is null then 1 else 0 end) as blank_parts
    from cells
    group by report_id, applicant_type
)

select
    {{ identity_columns('app_outcomes_sum', 'applicant_type',
                        'total_processed',
                        'case when part_rows > 0 and blank_parts = 0 then parts_sum end') }}
from by_applicant
