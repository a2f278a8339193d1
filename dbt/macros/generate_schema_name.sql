{#- Custom schemas are used verbatim (staging, intermediate, marts, audit), not
    prefixed with the target schema: the schema names are part of the contract. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
