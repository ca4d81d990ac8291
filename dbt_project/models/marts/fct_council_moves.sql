-- One row per move between the councils with an EHC plan: a plan ceased because the child moved
-- to another LA (cease reason 5), whether the other council took the child on, and how long it
-- took (docs/marts.md). mart_gaps' transfer_not_taken_on are the moves here not taken on in time.

with

dates as (select * from {{ ref('int_reporting_dates') }}),

clocks as (select * from {{ ref('int_clocks') }}),

plans as (select * from {{ ref('int_ehc_plans_unioned') }} where child_key is not null),

requests as (select * from {{ ref('int_ehc_requests_unioned') }} where child_key is not null),

children as (select child_key, resident_council from {{ ref('dim_child') }}),

quarantined as (select * from {{ ref('int_quarantined_records') }}),

-- A city plan reaches its child through its assessment's request: the city plan rows kept out,
-- and the city plans whose assessment row was kept out, each with its request.
kept_out_city_plans as (

    select
        assessments.request_id,
        {{ parse_blade_date(json_text('kept_out.raw_row', "'$.startdate'")) }} as start_date
    from quarantined as kept_out
    inner join {{ ref('stg_city__assessments') }} as assessments
        on assessments.assessment_id = kept_out.parent_id
    where kept_out.table_name = 'city_namedplan'

    union all

    select kept_out.parent_id, plans.start_date
    from {{ ref('stg_city__named_plans') }} as plans
    inner join quarantined as kept_out
        on kept_out.table_name = 'city_assessment'
       and {{ record_id('city', 'assessment',
                        json_text('kept_out.raw_row', "'$.assessmenttableid'")) }}
           = plans.assessment_id

),

-- What the contracts kept out of the receiving council that may be the child's plan there: a
-- plan row of the child's own records, begun (as far as its dates can be read) after the plan
-- that ceased (a county plan names the child's person record; a city plan reaches it through
-- its assessment and request, so a city plan whose assessment row was kept out is the child's
-- too); or a plan whose person record was kept out (its child unknown), transferred in from
-- the council the child left. A move with no plan found but such a record is not known, never
-- a gap (docs/marts.md).
kept_out_plans as (

    select
        crosswalk.child_key,
        'county' as council,
        {{ parse_uk_date(json_text('kept_out.raw_row', "'$.StartDate'")) }} as start_date
    from quarantined as kept_out
    inner join {{ ref('int_child_key_crosswalk') }} as crosswalk
        on crosswalk.record_id = kept_out.parent_id
    where kept_out.table_name = 'county_plans'

    union all

    select requests.child_key, 'city', city_plans.start_date
    from kept_out_city_plans as city_plans
    inner join requests on requests.request_id = city_plans.request_id

),

unidentified_transfers as (

    select
        plan_id,
        council,
        {{ council_of('transferred_from_la') }} as from_council,
        start_date,
        cease_date
    from {{ ref('int_ehc_plans_unioned') }}
    where child_key is null and transferred_from_la is not null

),

ceased as (

    select
        ceased.plan_id,
        ceased.child_key,
        ceased.council as from_council,
        ceased.start_date as ceased_plan_start,
        case ceased.council when 'city' then 'county' else 'city' end as to_council,
        ceased.cease_date,
        ceased.cease_date + clocks.plan_transfer_days as due_date
    from plans as ceased
    cross join dates
    cross join clocks
    where {{ transferred('ceased.cease_reason') }} and ceased.cease_date <= dates.as_at

),

-- the other council's plans in force after the move
receiving as (

    select
        ceased.*,
        bool_or(later.start_date <= ceased.due_date) as on_time,
        min(later.start_date) as receiving_plan_start
    from ceased
    left join plans as later
        on later.child_key = ceased.child_key
       and later.council = ceased.to_council
       and {{ running_after('later', 'ceased.cease_date') }}
    group by all

),

-- evidence that the child really moved to the other council: its plan, living there now, or a
-- request to it since
taken_on as (

    select
        receiving.*,
        receiving.receiving_plan_start is not null
            or children.resident_council = receiving.to_council
            or exists (
                select 1 from requests
                where requests.child_key = receiving.child_key
                  and requests.council = receiving.to_council
                  and requests.received_date >= receiving.cease_date
            ) as moved_there
    from receiving
    left join children on children.child_key = receiving.child_key

),

-- One plan is one child's: an unidentified plan transferred in may be the receiving plan of
-- the one move it fits best (the cease date nearest its start) among the moves to its council
-- with none found.
explained as (

    -- (of two moves equally near, the smaller plan id)
    select {{ first_by('taken_on.plan_id', [
            ('abs(' ~ days_between('other.start_date', 'taken_on.cease_date') ~ ')', 'asc'),
            ('taken_on.plan_id', 'asc')
        ]) }} as plan_id
    from unidentified_transfers as other
    inner join taken_on
        on taken_on.to_council = other.council
       and taken_on.from_council = other.from_council
       and {{ running_after('other', 'taken_on.cease_date') }}
    where taken_on.receiving_plan_start is null and taken_on.moved_there
    group by other.plan_id

),

final as (

    select
        {{ event_key('P', 'taken_on.plan_id') }} as plan_key,
        taken_on.child_key,
        taken_on.from_council,
        taken_on.to_council,
        taken_on.cease_date,
        taken_on.due_date,
        taken_on.receiving_plan_start,
        {{ days_between('taken_on.cease_date', 'taken_on.receiving_plan_start') }} as days_taken,
        case
            when coalesce(taken_on.on_time, false) then 'within 6 weeks'
            when taken_on.receiving_plan_start is not null then 'late'
            when exists (
                select 1 from kept_out_plans as kept_out
                where kept_out.child_key = taken_on.child_key
                  and kept_out.council = taken_on.to_council
                  and coalesce(kept_out.start_date > taken_on.ceased_plan_start, true)
            ) or taken_on.plan_id in (select plan_id from explained) then 'not known'
            else 'not yet'
        end as taken_on,
        taken_on.moved_there,
        -- the report's window, here where the exact dates are (analysts see them by month)
        taken_on.cease_date > dates.as_at - interval 24 month as ceased_in_last_24_months

    from taken_on
    cross join dates

)

select * from final
