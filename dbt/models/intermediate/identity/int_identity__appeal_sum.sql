{#- appeal_sum, per report × appeal_kind (table rows only):
    total = upheld + corrected + other + pending. -#}
with cells as (
    select report_id, appeal_kind, result_code, value
    from {{ ref('stg_appeal_facts') }}
    where source_method in ('table', 'ocr') and appeal_kind is not null and {{ in_identity_scope() }}
),

by_kind as (
    select
        report_id,
        appeal_kind,
        max(case when result_code = 'total' then value end) as total,
        max(case when result_code = 'upheld' then value end) as upheld,
        max(case when result_code = 'corrected' then value end) as corrected,
        max(case when result_code = 'other' then value end) as other,
        max(case when result_code = 'pending' then value end) as pending
    from cells
    group by report_id, appeal_kind
)

select
    {{ identity_columns('appeal_sum', 'appeal_kind',
                        'total',
                        'upheld + corrected + other + pending') }}
from by_kind
