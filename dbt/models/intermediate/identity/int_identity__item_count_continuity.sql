{#- item_count_continuity (gb2019), per item_code, recorded on the year N+1 report:
    previous_count(N+1) = previous_count(N) + change(N), same agency, consecutive
    years (table rows only). Emitted where both years have a previous_count row for
    the item, so a gb2019 → gb2021 template change gives no row. -#}
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
        sum(case when measure_code = 'previous_count' then 1 else 0 end) as previous_count_rows,
        max(case when measure_code = 'previous_count' then value end) as previous_count,
        max(case when measure_code = 'change' then value end) as change
    from {{ ref('stg_disclosure_facts') }}
    where source_method in ('table', 'ocr') and item_code is not null
      and report_id in (select report_id from paired)
    group by report_id, item_code
),

compared as (
    select
        pairs.report_id,
        later.item_code,
        later.previous_count,
        earlier.previous_count as prior_previous_count,
        earlier.change as prior_change
    from pairs
    inner join items as later
        on later.report_id = pairs.report_id and later.previous_count_rows > 0
    inner join items as earlier
        on earlier.report_id = pairs.prior_report_id
        and earlier.item_code = later.item_code
        and earlier.previous_count_rows > 0
)

select
    {{ identity_columns('item_count_continuity', 'item_code',
                        'previous_count', 'prior_previous_count + prior_change') }}
from compared
