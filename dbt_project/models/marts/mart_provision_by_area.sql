-- Children by need and district against the health services provided there: for each district
-- (the city, and the seven county districts) and each primary need, the children with a plan in
-- force on A and on SEN support at the census, and for a need with a matching service
-- (need_health_services.csv) how many of them were referred to it in the last 12 months, how
-- many are waiting for it on A, and their median wait so far.

with

dates as (select * from {{ ref('int_reporting_dates') }}),

districts as (

    select distinct district_name,
        {{ council_of('la_code') }} as council
    from {{ ref('postcode_directory') }}

),

needs as (select sen_type as primary_need from {{ ref('sen_type') }}),

children as (select * from {{ ref('dim_child') }}),

with_plan as (

    select district_name, primary_need, child_key
    from children
    where plan_status in ('city', 'county', 'both') and primary_need is not null

),

on_support as (

    select children.district_name, pupils.primary_need, pupils.child_key
    from {{ ref('fct_sen_support') }} as pupils
    inner join children using (child_key)
    cross join dates
    where pupils.census_date = dates.census_date

),

cohort as (

    select district_name, primary_need, child_key from with_plan
    union
    select district_name, primary_need, child_key from on_support

),

referrals as (

    select * from {{ ref('fct_health_referrals') }}

),

matched as (

    select
        cohort.district_name,
        cohort.primary_need,
        cohort.child_key,
        matching.service,
        bool_or(referrals.received_date > cast(dates.as_at - interval 12 month as date)
            and referrals.received_date <= dates.as_at) as referred_last_12_months,
        max(referrals.waiting_weeks) filter (where referrals.status = 'waiting')
            as waiting_weeks
    from cohort
    cross join dates
    inner join {{ ref('need_health_services') }} as matching
        on matching.sen_type = cohort.primary_need
    left join referrals
        on referrals.child_key = cohort.child_key and referrals.service = matching.service
    group by all

),

grid as (

    select districts.district_name, districts.council, needs.primary_need
    from districts cross join needs

),

final as (

    select
        grid.district_name,
        grid.council,
        grid.primary_need,
        (select count(distinct child_key) from with_plan
         where with_plan.district_name = grid.district_name
           and with_plan.primary_need = grid.primary_need) as children_with_plan,
        (select count(distinct child_key) from on_support
         where on_support.district_name = grid.district_name
           and on_support.primary_need = grid.primary_need) as children_on_sen_support,
        matching.service as matching_service,
        case when matching.service is not null then (
            select count(*) from matched
            where matched.district_name = grid.district_name
              and matched.primary_need = grid.primary_need and matched.referred_last_12_months
        ) end as children_referred_last_12_months,
        case when matching.service is not null then (
            select count(*) from matched
            where matched.district_name = grid.district_name
              and matched.primary_need = grid.primary_need and matched.waiting_weeks is not null
        ) end as children_waiting,
        (
            select {{ list_at(sorted_list('waiting_weeks'), 'cast(ceil(0.5 * count(*)) as integer)') }}
            from matched
            where matched.district_name = grid.district_name
              and matched.primary_need = grid.primary_need and matched.waiting_weeks is not null
        ) as median_waiting_weeks

    from grid
    left join {{ ref('need_health_services') }} as matching
        on matching.sen_type = grid.primary_need

)

select * from final
