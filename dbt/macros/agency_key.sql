{#- A report's agency identity: the parser's agency_key (region code | normalised body,
    ingest.places.agency_key), or, for a row parsed before the parser gave one, '|' and its
    canonical name (the form the parser gives a name without a known region). -#}
{% macro agency_key(key_column, name_column) -%}
    coalesce(nullif(trim({{ key_column }}), ''), '|' || trim({{ name_column }}))
{%- endmacro %}
