-- Where children fall between the organisations: one row per instance (docs/marts.md, "Gaps"),
-- with when it began, its clock, how far past the clock it is, and who must act.

with

dates as (select * from {{ ref('int_reporting_dates') }}),

clocks as (select * from {{ ref('int_clocks') }}),

requests as (

    select * from {{ ref('int_ehc_requests_unioned') }} where child_key is not null

),

plans as (

    select * from {{ ref('int_ehc_plans_unioned') }} where child_key is not null

),

plans_in_force as (

    select plans.*
    from plans
    cross join dates
    where {{ in_force_on('plans', 'dates.as_at') }}

),

referrals as (

    select * from {{ ref('int_health_referrals_enriched') }} where child_key is not null

),

children as (select * from {{ ref('dim_child') }}),

request_no_decision as (

    select
        'request_no_decision' as gap_type,
        requests.child_key,
        requests.council as organisation,
        cast(null as string) as service,
        requests.received_date as since,
        requests.received_date + clocks.request_decision_days as due_date,
        cast(null as date) as resolved_date,
        {{ fmt('request received {}; no decision whether to assess', ["requests.received_date"]) }}
            as detail
    from requests
    cross join dates
    cross join clocks
    where requests.decision_date is null
      and coalesce(requests.request_outcome, 'A') = 'A'
      and not requests.moved_out
      and {{ days_between('requests.received_date', 'dates.as_at') }} > clocks.request_decision_days

),

assessment_no_plan as (

    select
        'assessment_no_plan' as gap_type,
        requests.child_key,
        requests.council as organisation,
        null as service,
        requests.received_date as since,
        requests.received_date + clocks.final_plan_days as due_date,
        null as resolved_date,
        {{ fmt(
            'request received {}; assessment agreed {}; no final plan',
            ["requests.received_date", "requests.decision_date"]
        ) }} as detail
    from requests
    cross join dates
    cross join clocks
    -- an assessment recorded as still in progress (a request whose assessment record was
    -- quarantined has no known state, so it is not counted)
    where requests.request_outcome = 'Y'
      and requests.assessment_id is not null
      and coalesce(requests.assessment_outcome, 'A') = 'A'
      and requests.plan_issued_date is null
      and not requests.week20_exception
      and {{ days_between('requests.received_date', 'dates.as_at') }} > clocks.final_plan_days

),

-- Plans ceased for transfer whose child moved to the other council, and how that council took
-- the plan on.
transfer_not_taken_on as (

    select
        'transfer_not_taken_on' as gap_type,
        moves.child_key,
        moves.to_council as organisation,
        null as service,
        moves.cease_date as since,
        moves.due_date,
        case when moves.taken_on = 'late' then moves.receiving_plan_start end as resolved_date,
        case
            when moves.taken_on = 'late' then {{ fmt(
                '{} plan ceased for transfer {}; {} plan started only {}',
                [
                    "moves.from_council",
                    "moves.cease_date",
                    "moves.to_council",
                    "moves.receiving_plan_start",
                ]
            ) }}
            else {{ fmt(
                '{} plan ceased for transfer {}; no {} plan yet',
                ["moves.from_council", "moves.cease_date", "moves.to_council"]
            ) }}
        end as detail
    from {{ ref('fct_council_moves') }} as moves
    cross join dates
    where moves.taken_on in ('late', 'not yet')
      and moves.moved_there
      and coalesce(moves.receiving_plan_start, dates.as_at) > moves.due_date

),

latest_meetings as (

    select plan_id, max(meeting_date) as last_meeting
    from {{ ref('int_annual_reviews_unioned') }}
    group by plan_id

),

annual_review_overdue as (

    select
        'annual_review_overdue' as gap_type,
        plans.child_key,
        plans.council as organisation,
        null as service,
        coalesce(latest.last_meeting, plans.start_date) as since,
        {{ add_months('coalesce(latest.last_meeting, plans.start_date)',
            'clocks.annual_review_months') }} as due_date,
        null as resolved_date,
        case when latest.last_meeting is not null
            then {{ fmt('last annual review meeting {}', ["latest.last_meeting"]) }}
            else {{ fmt('plan from {} never reviewed', ["plans.start_date"]) }}
        end as detail
    from plans_in_force as plans
    cross join dates
    cross join clocks
    left join latest_meetings as latest on latest.plan_id = plans.plan_id
    where dates.as_at > {{ add_months('coalesce(latest.last_meeting, plans.start_date)',
        'clocks.annual_review_months') }}
      and not plans.reviews_incomplete

),

review_decision_late as (

    select
        'review_decision_late' as gap_type,
        plans.child_key,
        plans.council as organisation,
        null as service,
        reviews.meeting_date as since,
        reviews.meeting_date + clocks.review_decision_days as due_date,
        reviews.decision_date as resolved_date,
        case when reviews.decision_date is not null
            then {{ fmt(
                'review meeting {}; decision {}',
                ["reviews.meeting_date", "reviews.decision_date"]
            ) }}
            else {{ fmt('review meeting {}; no decision yet', ["reviews.meeting_date"]) }}
        end as detail
    from plans_in_force as plans
    inner join {{ ref('int_annual_reviews_unioned') }} as reviews
        on reviews.plan_id = plans.plan_id and reviews.is_latest
    cross join dates
    cross join clocks
    where coalesce(reviews.decision_date, dates.as_at)
        > reviews.meeting_date + clocks.review_decision_days
      and not plans.reviews_incomplete

),

