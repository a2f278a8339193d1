{#- Status of an accounting identity lhs = rhs: 'not_assessable' when either side is
    NULL (a blank cell is NULL, never 0), 'pass' when the sides agree within a small
    relative tolerance (var identity_tolerance), else 'fail'. -#}
{% macro identity_status(lhs, rhs) -%}
    case
        when ({{ lhs }}) is null or ({{ rhs }}) is null then 'not_assessable'
        when abs(({{ lhs }}) - ({{ rhs }}))
             <= {{ var('identity_tolerance') }} * greatest(1, abs({{ rhs }})) then 'pass'
        else 'fail'
    end
{%- endmacro %}

{#- The common output columns of every int_identity__<rule> model. -#}
{% macro identity_columns(rule_code, scope, lhs, rhs) -%}
    cast(report_id as varchar) as report_id,
    cast('{{ rule_code }}' as varchar) as rule_code,
    cast({{ scope }} as varchar) as scope,
    cast({{ lhs }} as decimal(38, 6)) as lhs,
    cast({{ rhs }} as decimal(38, 6)) as rhs,
    {{ identity_status(lhs, rhs) }} as status
{%- endmacro %}

{#- An identity's rows from `relation` (identity_columns plus a boolean `approximate`): a row
    that compares an approximate figure (3000余条) is 'not_assessable', never pass or fail. -#}
{% macro unless_approximate(relation) -%}
select
    report_id,
    rule_code,
    scope,
    lhs,
    rhs,
    case when approximate then 'not_assessable' else status end as status
from {{ relation }}
{%- endmacro %}
