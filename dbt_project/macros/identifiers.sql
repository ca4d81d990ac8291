{#
    Text normalisation of identifiers. Validity (UPN check letter, NHS modulus 11, postcode shape)
    is checked once, at ingestion, in schemas/identifiers.py; failures are already null here.
#}

{# 'ng18  5ab' → 'NG18 5AB': upper case, one space before the three-character inward code. #}
{% macro normalise_postcode(column) -%}
    nullif(
        {{ replace_all(replace_all('upper(' ~ column ~ ')', '[^A-Z0-9]', ''), '^(.+)([0-9][A-Z]{2})$', '\\1 \\2') }},
        ''
    )
{%- endmacro %}

{# '943 476 5919' → '9434765919'. #}
{% macro normalise_nhs_number(column) -%}
    nullif({{ replace_all(column, '[\\s-]', '') }}, '')
{%- endmacro %}

{# UPNs and other letter-and-digit codes: trimmed, upper case, blank → null. #}
{% macro normalise_code(column) -%}
    nullif(upper(trim({{ column }})), '')
{%- endmacro %}

{# Names and free text: trimmed, blank → null (case and accents kept as recorded). #}
{% macro clean_text(column) -%}
    nullif(trim({{ column }}), '')
{%- endmacro %}

{#
    Source-qualified record id:
    record_id('city', 'person', 'persontableid') → 'city:person:123'.
    Ids are only unique within one table of one system, so every key carries both.
#}
{% macro record_id(source, entity, column) -%}
    '{{ source }}:{{ entity }}:' || trim({{ column }})
{%- endmacro %}
