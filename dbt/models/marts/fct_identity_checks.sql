{#- Every accounting identity of contract §4, evaluated: one row per
    report × rule × scope, unioned from the int_identity__<rule> models. Incremental
    (macros/identity_scope.sql): a build replaces the rows of the reports in
    int_identity_scope, removes those of reports that are gone, and records the reports it
    was built from (identity_state) in the same transaction. -#}
{{ config(
    materialized='incremental',
    on_schema_change='fail',
    pre_hook="{{ identity_delete() }}",
    post_hook="{{ identity_state_write() }}"
) }}
{% set rules = var('rule_codes') %}
{% for rule in rules %}
select
    cast(report_id as varchar) as report_id,
    cast(rule_code as varchar) as rule_code,
    cast(scope as varchar) as scope,
    cast(lhs as decimal(38, 6)) as lhs,
    cast(rhs as decimal(38, 6)) as rhs,
    cast(status as varchar) as status
from {{ ref('int_identity__' ~ rule) }}
{% if not loop.last %}union all{% endif %}
{% endfor %}