health_need_no_referral as (

    select
        'health_need_no_referral' as gap_type,
        plans.child_key,
        'icb' as organisation,
        matching.service,
        plans.start_date as since,
        cast(null as date) as due_date,
        null as resolved_date,
        {{ fmt(
            'EHC plan ({}) from {} with primary need {}; no {} referral',
            ["plans.council", "plans.start_date", "plans.primary_need", "matching.service"]
        ) }} as detail
    from plans_in_force as plans
    inner join {{ ref('need_health_services') }} as matching
        on matching.sen_type = plans.primary_need
    where not exists (
        select 1 from referrals
        where referrals.child_key = plans.child_key and referrals.service = matching.service
    )

),

health_wait_over_clock as (

    select
        'health_wait_over_clock' as gap_type,
        referrals.child_key,
        'icb' as organisation,
        referrals.service,
        referrals.received_date as since,
        referrals.received_date + 7 * referrals.clock_weeks as due_date,
        null as resolved_date,
        {{ fmt(
            '{} referral received {} ({}); not seen after {} weeks',
            [
                "referrals.service",
                "referrals.received_date",
                "referrals.provider_ods",
                "cast(floor(" ~ days_between('referrals.received_date', 'dates.as_at') ~ " / 7) as bigint)",
            ]
        ) }} as detail
    from referrals
    cross join dates
    where {{ referral_waiting_on('referrals', 'dates.as_at') }}
      and {{ days_between('referrals.received_date', 'dates.as_at') }} > 7 * referrals.clock_weeks

),

placements as (

    select
        placements.plan_id,
        bool_or(current_ and coalesce(not {{ not_in_education('sen_setting') }}, true))
            as placed,
        max(entry_date) filter (where current_ and {{ not_in_education('sen_setting') }})
            as not_in_education_since,
        max(leaving_date) as last_leaving
    from (
        select
            placements.*,
            coalesce(placements.entry_date <= dates.as_at, true)
                and (placements.leaving_date is null or placements.leaving_date > dates.as_at)
                as current_
        from {{ ref('int_placements_unioned') }} as placements
        cross join dates
    ) as placements
    group by placements.plan_id

),

plan_no_placement as (

    select
        'plan_no_placement' as gap_type,
        plans.child_key,
        plans.council as organisation,
        null as service,
        coalesce(
            placements.not_in_education_since,
            greatest(plans.start_date, placements.last_leaving),
            plans.start_date
        ) as since,
        cast(null as date) as due_date,
        null as resolved_date,
        case when placements.not_in_education_since is not null
            then {{ fmt(
                'plan in force; not in education since {}',
                ["placements.not_in_education_since"]
            ) }}
            else 'plan in force; no current education placement recorded'
        end as detail
    from plans_in_force as plans
    left join placements on placements.plan_id = plans.plan_id
    where not coalesce(placements.placed, false)
      and not plans.placements_incomplete

),

icb_only_send as (

    select
        'icb_only_send' as gap_type,
        referrals.child_key,
        case when children.resident_council in ('city', 'county')
            then children.resident_council else 'icb' end as organisation,
        null as service,
        min(referrals.received_date) as since,
        cast(null as date) as due_date,
        null as resolved_date,
        {{ fmt(
            'known to the ICB ({}); unknown to both councils',
            [sorted_join('referrals.service', ', ')]
        ) }} as detail
    from referrals
    inner join children on children.child_key = referrals.child_key
    where referrals.send_relevant
      and not children.known_to_city
      and not children.known_to_county
    group by referrals.child_key, children.resident_council

),

unioned as (

    {{ union_all_by_name(
        ['request_no_decision', 'assessment_no_plan', 'transfer_not_taken_on',
         'annual_review_overdue', 'review_decision_late', 'health_need_no_referral',
         'health_wait_over_clock', 'plan_no_placement', 'icb_only_send'],
        ['gap_type', 'child_key', 'organisation', 'service', 'since', 'due_date', 'resolved_date',
         'detail']
    ) }}

),

final as (

    select
        unioned.gap_type,
        unioned.child_key,
        unioned.organisation,
        unioned.service,
        unioned.since,
        unioned.due_date,
        case
            when unioned.due_date is not null then
                {{ days_between('unioned.due_date', 'coalesce(unioned.resolved_date, dates.as_at)') }}
            else {{ days_between('unioned.since', 'dates.as_at') }}
        end as days_outstanding,
        case when unioned.resolved_date is not null then 'closed' else 'open' end as status,
        unioned.resolved_date,
        unioned.detail,
        children.resident_council,
        children.district_name,
        children.primary_need,
        children.age_band

    from unioned
    cross join dates
    left join children on children.child_key = unioned.child_key

)

select * from final
