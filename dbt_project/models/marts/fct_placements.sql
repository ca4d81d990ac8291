-- One row per education placement under an EHC plan: the kind of setting, the council paying
-- (the plan's council), the council the setting is in and the council the child lives in.

with

dates as (select * from {{ ref('int_reporting_dates') }}),

-- every placement, including those whose child could not be identified (child_identified)
placements as (select * from {{ ref('int_placements_unioned') }}),

codes as (select sen_setting, placement_group from {{ ref('sen_setting') }}),

children as (select child_key, resident_council from {{ ref('dim_child') }}),

final as (

    select
        {{ event_key('L', 'placements.placement_id') }} as placement_key,
        {{ event_key('P', 'placements.plan_id') }} as plan_key,
        placements.child_key,
        placements.child_key is not null as child_identified,
        placements.council as council_paying,
        children.resident_council as council_of_residence,
        case when placements.setting_la_code is not null
            then {{ council_of('placements.setting_la_code') }} end as setting_council,
        coalesce(placements.setting_type, codes.placement_group, 'unknown') as setting_type,
        placements.school_phase,
        placements.sen_setting,
        placements.urn,
        placements.ukprn,
        placements.entry_date,
        placements.leaving_date,
        coalesce(placements.entry_date <= dates.as_at, true)
            and (placements.leaving_date is null or placements.leaving_date > dates.as_at)
            as is_current

    from placements
    cross join dates
    left join codes on codes.sen_setting = placements.sen_setting
    left join children on children.child_key = placements.child_key

)

select * from final
