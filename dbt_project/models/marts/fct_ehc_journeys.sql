-- One row per EHC needs assessment request: request → decision to assess → assessment outcome
-- → final plan, with the statutory clocks (docs/marts.md; clocks.csv) and where each stands on A.

with

dates as (select * from {{ ref('int_reporting_dates') }}),

clocks as (select * from {{ ref('int_clocks') }}),

requests as (

    -- every request, including those whose child could not be identified (child_identified)
    select * from {{ ref('int_ehc_requests_unioned') }}

),

staged as (

    select
        requests.*,
        dates.as_at,
        requests.received_date + clocks.request_decision_days as decision_due_date,
        requests.received_date + clocks.draft_plan_days as draft_plan_due_date,
        requests.received_date + clocks.final_plan_days as final_plan_due_date,
        case
            when requests.request_outcome = 'H' then 'historic'
            when requests.request_outcome = 'W' or requests.moved_out then 'withdrawn'
            when requests.decision_date is null then 'awaiting decision'
            when requests.request_outcome = 'N' then 'not assessed'
            when requests.plan_issued_date is not null then 'plan issued'
            when requests.assessment_outcome = 'N' then 'no plan'
            when requests.assessment_outcome = 'W' then 'assessment withdrawn'
            else 'assessing'
        end as stage

    from requests
    cross join dates
    cross join clocks

),

final as (

    select
        {{ event_key('R', 'request_id') }} as request_key,
        child_key,
        child_key is not null as child_identified,
        council,
        received_date,
        request_source,
        stage,
        stage in ('awaiting decision', 'assessing') as is_open,
        decision_date,
        request_outcome,
        decision_due_date,
        case when decision_date is not null then decision_date <= decision_due_date end
            as decision_within_6_weeks,
        round({{ weeks(days_between('received_date', 'decision_date')) }}, 1) as weeks_to_decision,
        assessment_outcome,
        assessment_outcome_date,
        week20_exception,
        draft_plan_due_date,
        final_plan_due_date,
        case when plan_id is not null then {{ event_key('P', 'plan_id') }} end as plan_key,
        plan_issued_date,
        round({{ weeks(days_between('received_date', 'plan_issued_date')) }}, 1) as weeks_to_plan,
        case when plan_issued_date is not null then plan_issued_date <= final_plan_due_date end
            as plan_within_20_weeks,
        case
            when stage in ('awaiting decision', 'assessing')
                then {{ days_between('received_date', 'as_at') }}
        end as days_open

    from staged

)

select * from final
