{#- Fails with every value of column_name in model that is found in neither or in
    both of the relations first and second (same column name in each). Used for
    "every raw file is either a report or a rejected file, never both, never lost". -#}
{% test in_exactly_one_of(model, column_name, first, second) %}
with candidates as (
    select distinct {{ column_name }} as value from {{ model }}
),

in_first as (
    select distinct {{ column_name }} as value from {{ first }}
),

in_second as (
    select distinct {{ column_name }} as value from {{ second }}
)

select
    candidates.value,
    case when in_first.value is null then 'in neither' else 'in both' end as problem
from candidates
left join in_first on in_first.value = candidates.value
left join in_second on in_second.value = candidates.value
where (in_first.value is null) = (in_second.value is null)
{% endtest %}
