-- One row per EHC plan of either council: when it began and ended, why it ended, whether it
-- came by transfer, its needs and whether it is in force on A.

with

dates as (select * from {{ ref('int_reporting_dates') }}),

-- Every plan of the councils, including those whose child could not be identified (the person
-- record they hang on was quarantined): they count in every council total.
plans as (select * from {{ ref('int_ehc_plans_unioned') }}),

reasons as (select cease_reason, description from {{ ref('cease_reason') }}),

final as (

    select
        {{ event_key('P', 'plans.plan_id') }} as plan_key,
        plans.child_key,
        plans.child_key is not null as child_identified,
        plans.council,
        case when plans.request_id is not null
            then {{ event_key('R', 'plans.request_id') }} end as request_key,
        plans.start_date,
        plans.cease_date,
        plans.cease_reason,
        reasons.description as cease_reason_description,
        plans.transferred_in,
        case when plans.transferred_from_la is not null
            then {{ council_of('plans.transferred_from_la') }} end as transferred_from,
        plans.primary_need,
        plans.secondary_need,
        {{ in_force_on('plans', 'dates.as_at') }} as in_force_on_as_at

    from plans
    cross join dates
    left join reasons on reasons.cease_reason = plans.cease_reason

)

select * from final
