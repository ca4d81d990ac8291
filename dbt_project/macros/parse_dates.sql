{#
    Dates arrive as text in each system's own format. The data contracts have already checked the
    format, so a value that still does not parse (an impossible date) becomes null here rather
    than failing the whole build.
#}

{# City SEN2 Blade export: '2022-Sep-28 00:00:00' (the time part is always midnight). #}
{% macro parse_blade_date(column) -%}
    cast(try_strptime({{ column }}, ['%Y-%b-%d %H:%M:%S', '%Y-%b-%d']) as date)
{%- endmacro %}

{# County casework and county lists: '28/09/2022'. #}
{% macro parse_uk_date(column) -%}
    cast(try_strptime({{ column }}, '%d/%m/%Y') as date)
{%- endmacro %}

{# City lists and ICB extracts: ISO '2022-09-28'. #}
{% macro parse_iso_date(column) -%}
    cast(try_strptime({{ column }}, '%Y-%m-%d') as date)
{%- endmacro %}
