{# City Blade flags: '1' / '0' → boolean; anything else (or blank) → null. #}
{% macro one_zero(column) -%}
    case trim({{ column }}) when '1' then true when '0' then false end
{%- endmacro %}

{# County flags: 'Y' / 'N' (any case) → boolean; anything else (or blank) → null. #}
{% macro yes_no(column) -%}
    case upper(trim({{ column }})) when 'Y' then true when 'N' then false end
{%- endmacro %}
