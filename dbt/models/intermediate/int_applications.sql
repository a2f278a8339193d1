{#- Application facts with the outcome_group of their outcome_code (contract §3). -#}
select
    report_id,
    applicant_type,
    outcome_code,
    {{ outcome_group('outcome_code') }} as outcome_group,
    value,
    source_method,
    source_text,
    source_page,
    ocr_confidence,
    approximate,
    other_scope
from {{ ref('stg_application_facts') }}
