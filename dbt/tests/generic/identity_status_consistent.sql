{#- Fails with rows whose status is not what lhs and rhs give
    (not_assessable iff a side is NULL; pass iff equal within tolerance). -#}
{% test identity_status_consistent(model) %}
select *
from {{ model }}
where status is null
   or status <> {{ identity_status('lhs', 'rhs') }}
{% endtest %}
