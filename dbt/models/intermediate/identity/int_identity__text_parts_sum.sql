{#- text_parts_sum: the prose count of published information ('all' channel) equals
    the sum of the other channels it lists (公开信息117条, 其中网站34条、微信44条…).
    Emitted when the report has an 'all' row and at least one other channel; a blank
    figure makes it not assessable. scope = 'published_information'. -#}
with channels as (
    select
        report_id,
        channel,
        max(value) as value,
        count(*) - count(value) as blanks
    from {{ ref('stg_disclosure_facts') }}
    where item_code = 'published_information'
      and measure_code = 'count'
      and source_method = 'prose'
      and channel is not null
      and {{ in_identity_scope() }}
    group by report_id, channel
),

by_report as (
    select
        report_id,
        sum(case when channel = 'all' then 1 else 0 end) as all_rows,
        max(case when channel = 'all' then value end) as total,
        sum(case when channel = 'all' then blanks else 0 end) as total_blanks,
        sum(case when channel <> 'all' then 1 else 0 end) as part_rows,
        sum(case when channel <> 'all' then value end) as parts_sum,
        sum(case when channel <> 'all' then blanks else 0 end) as part_blanks
    from channels
    group by report_id
)

select
    {{ identity_columns('text_parts_sum', "'published_information'",
                        'case when total_blanks = 0 then total end',
                        'case when part_blanks = 0 then parts_sum end') }}
from by_report
where all_rows > 0 and part_rows > 0
