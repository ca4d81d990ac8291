-- One row per child with the best value of each attribute, for the restricted zone.
--
-- Survivorship: for each attribute, the value recorded by most of the child's records wins; a tie
-- goes to the more authoritative source (case records of the councils and health patients, then
-- school census lists, then funding lines), then to the alphabetically first value so the result
-- never depends on row order. Sex ignores "unknown". Identifiers are only ever valid ones (invalid
-- identifiers were nulled by the contracts).
{% set attributes = ['forename', 'surname', 'dob', 'sex', 'postcode', 'upn', 'uln', 'nhs_number'] %}

with

records as (
    select
        crosswalk.child_key,
        persons.*,
        case
            when persons.source_table in ('city_person', 'county_clients', 'icb_patients') then 1
            when persons.source_table in ('city_sen_support', 'county_sen_support') then 2
            else 3
        end as source_priority
    from {{ ref('int_child_key_crosswalk') }} as crosswalk
    inner join {{ ref('int_person_records_unioned') }} as persons using (record_id)
),

{% for attribute in attributes %}
{{ attribute }}_votes as (
    select child_key, {{ attribute }} as value, count(*) as votes, min(source_priority) as priority
    from records
    where {{ attribute }} is not null {% if attribute == 'sex' %}and sex <> 'U'{% endif %}
    group by child_key, {{ attribute }}
),

{{ attribute }}_best as (
    select
        child_key,
        {{ first_by('value', [('votes', 'desc'), ('priority', 'asc'), ('value', 'asc')]) }}
            as {{ attribute }}
    from {{ attribute }}_votes
    group by child_key
),
{% endfor %}

children as (
    select
        child_key,
        count(*) as record_count,
        {{ sorted_set('source') }} as sources,
        {{ sorted_set('source_table') }} as source_tables
    from records
    group by child_key
),

final as (
    select
        children.child_key,
        {% for attribute in attributes %}{{ attribute }}_best.{{ attribute }},
        {% endfor %}children.record_count,
        children.sources,
        children.source_tables
    from children
    {% for attribute in attributes %}
    left join {{ attribute }}_best using (child_key)
    {% endfor %}
)

select * from final
