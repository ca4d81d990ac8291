-- Every EHC plan of both councils with its child, where it came from and its needs.
-- City plans reach their child through assessment → request → person record; the city's active
-- plan (same request) carries the LA a plan was transferred in from and the needs.

with

crosswalk as (

    select record_id, child_key from {{ ref('int_child_key_crosswalk') }}

),

city_active as (

    select * from {{ ref('stg_city__active_plans') }}
    qualify row_number() over (partition by request_id order by active_plan_id) = 1

),

city_needs as (

    select
        active_plan_id,
        min(case when sen_type_rank = 1 then sen_type end) as primary_need,
        min(case when sen_type_rank = 2 then sen_type end) as secondary_need
    from {{ ref('stg_city__sen_needs') }}
    group by active_plan_id

),

county_needs as (

    select
        plan_id,
        min(case when sen_type_rank = 1 then sen_type end) as primary_need,
        min(case when sen_type_rank = 2 then sen_type end) as secondary_need
    from {{ ref('stg_county__sen_needs') }}
    group by plan_id

),

city as (

    select
        plans.plan_id,
        crosswalk.child_key,
        'city' as council,
        plans.la_code,
        requests.request_id,
        active.active_plan_id,
        plans.start_date,
        plans.cease_date,
        plans.cease_reason,
        active.transferred_from_la,
        (active.transferred_from_la is not null or requests.request_outcome = 'H')
            as transferred_in,
        needs.primary_need,
        needs.secondary_need

    from {{ ref('stg_city__named_plans') }} as plans
    left join {{ ref('stg_city__assessments') }} as assessments
        on assessments.assessment_id = plans.assessment_id
    left join {{ ref('stg_city__requests') }} as requests
        on requests.request_id = assessments.request_id
    left join crosswalk on crosswalk.record_id = requests.person_record_id
    left join city_active as active on active.request_id = requests.request_id
    left join city_needs as needs on needs.active_plan_id = active.active_plan_id

),

county as (

    select
        plans.plan_id,
        crosswalk.child_key,
        'county' as council,
        plans.la_code,
        assessments.request_id,
        cast(null as string) as active_plan_id,
        plans.start_date,
        plans.cease_date,
        plans.cease_reason,
        plans.transferred_from_la,
        (plans.transferred_from_la is not null or plans.assessment_id is null) as transferred_in,
        needs.primary_need,
        needs.secondary_need

    from {{ ref('stg_county__named_plans') }} as plans
    left join {{ ref('stg_county__assessments') }} as assessments
        on assessments.assessment_id = plans.assessment_id
    left join crosswalk on crosswalk.record_id = plans.person_record_id
    left join county_needs as needs on needs.plan_id = plans.plan_id

),

unioned as (

    select * from city
    union all
    select * from county

),

-- A placement or review row of the plan the contracts quarantined leaves what is known of its
-- placements or reviews incomplete (the city's hang on its active plan, found by request).
quarantined as (

    select table_name, parent_id from {{ ref('int_quarantined_records') }}

),

-- Each id looked up on its own, by equality (a hash join each): one test of "parent_id in (plan,
-- active plan, request)" made DuckDB compare every plan with every quarantined row (3.7 times the
-- time for twice the children, 7.2 s at 2,000,000). The ids are distinct, so no join adds rows.
placement_gaps as (

    select distinct parent_id from quarantined
    where table_name in ('county_placements', 'city_placementdetail', 'city_activeplans')

),

review_gaps as (

    select distinct parent_id from quarantined
    where table_name in ('county_reviews', 'city_activeplans')

),

final as (

    select
        unioned.*,
        placement_plan.parent_id is not null
        or placement_active.parent_id is not null
        or placement_request.parent_id is not null as placements_incomplete,
        review_plan.parent_id is not null
        or review_active.parent_id is not null
        or review_request.parent_id is not null as reviews_incomplete
    from unioned
    left join placement_gaps as placement_plan on placement_plan.parent_id = unioned.plan_id
    left join placement_gaps as placement_active
        on placement_active.parent_id = unioned.active_plan_id
    left join placement_gaps as placement_request
        on placement_request.parent_id = unioned.request_id
    left join review_gaps as review_plan on review_plan.parent_id = unioned.plan_id
    left join review_gaps as review_active on review_active.parent_id = unioned.active_plan_id
    left join review_gaps as review_request on review_request.parent_id = unioned.request_id

)

select * from final
