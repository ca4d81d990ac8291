{#
    Dates arrive as text in each system's own format. The data contracts have already checked the
    format, so a value that still does not parse (an impossible date) becomes null here rather
    than failing the whole build. DuckDB and Spark name the parsers and their patterns
    differently (strptime's %d/%m/%Y, Java's dd/MM/yyyy): one macro per engine.
#}

{# City SEN2 Blade export: '2022-Sep-28 00:00:00' (the time part is always midnight). #}
{% macro parse_blade_date(column) -%}
    {{ return(adapter.dispatch('parse_blade_date')(column)) }}
{%- endmacro %}

{% macro duckdb__parse_blade_date(column) -%}
    cast(try_strptime({{ column }}, ['%Y-%b-%d %H:%M:%S', '%Y-%b-%d']) as date)
{%- endmacro %}

{% macro spark__parse_blade_date(column) -%}
    cast(coalesce(
        try_to_timestamp({{ column }}, 'yyyy-MMM-dd HH:mm:ss'),
        try_to_timestamp({{ column }}, 'yyyy-MMM-dd')
    ) as date)
{%- endmacro %}

{# County casework and county lists: '28/09/2022'. #}
{% macro parse_uk_date(column) -%}
    {{ return(adapter.dispatch('parse_uk_date')(column)) }}
{%- endmacro %}

{% macro duckdb__parse_uk_date(column) -%}
    cast(try_strptime({{ column }}, '%d/%m/%Y') as date)
{%- endmacro %}

{% macro spark__parse_uk_date(column) -%}
    cast(try_to_timestamp({{ column }}, 'dd/MM/yyyy') as date)
{%- endmacro %}

{# City lists and ICB extracts: ISO '2022-09-28'. #}
{% macro parse_iso_date(column) -%}
    {{ return(adapter.dispatch('parse_iso_date')(column)) }}
{%- endmacro %}

{% macro duckdb__parse_iso_date(column) -%}
    cast(try_strptime({{ column }}, '%Y-%m-%d') as date)
{%- endmacro %}

{% macro spark__parse_iso_date(column) -%}
    cast(try_to_timestamp({{ column }}, 'yyyy-MM-dd') as date)
{%- endmacro %}
