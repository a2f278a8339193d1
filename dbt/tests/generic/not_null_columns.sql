{#- Fails with every row where any of `columns` is NULL. One test a model rather than dbt's
    not_null on each column: each test is a dbt node and a Dagster asset check with its event,
    and a run paid for ~130 of them (issue 19: fewer test nodes); a failure's stored rows still
    show which column is NULL. -#}
{% test not_null_columns(model, columns) %}
select *
from {{ model }}
where {% for column in columns -%}
    {{ adapter.quote(column) }} is null{% if not loop.last %} or {% endif %}
{%- endfor %}
{% endtest %}
