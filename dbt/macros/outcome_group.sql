{#- The outcome_group of an outcome_code (contract §3, fct_applications), built from
    var('outcome_groups') so the mapping lives in one place. Unknown codes give NULL. -#}
{% macro outcome_group(column) -%}
    case {{ column }}
    {%- for code, grp in var('outcome_groups').items() %}
        when '{{ code }}' then '{{ grp }}'
    {%- endfor %}
    end
{%- endmacro %}
