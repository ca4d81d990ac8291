-- Rows of the current extracts the contracts kept out (quarantined, severity error), with the
-- record they belong to (a plan, a request, a person) and the row as read, so a mart never reads the absence of a
-- quarantined row as a fact (a plan whose placement row was quarantined is not "without a
-- placement"; a child whose plan row was quarantined is not "not taken on": both are unknown).

with

quarantined as (

    select distinct table_name, source_row, raw_row
    from {{ source('audit', 'current_quarantine') }}
    where severity = 'error'

),

-- which field of a kept-out row names the record it belongs to, and that record's id prefix
parents (table_name, parent_prefix, parent_field) as (

    values
        ('county_placements', 'county:plan:', '$.PlanID'),
        ('county_reviews', 'county:plan:', '$.PlanID'),
        ('city_placementdetail', 'city:active_plan:', '$.activeplanstableid'),
        -- the city's plans reach their active plan through the request
        ('city_activeplans', 'city:request:', '$.requeststableid'),
        ('county_assessments', 'county:request:', '$.RequestID'),
        ('city_assessment', 'city:request:', '$.requeststableid'),
        -- the city's plans reach their child through the assessment
        ('city_namedplan', 'city:assessment:', '$.assessmenttableid'),
        -- a county plan kept out belongs to a person the other records may know
        ('county_plans', 'county:person:', '$.ClientID')

),

final as (

    select
        quarantined.table_name,
        quarantined.source_row,
        parents.parent_prefix
            || trim({{ json_text('quarantined.raw_row', 'parents.parent_field') }}) as parent_id,
        quarantined.raw_row

    from quarantined
    left join parents on parents.table_name = quarantined.table_name

)

select * from final
