-- Annual review meetings of EHC plans in both councils. The city's SEN2 export carries only the
-- latest review of each plan (on its active plan); the county's casework carries every review.
-- A review is kept even when its plan is not known (plan quarantined): it still counts for its
-- council.

with

plans as (

    select plan_id, active_plan_id, child_key, council from {{ ref('int_ehc_plans_unioned') }}

),

city as (

    select
        active.active_plan_id as review_id,
        coalesce(plans.plan_id, active.active_plan_id) as plan_id,
        plans.child_key,
        'city' as council,
        active.review_meeting_date as meeting_date,
        active.review_decision_date as decision_date,
        active.review_outcome

    from {{ ref('stg_city__active_plans') }} as active
    left join plans on plans.active_plan_id = active.active_plan_id
    where active.review_meeting_date is not null

),

county as (

    select
        reviews.review_id,
        reviews.plan_id,
        plans.child_key,
        'county' as council,
        reviews.review_meeting_date as meeting_date,
        reviews.review_decision_date as decision_date,
        reviews.review_outcome

    from {{ ref('stg_county__annual_reviews') }} as reviews
    left join plans on plans.plan_id = reviews.plan_id

),

unioned as (

    select * from city
    union all
    select * from county

),

final as (

    select
        *,
        row_number() over (
            partition by plan_id order by meeting_date desc, review_id desc
        ) = 1 as is_latest
    from unioned

)

select * from final
