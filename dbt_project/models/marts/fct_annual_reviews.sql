-- One row per annual review meeting of an EHC plan, with how long the decision took. The city
-- return carries only each plan's latest review; the county's casework every review.

with

clocks as (select * from {{ ref('int_clocks') }}),

-- every review, including those whose child could not be identified (child_identified)
reviews as (select * from {{ ref('int_annual_reviews_unioned') }}),

final as (

    select
        {{ event_key('V', 'reviews.review_id') }} as review_key,
        {{ event_key('P', 'reviews.plan_id') }} as plan_key,
        reviews.child_key,
        reviews.child_key is not null as child_identified,
        reviews.council,
        reviews.meeting_date,
        reviews.decision_date,
        reviews.review_outcome,
        round({{ weeks(days_between('reviews.meeting_date', 'reviews.decision_date')) }}, 1)
            as weeks_to_decision,
        case when reviews.decision_date is not null
            then reviews.decision_date <= reviews.meeting_date + clocks.review_decision_days
        end as decision_within_4_weeks,
        reviews.is_latest

    from reviews
    cross join clocks

)

select * from final
