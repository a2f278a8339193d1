{#- carry_continuity, per applicant_type, recorded on the year N+1 report:
    carried_forward(N) = carried_over(N+1), same agency, consecutive years
    (int_report_pairs; table rows only). Emitted where both rows exist. -#}
with pairs as (
    select report_id, prior_report_id from {{ ref('int_report_pairs') }}
    where {{ in_identity_scope() }}
),

paired as (
    select report_id from pairs
    union all
    select prior_report_id from pairs
),

cells as (
    select report_id, applicant_type, outcome_code, value
    from {{ ref('int_applications') }}
    where source_method in ('table', 'ocr')
      and applicant_type is not null
      and outcome_code in ('carried_forward', 'carried_over')
      and report_id in (select report_id from paired)
),

forwarded as (
    select report_id, applicant_type, max(value) as carried_forward
    from cells
    where outcome_code = 'carried_forward'
    group by report_id, applicant_type
),

taken_over as (
    select report_id, applicant_type, max(value) as carried_over
    from cells
    where outcome_code = 'carried_over'
    group by report_id, applicant_type
),

compared as (
    select
        pairs.report_id,
        taken_over.applicant_type,
        forwarded.carried_forward,
        taken_over.carried_over
    from pairs
    inner join taken_over on taken_over.report_id = pairs.report_id
    inner join forwarded
        on forwarded.report_id = pairs.prior_report_id
        and forwarded.applicant_type = taken_over.applicant_type
)

select
    {{ identity_columns('carry_continuity', 'applicant_type', 'carried_forward', 'carried_over') }}
from compared
