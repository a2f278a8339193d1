{{ config(materialized='table') }}
{#- Materialised as a table, not a view: dim_agency, int_reports and four tests read it, and a view
    would run the resolution again for each of them. -#}
{#- Agency resolution: the one place that decides what "one agency" is.
    - an agency is its place and its body, not its spelling: reports are grouped by their
      agency_key (region code | normalised body, decided by the parser: places at the start
      of the name, a zone's 管委会, script taken off), so 南京市江宁区人民政府 and 江宁区人民政府,
      苏州工业园区 and 苏州工业园区管委会, 衡陽/衡阳 are one agency; a people's government and
      its 办公室 are two;
    - agency_id is the md5 of that key: it stays the same when the agency's newest report
      spells its name another way;
    - agency_name is the canonical (simplified, qualified) name of the most recent report
      (latest report_year, then latest published_date, then report_id); agency_type,
      admin_level and region_code come from that report too;
    - agency_aliases is every other name its reports gave: their canonical names, their raw
      names (another script, a name without its place) and the parser's aliases; sorted,
      distinct, never NULL, never the agency_name itself. -#}
with reports as (
    select * from {{ ref('stg_reports') }}
    where agency_name is not null and trim(agency_name) <> ''
),

named as (
    select
        {{ agency_key('agency_key', 'agency_name') }} as agency_key,
        trim(agency_name) as agency_name,
        report_id,
        report_year,
        published_date,
        agency_name_raw,
        agency_aliases,
        agency_type,
        admin_level,
        region_code
    from reports
),

ranked as (
    select
        *,
        row_number() over (
            partition by agency_key
            order by report_year desc, published_date desc nulls last, report_id desc
        ) as recency
    from named
),

latest as (
    select * from ranked where recency = 1
),

alias_candidates as (
    select agency_key, unnest(agency_aliases) as alias from named
    union all
    select agency_key, agency_name_raw as alias from named
    union all
    select agency_key, agency_name as alias from named
),

aliases as (
    select
        candidates.agency_key,
        list_sort(list_distinct(list(trim(candidates.alias)))) as agency_aliases
    from alias_candidates as candidates
    inner join latest on latest.agency_key = candidates.agency_key
    where trim(candidates.alias) <> '' and trim(candidates.alias) <> latest.agency_name
    group by candidates.agency_key
),

history as (
    select
        agency_key,
        count(*) as report_count,
        min(report_year) as first_report_year,
        max(report_year) as last_report_year
    from named
    group by agency_key
)

select
    md5(latest.agency_key) as agency_id,
    latest.agency_key,
    latest.agency_name,
    coalesce(aliases.agency_aliases, cast([] as varchar[])) as agency_aliases,
    latest.agency_type,
    latest.admin_level,
    latest.region_code,
    history.report_count,
    history.first_report_year,
    history.last_report_year
from latest
left join aliases on aliases.agency_key = latest.agency_key
inner join history on history.agency_key = latest.agency_key
