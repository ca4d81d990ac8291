-- Rows of the current extracts the contracts kept out (quarantined, severity error), with the
-- record they belong to (a plan, a request, a person), so a mart never reads the absence of a
-- quarantined row as a fact (a plan whose placement row was quarantined is not "without a
-- placement"; a child whose plan row was quarantined is not "not taken on": both are unknown).

with

quarantined as (

    select distinct table_name, source_row, raw_row
    from {{ source('audit', 'current_quarantine') }}
    where severity = 'error'

),

final as (

    select
        table_name,
        source_row,
        case table_name
            when 'county_placements'
                then 'county:plan:' || trim(json_extract_string(raw_row, '$.PlanID'))
            when 'county_reviews'
                then 'county:plan:' || trim(json_extract_string(raw_row, '$.PlanID'))
            when 'city_placementdetail' then 'city:active_plan:'
                || trim(json_extract_string(raw_row, '$.activeplanstableid'))
            -- the city's plans reach their active plan through the request
            when 'city_activeplans'
                then 'city:request:' || trim(json_extract_string(raw_row, '$.requeststableid'))
            when 'county_assessments'
                then 'county:request:' || trim(json_extract_string(raw_row, '$.RequestID'))
            when 'city_assessment'
                then 'city:request:' || trim(json_extract_string(raw_row, '$.requeststableid'))
            -- a request or plan kept out belongs to a person the other records may know
            when 'city_requests'
                then 'city:person:' || trim(json_extract_string(raw_row, '$.persontableid'))
            when 'county_requests'
                then 'county:person:' || trim(json_extract_string(raw_row, '$.ClientID'))
            when 'county_plans'
                then 'county:person:' || trim(json_extract_string(raw_row, '$.ClientID'))
        end as parent_id

    from quarantined

)

select * from final
