{#- A code dimension (docs/code-dimensions.md): one dimension's rows of the seed code_labels, generated
    from the vocabularies (ingest/code_labels.py). The key is named as the fact column it labels
    (`key`); its labels `<label>_zh`, `<label>_en`; `templates`: the label each table template prints
    (gb2019_label, gb2021_label); `parent`: the seed's parent_code under that name; `descriptions`:
    `<label>_description_zh/_en`. -#}
{% macro code_dimension(dimension, key, label, templates=false, parent=none, descriptions=false) -%}
select
    cast(code as varchar) as {{ key }},
    cast(zh as varchar) as {{ label }}_zh,
    cast(en as varchar) as {{ label }}_en,
    {%- if parent %}
    cast(parent_code as varchar) as {{ parent }},
    {%- endif %}
    {%- if templates %}
    cast(gb2019_label as varchar) as gb2019_label,
    cast(gb2021_label as varchar) as gb2021_label,
    {%- endif %}
    {%- if descriptions %}
    cast(description_zh as varchar) as {{ label }}_description_zh,
    cast(description_en as varchar) as {{ label }}_description_en,
    {%- endif %}
    cast(sort_order as integer) as sort_order
from {{ ref('code_labels') }}
where dimension = '{{ dimension }}'
{%- endmacro %}
