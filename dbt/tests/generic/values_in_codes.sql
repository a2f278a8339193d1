{#- Fails with every non-NULL value of column_name that is not in the contract code
    list var(code_var) (a list, or a mapping whose keys — or values, with
    part='values' — are the codes). One row per unknown value with its row count. -#}
{% test values_in_codes(model, column_name, code_var, part='keys') %}
{%- set codes = var(code_var) -%}
{%- if codes is mapping -%}
    {%- set codes = (codes.values() if part == 'values' else codes.keys()) | unique | list -%}
{%- endif %}
select
    {{ column_name }} as unknown_value,
    count(*) as n_rows
from {{ model }}
where {{ column_name }} is not null
  and {{ column_name }} not in (
    {%- for code in codes %}'{{ code }}'{% if not loop.last %}, {% endif %}{% endfor -%}
  )
group by {{ column_name }}
{% endtest %}
