-- Partnership measures by month, area and (for health) service, each with its numerator and
-- denominator where it is a rate. Definitions: docs/marts.md and seeds/reference/kpi_definitions.csv.
-- Areas: city, county and partnership (city + county: every partnership figure is the sum or
-- the pooled rate of the two councils, so suppressed cells cannot be recovered by subtraction
-- from a figure that covers more).

with

dates as (select * from {{ ref('int_reporting_dates') }}),

clocks as (select * from {{ ref('int_clocks') }}),

months as (

    select
        cast(month as date) as month,
        least(cast(month + interval 1 month - interval 1 day as date), as_at) as month_end,
        cast(month + interval 1 month - interval 1 day as date) > as_at as is_partial_month
    from (
        select {{ month_series(add_months('as_at', -23), 'as_at', 'month') }}, as_at from dates
    ) as series

),

areas as (

    select 'city' as area union all select 'county' union all select 'partnership'

),

-- Council figures count every record of the council, whether or not its child is known; only
-- the deduplicated count of children needs the child.
requests as (

    select * from {{ ref('int_ehc_requests_unioned') }}
    where request_outcome is distinct from 'H'

),

new_plans as (

    select
        requests.*,
        {{ days_between('requests.received_date', 'requests.plan_issued_date') }} as days_to_plan
    from requests
    where requests.request_outcome = 'Y' and requests.plan_issued_date is not null

),

plans as (select * from {{ ref('int_ehc_plans_unioned') }}),

reviews as (select * from {{ ref('int_annual_reviews_unioned') }}),

-- A referral's area is the council of the postcode on the ICB's own patient record.
referrals as (

    select referrals.*, {{ council_of('directory.la_code') }} as council
    from {{ ref('int_health_referrals_enriched') }} as referrals
    inner join {{ ref('stg_icb__referrals') }} as staged using (referral_id)
    inner join {{ ref('stg_icb__persons') }} as patients
        on patients.person_record_id = staged.person_record_id
    inner join {{ ref('postcode_directory') }} as directory
        on directory.postcode = patients.postcode

),

in_area as (

    -- the councils each area covers
    select 'city' as area, 'city' as council
    union all select 'county', 'county'
    union all select 'partnership', 'city'
    union all select 'partnership', 'county'

),

requests_received as (

    select months.month, in_area.area, 'requests_received' as measure,
        cast(null as string) as service, null::bigint as numerator, null::bigint as denominator,
        count(requests.request_id)::double as value
    from months cross join in_area
    left join requests
        on requests.council = in_area.council
       and {{ month_start('requests.received_date') }} = months.month
    group by all

),

plans_issued as (

    select months.month, in_area.area,
        count(new_plans.request_id) as plans,
        count(*) filter (where new_plans.days_to_plan <= clocks.final_plan_days) as within,
        count(*) filter (where not new_plans.week20_exception) as plans_ex,
        count(*) filter (
            where not new_plans.week20_exception
              and new_plans.days_to_plan <= clocks.final_plan_days
        ) as within_ex,
        -- the days summed as integers, divided once: the same double on every engine (a mean of
        -- doubles depends on the order they are added in)
        {{ weeks('sum(new_plans.days_to_plan)') }} / count(new_plans.days_to_plan) as mean_weeks,
        {{ sorted_list(weeks('new_plans.days_to_plan')) }} as sorted_weeks
    from months cross join in_area cross join clocks
    left join new_plans
        on new_plans.council = in_area.council
       and {{ month_start('new_plans.plan_issued_date') }} = months.month
    group by all

),

plan_measures as (

    select month, area, 'new_plans' as measure, null as service, null as numerator,
        null as denominator, plans::double as value
    from plans_issued
    union all
    select month, area, 'plans_within_20_weeks_pct', null, within, plans,
        case when plans > 0 then {{ percent('within', 'plans') }} end
    from plans_issued
    union all
    select month, area, 'plans_within_20_weeks_ex_exceptions_pct', null, within_ex, plans_ex,
        case when plans_ex > 0 then {{ percent('within_ex', 'plans_ex') }} end
    from plans_issued
    union all
    select month, area, 'mean_weeks_to_plan', null, null, plans, mean_weeks
    from plans_issued
    union all
    select month, area, 'median_weeks_to_plan', null, null, plans,
        case when plans > 0 then {{ list_at('sorted_weeks', 'cast(ceil(0.5 * plans) as integer)') }} end
    from plans_issued

),

