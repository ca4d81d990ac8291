-- Every record that describes a child, from every source, in one shape: the input to identity
-- resolution. One row per delivered person-bearing row (case records, SEN support lists, top-up
-- funding lines, health patients), so each can be mapped to exactly one child. A field a source
-- does not record comes out null.
{% set person_sources = [
    ('stg_city__persons', 'person_record_id', ['sex', 'postcode', 'upn', 'uln']),
    ('stg_city__sen_support_pupils', 'pupil_record_id', ['sex', 'postcode', 'upn']),
    ('stg_city__topup_funding_lines', 'funding_line_id', ['upn']),
    ('stg_county__persons', 'person_record_id', ['sex', 'postcode', 'upn', 'uln', 'nhs_number']),
    ('stg_county__sen_support_pupils', 'pupil_record_id', ['sex', 'postcode', 'upn']),
    ('stg_county__topup_funding_lines', 'funding_line_id', ['upn']),
    ('stg_icb__persons', 'person_record_id', ['sex', 'postcode', 'nhs_number']),
] %}
{% set identifying_fields = ['sex', 'postcode', 'upn', 'uln', 'nhs_number'] %}

with

unioned as (
    {% for model, id_column, fields in person_sources %}
    select
        {{ id_column }} as record_id, source, source_table, source_record_id,
        forename, surname, dob,
        {%- for field in identifying_fields %}
        {% if field in fields %}{{ field }}{% else %}cast(null as string) as {{ field }}{% endif %}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ ref(model) }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        record_id, source, source_table, source_record_id, forename, surname, dob,
        cast(sex as string) as sex,
        cast(postcode as string) as postcode,
        cast(upn as string) as upn,
        cast(uln as string) as uln,
        cast(nhs_number as string) as nhs_number
    from unioned
)

select * from final
