{#
    A pseudonymous key for an event (request, plan, referral …) in the analysts' marts:
    event_key('R', 'request_id') → 'R' + 16 hex characters of a salted SHA-256 of the source
    record id. The salt is secret (int_event_key_salt), so no one can recover a council's or
    the ICB's record id from the key by hashing candidate ids; the same record always gets the
    same key.
#}
{% macro event_key(prefix, column) -%}
    '{{ prefix }}' || left({{ sha256_hex("(select salt from " ~ ref('int_event_key_salt') ~ ") || " ~ column) }}, 16)
{%- endmacro %}

{# The partner council an old LA code belongs to: 'city', 'county', or 'outside'. #}
{% macro council_of(la_code) -%}
    case {{ la_code }}
        when '{{ var("city_la_code") }}' then 'city'
        when '{{ var("county_la_code") }}' then 'county'
        else 'outside'
    end
{%- endmacro %}

{#
    Days two periods run together: from the later start to the earlier end (negative when they
    do not meet). overlap_days('a.start_date', 'a.end_date', 'b.start_date', 'b.end_date').
#}
{% macro overlap_days(start_a, end_a, start_b, end_b) -%}
    {{ days_between('greatest(' ~ start_a ~ ', ' ~ start_b ~ ')', 'least(' ~ end_a ~ ', ' ~ end_b ~ ')') }}
{%- endmacro %}
