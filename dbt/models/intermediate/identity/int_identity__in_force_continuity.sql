{#- in_force_continuity (gb2021), per item_code, recorded on the year N+1 report:
    in_force(N+1) = in_force(N) + issued(N+1) − repealed(N+1), same agency,
    consecutive years (table rows only). Emitted where both years have an in_force
    row for the item, so a gb2019 → gb2021 template change gives no row. -#}
with pairs as (
    select report_id, prior_report_id from {{ ref('int_report_pairs') }}
    where {{ in_identity_scope() }}
),

paired as (
    select report_id from pairs
    union all
    select prior_report_id from pairs
),

items as (
    select
        report_id,
        item_code,
        sum(case when measure_code = 'in_force' then 1 else 0 end) as in_force_rows,
        max(case when measure_code = 'in_force' then value end) as in_force,
        max(case when measure_code = 'issued' then value end) as issued,
        max(case when measure_code = 'repealed' then value end) as repealed
    from {{ ref('stg_disclosure_facts') }}
    where source_method in ('table', 'ocr') and item_code is not null
      and report_id in (select report_id from paired)
    group by report_id, item_code
),

compared as (
    select
        pairs.report_id,
        later.item_code,
        later.in_force,
        earlier.in_force as prior_in_force,
        later.issued,
        later.repealed
    from pairs
    inner join items as later
        on later.report_id = pairs.report_id and later.in_force_rows > 0
    inner join items as earlier
        on earlier.report_id = pairs.prior_report_id
        and earlier.item_code = later.item_code
        and earlier.in_force_rows > 0
)

select
    {{ identity_columns('in_force_continuity', 'item_code',
                        'in_force', 'prior_in_force + issued - repealed') }}
from compared
