{#- The national template in force for a report year: pre2019 up to 2018,
    gb2019 (国办公开办函〔2019〕60号) for 2019–2020, gb2021 (国办公开办函〔2021〕30号) from 2021. -#}
{% macro template_version_for_year(year) -%}
    case
        when {{ year }} <= 2018 then 'pre2019'
        when {{ year }} <= 2020 then 'gb2019'
        else 'gb2021'
    end
{%- endmacro %}