in_force as (

    select months.month, in_area.area,
        count(plans.plan_id) as plans_in_force,
        count(distinct plans.child_key) as children,
        -- the sum of plans reconciles with the children: plans in force = children + plans of
        -- a child who holds another one in the area + plans whose child is not identified
        count(plans.plan_id) filter (where plans.child_key is null) as unidentified
    from months cross join in_area
    left join plans
        on plans.council = in_area.council
       and {{ in_force_on('plans', 'months.month_end') }}
    group by all

),

in_force_measures as (

    select month, area, 'plans_in_force' as measure, null as service, null as numerator,
        null as denominator, plans_in_force::double as value
    from in_force
    union all
    select month, area, 'children_with_plan_deduplicated', null, null, null, children::double
    from in_force
    union all
    select month, area, 'plans_in_force_child_counted_again', null, null, null,
        (plans_in_force - unidentified - children)::double
    from in_force
    union all
    select month, area, 'plans_in_force_child_unidentified', null, null, null,
        unidentified::double
    from in_force

),

review_measures as (

    select months.month, in_area.area, 'annual_reviews_within_4_weeks_pct' as measure,
        null as service,
        count(*) filter (
            where reviews.decision_date <= reviews.meeting_date + clocks.review_decision_days
        ) as numerator,
        count(reviews.decision_date) as denominator,
        case when count(reviews.decision_date) > 0 then {{ percent(
            'count(*) filter (where reviews.decision_date
                <= reviews.meeting_date + clocks.review_decision_days)',
            'count(reviews.decision_date)'
        ) }} end as value
    from months cross join in_area cross join clocks
    left join reviews
        on reviews.council = in_area.council
       and {{ month_start('reviews.meeting_date') }} = months.month
    group by all

),

services as (select service from {{ ref('health_service') }}),

waiting as (

    select months.month, in_area.area, 'health_waiting_list' as measure, services.service,
        null as numerator, null as denominator,
        count(referrals.referral_id)::double as value
    from months cross join in_area cross join services
    left join referrals
        on referrals.council = in_area.council
       and referrals.service = services.service
       and {{ referral_waiting_on('referrals', 'months.month_end') }}
    group by all

),

seen as (

    select months.month, in_area.area, services.service,
        count(referrals.referral_id) as seen,
        {{ sorted_list(weeks(
            days_between('referrals.received_date', 'referrals.first_contact_date')
        )) }} as sorted_weeks
    from months cross join in_area cross join services
    left join referrals
        on referrals.council = in_area.council
       and referrals.service = services.service
       and {{ month_start('referrals.first_contact_date') }} = months.month
       and referrals.first_contact_date <= months.month_end
    group by all

),

wait_measures as (

    select month, area, 'median_wait_weeks' as measure, service, null as numerator,
        seen as denominator,
        case when seen > 0 then {{ list_at('sorted_weeks', 'cast(ceil(0.5 * seen) as integer)') }} end as value
    from seen
    union all
    select month, area, 'p90_wait_weeks', service, null, seen,
        case when seen > 0 then {{ list_at('sorted_weeks', 'cast(ceil(0.9 * seen) as integer)') }} end
    from seen

),

unioned as (

    {{ union_all_by_name(
        ['requests_received', 'plan_measures', 'in_force_measures', 'review_measures', 'waiting',
         'wait_measures'],
        ['month', 'area', 'measure', 'service', 'numerator', 'denominator', 'value']
    ) }}

),

final as (

    select
        months.month,
        months.month_end,
        months.is_partial_month,
        unioned.area,
        unioned.measure,
        cast(unioned.service as string) as service,
        cast(unioned.numerator as bigint) as numerator,
        cast(unioned.denominator as bigint) as denominator,
        cast(unioned.value as double) as value

    from unioned
    inner join months using (month)

)

select * from final
