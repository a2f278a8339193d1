{#- Fails with the rows of an identity table (fct_identity_checks) where the rule
    rule_code does not hold (status 'fail'). not_assessable rows do not fail. -#}
{% test identity_holds(model, rule_code) %}
select *
from {{ model }}
where rule_code = '{{ rule_code }}'
  and status = 'fail'
{% endtest %}
