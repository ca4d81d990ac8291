{#- Run at the end of every dbt invocation (on-run-end in dbt_project.yml). -#}

{% macro drop_python_model_leftovers() %}
    {#- dbt-duckdb writes the rows an incremental Python model returns (int_identity_resolution's
        run log) to a table beside it, <model>__dbt_tmp<timestamp> in the default schema, merges
        them and never drops it: one more table in the restricted zone every run. -#}
    {% if execute and target.type == 'duckdb' %}
        {% set python_models = graph.nodes.values()
            | selectattr('resource_type', 'equalto', 'model')
            | selectattr('language', 'equalto', 'python')
            | map(attribute='name') | list %}
        {% for name in python_models %}
            {% set leftovers = run_query(
                "select schema_name, table_name from duckdb_tables() "
                ~ "where database_name = current_database() and temporary = false "
                ~ "and starts_with(table_name, '" ~ name ~ "__dbt_tmp')") %}
            {% for row in leftovers.rows %}
                {% do run_query('drop table "' ~ row[0] ~ '"."' ~ row[1] ~ '"') %}
            {% endfor %}
        {% endfor %}
    {% endif %}
{% endmacro %}
