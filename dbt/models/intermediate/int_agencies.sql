{{ config(materialized='table') }}
{#- Materialised as a table, not a view: dim_agency, int_reports and four tests read it, and a view
    would run the resolution again for each of them. -#}
{#- Agency resolution: the one place that decides what "one agency" is.
    - agency_id is the md5 of the canonical simplified agency_name (the parser
      canonicalises names: script conversion, place qualification);
    - agency_aliases is the union, over all of the agency's reports, of the parser's
      aliases and of every raw name variant (e.g. traditional script) that differs
      from agency_name; sorted, distinct, never NULL;
    - agency_type, admin_level and region_code come from the most recent report
      (latest report_year, then latest published_date, then report_id). -#}
with reports as (
    select * from {{ ref('stg_reports') }}
    where agency_name is not null and trim(agency_name) <> ''
),

named as (
    select
        md5(trim(agency_name)) as agency_id,
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

alias_candidates as (
    select agency_id, agency_name, unnest(agency_aliases) as alias
    from named
    union all
    select agency_id, agency_name, agency_name_raw as alias
    from named
),

aliases as (
    select agency_id, list_sort(list_distinct(list(trim(alias)))) as agency_aliases
    from alias_candidates
    where trim(alias) <> '' and trim(alias) <> agency_name
    group by agency_id
),

ranked as (
    select
        *,
        row_number() over (
            partition by agency_id
            order by report_year desc, published_date desc nulls last, report_id desc
        ) as recency
    from named
),

history as (
    select
        agency_id,
        count(*) as report_count,
        min(report_year) as first_report_year,
        max(report_year) as last_report_year
    from named
    group by agency_id
)

select
    latest.agency_id,
    latest.agency_name,
    coalesce(aliases.agency_aliases, cast([] as varchar[])) as agency_aliases,
    latest.agency_type,
    latest.admin_level,
    latest.region_code,
    history.report_count,
    history.first_report_year,
    history.last_report_year
from ranked as latest
left join aliases on aliases.agency_id = latest.agency_id
inner join history on history.agency_id = latest.agency_id
where latest.recency = 1
