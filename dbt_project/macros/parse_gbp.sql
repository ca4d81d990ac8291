{# Money as delivered ('£12,345.00' or '12345.00') → decimal(12, 2); unparseable → null. #}
{% macro parse_gbp(column) -%}
    try_cast({{ replace_all(column, '[£,\\s]', '') }} as decimal(12, 2))
{%- endmacro %}
