{#- app_balance, per report × applicant_type (table rows only):
    new_received + carried_over = total_processed + carried_forward. -#}
with cells as (
    select report_id, applicant_type, outcome_code, value
    from {{ ref('int_applications') }}
    where source_method in ('table', 'ocr') and applicant_type is not null and {{ in_identity_scope() }}
),

by_applicant as (
    select
        report_id,
        applicant_type,
        max(case when outcome_code = 'new_received' then value end) as new_received,
        max(case when outcome_code = 'carried_over' then value end) as carried_over,
        max(case when outcome_code = 'total_processed' then value end) as total_processed,
        max(case when outcome_code = 'carried_forward' then value end) as carried_forward
    from cells
    group by report_id, applicant_type
)

select
    {{ identity_columns('app_balance', 'applicant_type',
                        'new_received + carried_over',
                        'total_processed + carried_forward') }}
from by_applicant
