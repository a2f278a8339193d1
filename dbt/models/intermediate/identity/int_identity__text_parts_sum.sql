{#- text_parts_sum: the prose count of published information ('all' channel) equals
    the sum of the other channels it lists (公开信息117条, 其中网站34条、微信44条…).
    Emitted when the report has an 'all' row and at least one other channel; a blank
    figure makes it not assessable, and so does an approximate one (3000余条: shown,
    never compared exactly). Figures about a wider area than the agency (other_scope)
    are left out. A listed part that names no channel (其中门户网站980条、工作动态124条:
    a prose statement of fct_unmapped_cells, section published_information) means the
    parts are not all channels: shown, not_assessable. scope = 'published_information'. -#}
with channels as (
    select
        report_id,
        channel,
        max(value) as value,
        count(*) - count(value) as blanks,
        bool_or(coalesce(approximate, false)) as approximate
    from {{ ref('stg_disclosure_facts') }}
    where item_code = 'published_information'
      and measure_code = 'count'
      and source_method = 'prose'
      and channel is not null
      and not coalesce(other_scope, false)
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
        sum(case when channel <> 'all' then blanks else 0 end) as part_blanks,
        bool_or(approximate) as approximate
    from channels
    group by report_id
),

uncoded_parts as (
    select distinct report_id
    from {{ ref('stg_unmapped_cells') }}
    where section = 'published_information'
      and column_label in ('prose', 'prose_approximate')
      and {{ in_identity_scope() }}
),

checked as (
    select
        {{ identity_columns('text_parts_sum', "'published_information'",
                            'case when total_blanks = 0 then total end',
                            'case when part_blanks = 0 then parts_sum end') }},
        approximate or report_id in (select report_id from uncoded_parts) as approximate
    from by_report
    where all_rows > 0 and part_rows > 0
)

{{ unless_approximate('checked') }}
