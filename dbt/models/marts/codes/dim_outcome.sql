{#- The outcome rows of the applications table, with their group (var outcome_groups, as
    fct_applications derives it) and the group's labels. -#}
with outcomes as (
    {{ code_dimension('outcome', 'outcome_code', 'outcome', templates=true) }}
),

groups as (
    {{ code_dimension('outcome_group', 'outcome_group', 'outcome_group') }}
)

select
    o.outcome_code,
    o.outcome_zh,
    o.outcome_en,
    cast({{ outcome_group('o.outcome_code') }} as varchar) as outcome_group,
    g.outcome_group_zh,
    g.outcome_group_en,
    o.gb2019_label,
    o.gb2021_label,
    o.sort_order
from outcomes as o
left join groups as g on g.outcome_group = {{ outcome_group('o.outcome_code') }}
