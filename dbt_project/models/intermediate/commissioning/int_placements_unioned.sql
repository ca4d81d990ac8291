-- Education placements (settings actually attended) under the EHC plans of both councils, with
-- the kind of setting, its phase and the LA it lies in (seeds/reference/settings.csv).

with

plans as (

    select plan_id, active_plan_id, child_key, council from {{ ref('int_ehc_plans_unioned') }}

),

settings as (

    select urn, ukprn, setting_type, phase, la_code as setting_la_code from {{ ref('settings') }}

),

city as (

    select
        placements.placement_id,
        plans.plan_id,
        plans.child_key,
        'city' as council,
        placements.urn,
        placements.ukprn,
        placements.sen_setting,
        placements.entry_date,
        placements.leaving_date

    from {{ ref('stg_city__placements') }} as placements
    inner join plans on plans.active_plan_id = placements.active_plan_id

),

county as (

    select
        placements.placement_id,
        plans.plan_id,
        plans.child_key,
        'county' as council,
        placements.urn,
        placements.ukprn,
        placements.sen_setting,
        placements.entry_date,
        placements.leaving_date

    from {{ ref('stg_county__placements') }} as placements
    inner join plans on plans.plan_id = placements.plan_id

),

unioned as (

    select * from city
    union all
    select * from county

),

final as (

    select
        unioned.*,
        coalesce(by_urn.setting_type, by_ukprn.setting_type) as setting_type,
        coalesce(by_urn.phase, by_ukprn.phase) as school_phase,
        coalesce(by_urn.setting_la_code, by_ukprn.setting_la_code) as setting_la_code

    from unioned
    left join settings as by_urn on by_urn.urn = unioned.urn
    left join settings as by_ukprn
        on by_ukprn.ukprn = unioned.ukprn and unioned.urn is null

)

select * from final
