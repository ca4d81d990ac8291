-- Where the partners serve a child twice: one row per instance (docs/marts.md, "Overlaps"), with
-- the period, the organisations, the evidence in words and the cost where it is known.

with

dates as (select * from {{ ref('int_reporting_dates') }}),

clocks as (select * from {{ ref('int_clocks') }}),

plans as (

    select plans.*, coalesce(plans.cease_date, dates.as_at) as end_date
    from {{ ref('int_ehc_plans_unioned') }} as plans
    cross join dates
    where plans.child_key is not null and plans.start_date <= dates.as_at

),

funding as (

    select * from {{ ref('int_topup_funding_unioned') }} where child_key is not null

),

-- Both councils' plans in force together for longer than the transfer window.
plan_pairs as (

    select
        city.child_key,
        city.start_date as city_start,
        county.start_date as county_start,
        greatest(city.start_date, county.start_date) as since,
        least(city.end_date, county.end_date) as period_end,
        {{ overlap_days('city.start_date', 'city.end_date', 'county.start_date', 'county.end_date') }}
            as overlap_days
    from plans as city
    inner join plans as county
        on county.child_key = city.child_key and county.council = 'county'
    where city.council = 'city'

),

dual_plans as (

    select
        'dual_plans' as overlap_type,
        child_key,
        since,
        period_end,
        overlap_days,
        'city+county' as organisations,
        {{ fmt(
            'city plan from {} and county plan from {} both in force for {} days',
            ["city_start", "county_start", "overlap_days"]
        ) }} as evidence
    from plan_pairs
    cross join clocks
    where overlap_days > clocks.plan_transfer_days

),

-- What either council paid in top-up for the child during a dual-plan period.
dual_plans_costed as (

    select
        dual_plans.*,
        -- (a double on both engines: Spark divides decimals exactly, DuckDB in doubles)
        round(sum(
            cast(funding.annual_amount_gbp
                * greatest(0, {{ overlap_days('funding.period_start', 'funding.period_end',
                    'dual_plans.since', 'dual_plans.period_end') }} + 1) as double)
            / 365
        ), 2) as estimated_cost_gbp
    from dual_plans
    left join funding on funding.child_key = dual_plans.child_key
    group by all

),

funding_pairs as (

    select
        city.child_key,
        city.band as city_band,
        county.band as county_band,
        greatest(city.period_start, county.period_start) as since,
        least(city.period_end, county.period_end) as period_end,
        -- funding periods count both their first and last day
        {{ overlap_days('city.period_start', 'city.period_end', 'county.period_start', 'county.period_end') }}
            + 1 as overlap_days,
        least(city.annual_amount_gbp, county.annual_amount_gbp) as smaller_annual_amount
    from funding as city
    inner join funding as county
        on county.child_key = city.child_key and county.council = 'county'
    where city.council = 'city'

),

dual_topup as (

    select
        'dual_topup' as overlap_type,
        child_key,
        since,
        period_end,
        overlap_days,
        'city+county' as organisations,
        {{ fmt(
            'city top-up band {} and county top-up band {} both paid for {} days',
            ["city_band", "county_band", "overlap_days"]
        ) }} as evidence,
        round(cast(overlap_days as double) / 365 * cast(smaller_annual_amount as double), 2)
            as estimated_cost_gbp
    from funding_pairs
    cross join clocks
    where overlap_days >= clocks.topup_overlap_days

),

open_referrals as (

    select referrals.*
    from {{ ref('int_health_referrals_enriched') }} as referrals
    cross join dates
    where referrals.child_key is not null
      and {{ referral_open_on('referrals', 'dates.as_at') }}

),

duplicate_referral as (

    select
        'duplicate_referral' as overlap_type,
        first_.child_key,
        second_.received_date as since,
        cast(null as date) as period_end,
        cast(null as bigint) as overlap_days,
        'icb' as organisations,
        {{ fmt(
            '{} referrals open from {} ({}) and {} ({}): {}',
            [
                "first_.service",
                "first_.received_date",
                "first_.provider_ods",
                "second_.received_date",
                "second_.provider_ods",
                "case when first_.provider_ods <> second_.provider_ods then 'two providers'
                    else 'one provider twice' end",
            ]
        ) }} as evidence,
        cast(null as decimal(14, 2)) as estimated_cost_gbp,
        first_.service

    from open_referrals as first_
    inner join open_referrals as second_
        on second_.child_key = first_.child_key
       and second_.service = first_.service
       and (second_.received_date, second_.referral_id)
           > (first_.received_date, first_.referral_id)

),

