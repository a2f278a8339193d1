{#- On a delta run (OGI_DELTA_TESTS, macros/build_scope.sql, set by Dagster when a run applies only new or changed
    files), the row-by-row tests of the incremental marts look at the rows this build wrote:
    fct_identity_checks' rows of the reports in int_identity_scope, and the fact marts' rows
    of the re-parsed reports (raw.facts_to_rebuild). Every other row is the one an earlier
    build wrote and tested, unchanged. Sound only for tests whose failing rows are each
    judged alone or keyed by report (not_null, accepted values and codes, status
    consistency, uniqueness of a key holding report_id), and only for tests that stop the
    run (severity error): a warning's count must stay that of every row. relationships, the
    identity tests that store their failures, and every test of the dimensions (rebuilt
    whole) always read every row. A full build or a backfill tests everything. -#}

{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {%- set scope = delta_test_scope(relation) -%}
    {%- set conditions = [] -%}
    {%- if where -%}{%- do conditions.append('(' ~ where ~ ')') -%}{%- endif -%}
    {%- if scope -%}{%- do conditions.append(scope) -%}{%- endif -%}
    {%- if conditions -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ conditions | join(' and ') }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}

{% macro delta_test_scope(relation) -%}
    {%- set row_tests = ['not_null', 'not_null_columns', 'accepted_values', 'values_in_codes', 'not_negative',
                         'identity_status_consistent', 'expression_is_true', 'unique_combination'] -%}
    {%- set facts = ['fct_applications', 'fct_appeals', 'fct_disclosures', 'fct_transactions',
                     'fct_unmapped_cells'] -%}
    {#- not while dbt parses (execute is false): the scope is the run's, read when the test runs,
        and an environment variable read at parse time re-parses every test's file when it changes -#}
    {%- if not execute or not build_delta_tests() or flags.FULL_REFRESH or relation.identifier is not defined -%}
        {%- do return(none) -%}
    {%- endif -%}
    {%- set metadata = model.get('test_metadata') or {} -%}
    {%- set kwargs = metadata.get('kwargs') or {} -%}
    {%- if (config.get('severity') or 'error') | lower != 'error' or metadata.get('name') not in row_tests -%}
        {%- do return(none) -%}
    {%- endif -%}
    {%- if metadata.get('name') == 'unique_combination' and 'report_id' not in (kwargs.get('columns') or []) -%}
        {%- do return(none) -%}
    {%- endif -%}
    {%- if relation.identifier == 'fct_identity_checks' -%}
        {%- set scope = api.Relation.create(database=relation.database, schema='intermediate',
                                            identifier='int_identity_scope') -%}
    {%- elif relation.identifier in facts and build_report_years() is none -%}
        {%- set scope = api.Relation.create(database=relation.database, schema='raw',
                                            identifier='facts_to_rebuild') -%}
    {%- else -%}
        {%- do return(none) -%}
    {%- endif -%}
    {%- do return('report_id in (select report_id from ' ~ scope ~ ')') -%}
{%- endmacro %}
