-- The printed numbers behind each failed identity: the facts of the failed check's report and
-- scope, each with the side of the identity it is on (lhs / rhs, as fct_identity_checks writes
-- them: contract §4), and its text as printed (source_text). Cross-year and text rules show the
-- facts of their scope on this report (side `scope`): the other side is another report or prose.
with failed as (
    select report_id, rule_code, scope
    from marts.fct_identity_checks
    where status = 'fail'
),

applications as (
    select
        report_id, applicant_type, outcome_code, value, source_method, source_text, source_page
    from marts.fct_applications
    -- the table's cells, as the identities read them (a prose figure is text_table_agreement's)
    where report_id in (select report_id from failed) and source_method in ('table', 'ocr')
),

appeals as (
    select report_id, appeal_kind, result_code, value, source_method, source_text, source_page
    from marts.fct_appeals
    where report_id in (select report_id from failed) and source_method in ('table', 'ocr')
),

disclosures as (
    select report_id, item_code, measure_code, value, source_method, source_text, source_page
    from marts.fct_disclosures
    where report_id in (select report_id from failed)
),

application_sides as (
    select
        f.report_id, f.rule_code, f.scope,
        case
            when f.rule_code = 'app_balance'
                then case when a.outcome_code in ('new_received', 'carried_over') then 'lhs' else 'rhs' end
            when f.rule_code = 'app_outcomes_sum'
                then case when a.outcome_code = 'total_processed' then 'lhs' else 'rhs' end
            when f.rule_code = 'app_columns_sum'
                then case when a.applicant_type = 'total' then 'lhs' else 'rhs' end
            else 'scope'
        end as side,
        'fct_applications' as fact_table,
        a.outcome_code as row_code,
        a.applicant_type as column_code,
        cast(a.value as double) as value, a.source_method, a.source_text, a.source_page
    from failed as f
    inner join applications as a
        on a.report_id = f.report_id
        and (
            (f.rule_code = 'app_balance' and a.applicant_type = f.scope
                and a.outcome_code in ('new_received', 'carried_over', 'total_processed', 'carried_forward'))
            or (f.rule_code = 'app_outcomes_sum' and a.applicant_type = f.scope
                and a.outcome_code not in ('new_received', 'carried_over', 'carried_forward'))
            or (f.rule_code = 'app_columns_sum' and a.outcome_code = f.scope)
            or (f.rule_code = 'carry_continuity' and a.applicant_type = f.scope
                and a.outcome_code in ('carried_over', 'carried_forward'))
            or (f.rule_code = 'text_table_agreement' and f.scope like a.outcome_code || '.%')
        )
),

appeal_sides as (
    select
        f.report_id, f.rule_code, f.scope,
        case when p.result_code = 'total' then 'lhs' else 'rhs' end as side,
        'fct_appeals' as fact_table,
        p.appeal_kind as row_code,
        p.result_code as column_code,
        cast(p.value as double) as value, p.source_method, p.source_text, p.source_page
    from failed as f
    inner join appeals as p on p.report_id = f.report_id and p.appeal_kind = f.scope
    where f.rule_code = 'appeal_sum'
),

disclosure_sides as (
    select
        f.report_id, f.rule_code, f.scope,
        'scope' as side,
        'fct_disclosures' as fact_table,
        d.item_code as row_code,
        d.measure_code as column_code,
        cast(d.value as double) as value, d.source_method, d.source_text, d.source_page
    from failed as f
    inner join disclosures as d on d.report_id = f.report_id and d.item_code = f.scope
    where f.rule_code in ('in_force_continuity', 'item_count_continuity', 'text_parts_sum')
)

select * from application_sides
union all
select * from appeal_sides
union all
select * from disclosure_sides
