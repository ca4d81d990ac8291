{#
    Use a model's custom schema as given (staging, reference, …) rather than dbt's default of
    prefixing it with the target schema, so analysts and Dagster see stable schema names.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