assessments as (

    select
        requests.*,
        requests.decision_date as running_from,
        case
            when requests.assessment_outcome in ('Y', 'N')
                then coalesce(requests.assessment_outcome_date, dates.as_at)
            else dates.as_at
        end as running_to
    from {{ ref('int_ehc_requests_unioned') }} as requests
    cross join dates
    where requests.child_key is not null
      and requests.request_outcome = 'Y'
      and requests.decision_date is not null
      and requests.decision_date <= dates.as_at
      and requests.assessment_outcome is distinct from 'W'

),

assessment_pairs as (

    select
        city.child_key,
        city.running_from as city_from,
        county.running_from as county_from,
        greatest(city.running_from, county.running_from) as since,
        least(city.running_to, county.running_to) as period_end,
        {{ overlap_days('city.running_from', 'city.running_to', 'county.running_from', 'county.running_to') }}
            as overlap_days
    from assessments as city
    inner join assessments as county
        on county.child_key = city.child_key and county.council = 'county'
    where city.council = 'city'

),

dual_assessment as (

    select
        'dual_assessment' as overlap_type,
        child_key,
        since,
        period_end,
        overlap_days,
        'city+county' as organisations,
        {{ fmt(
            'city assessment from {} and county assessment from {} running together for {} days',
            ["city_from", "county_from", "overlap_days"]
        ) }} as evidence
    from assessment_pairs
    where overlap_days > 0

),

caseload as (

    select plans.child_key, plans.council, 'EHC plan' as what
    from plans
    cross join dates
    where {{ in_force_on('plans', 'dates.census_date') }}
    union all
    select pupils.child_key, pupils.council, 'SEN support'
    from {{ ref('int_sen_support_unioned') }} as pupils
    cross join dates
    where pupils.child_key is not null and pupils.census_date = dates.census_date

),

caseload_by_council as (

    select child_key, council, {{ sorted_join('what', ' and ') }} as what
    from caseload
    group by child_key, council

),

dual_caseload as (

    select
        'dual_caseload' as overlap_type,
        city.child_key,
        dates.census_date as since,
        dates.census_date as period_end,
        cast(null as bigint) as overlap_days,
        'city+county' as organisations,
        {{ fmt(
            'on the census date, city: {}; county: {}',
            ["city.what", "county.what"]
        ) }} as evidence

    from caseload_by_council as city
    inner join caseload_by_council as county
        on county.child_key = city.child_key and county.council = 'county'
    cross join dates
    where city.council = 'city'

),

unioned as (

    {%- set no_service = 'cast(null as string) as service' %}
    {%- set no_cost = 'cast(null as decimal(14, 2)) as estimated_cost_gbp' %}
    {{ union_all_by_name(
        [
            '(select *, ' ~ no_service ~ ' from dual_plans_costed)',
            '(select *, ' ~ no_service ~ ' from dual_topup)',
            'duplicate_referral',
            '(select *, ' ~ no_cost ~ ', ' ~ no_service ~ ' from dual_assessment)',
            '(select *, ' ~ no_cost ~ ', ' ~ no_service ~ ' from dual_caseload)',
        ],
        ['overlap_type', 'child_key', 'since', 'period_end', 'overlap_days', 'organisations',
         'service', 'evidence', 'estimated_cost_gbp']
    ) }}

),

final as (

    select
        unioned.overlap_type,
        unioned.child_key,
        unioned.since,
        unioned.period_end,
        -- when it happened, seen from the as-at date: still running (a caseload overlap is on
        -- the latest census), ended in the 12 months before, or ended earlier
        case
            when unioned.overlap_type = 'dual_caseload'
                or unioned.period_end is null
                or unioned.period_end >= dates.as_at then 'current'
            when unioned.period_end > dates.as_at - interval 12 month
                then 'ended in the last 12 months'
            else 'ended earlier'
        end as period,
        unioned.overlap_days,
        unioned.organisations,
        unioned.service,
        unioned.evidence,
        cast(unioned.estimated_cost_gbp as decimal(14, 2)) as estimated_cost_gbp,
        children.resident_council,
        children.district_name,
        children.primary_need

    from unioned
    cross join dates
    left join {{ ref('dim_child') }} as children using (child_key)

)

select * from final
