{#- app_columns_sum, per report × outcome_code (the row; table rows only):
    total = natural_person + the five organisation columns. -#}
with cells as (
    select report_id, applicant_type, outcome_code, value
    from {{ ref('int_applications') }}
    where source_method in ('table', 'ocr') and outcome_code is not null and {{ in_identity_scope() }}
),

by_row as (
    select
        report_id,
        outcome_code,
        max(case when applicant_type = 'total' then value end) as total,
        max(case when applicant_type = 'natural_person' then value end) as natural_person,
        max(case when applicant_type = 'commercial_enterprise' then value end) as commercial_enterprise,
        max(case when applicant_type = 'research_institution' then value end) as research_institution,
        max(case when applicant_type = 'social_welfare_org' then value end) as social_welfare_org,
        max(case when applicant_type = 'legal_service_org' then value end) as legal_service_org,
        max(case when applicant_type = 'other_org' then value end) as other_org
    from cells
    group by report_id, outcome_code
)

select
    {{ identity_columns('app_columns_sum', 'outcome_code',
                        'total',
                        'natural_person + commercial_enterprise + research_institution
                         + social_welfare_org + legal_service_org + other_org') }}
from by_row
