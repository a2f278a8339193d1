select
    cast(region_code as varchar) as region_code,
    cast(name_zh as varchar) as name_zh,
    cast(province_zh as varchar) as province_zh,
    cast(prefecture_zh as varchar) as prefecture_zh,
    cast(county_zh as varchar) as county_zh,
    cast(level as varchar) as level,
    cast(parent_code as varchar) as parent_code,
    cast(division_type_zh as varchar) as division_type_zh
from {{ ref('stg_regions') }}
