-- One row per child known to any of the three organisations: who the child is for analysis,
-- with no direct identifier (birth month instead of date of birth, postcode sector and district
-- instead of the full postcode).

with

dates as (

    select * from {{ ref('int_reporting_dates') }}

),

children as (

    select child_key, dob, sex, postcode, sources from {{ ref('int_children_resolved') }}

),

directory as (

    select postcode, postcode_sector, postcode_district, la_code, district_name
    from {{ ref('postcode_directory') }}

),

crosswalk as (

    select record_id, child_key from {{ ref('int_child_key_crosswalk') }}

),

-- Ethnicity as most of the child's records give it (CBDS codes; "not obtained" and "refused"
-- only when nothing else is recorded).
ethnicity_records as (

    select person_record_id as record_id, ethnicity from {{ ref('stg_city__persons') }}
    union all
    select person_record_id, ethnicity from {{ ref('stg_county__persons') }}
    union all
    select person_record_id, ethnicity from {{ ref('stg_icb__persons') }}
    union all
    select pupil_record_id, ethnicity from {{ ref('stg_city__sen_support_pupils') }}

),

ethnicity_votes as (

    select crosswalk.child_key, records.ethnicity, count(*) as votes
    from ethnicity_records as records
    inner join crosswalk using (record_id)
    where records.ethnicity is not null
    group by all

),

ethnicity as (

    select
        child_key,
        {{ first_by('ethnicity', [
            ("ethnicity in ('NOBT', 'REFU')", 'asc'), ('votes', 'desc'), ('ethnicity', 'asc')
        ]) }} as ethnicity
    from ethnicity_votes
    group by child_key

),

plans as (

    select * from {{ ref('int_ehc_plans_unioned') }} where child_key is not null

),

plan_status as (

    select
        plans.child_key,
        count(*) filter (
            where plans.council = 'city' and {{ in_force_on('plans', 'dates.as_at') }}
        ) > 0 as plan_in_force_city,
        count(*) filter (
            where plans.council = 'county' and {{ in_force_on('plans', 'dates.as_at') }}
        ) > 0 as plan_in_force_county,
        -- the primary need on the plan in force that started last (else on the last plan; of
        -- two started on one day, the greater plan id: never the order rows happen to come in)
        {{ first_by('plans.primary_need', [
            (in_force_on('plans', 'dates.as_at'), 'desc'), ('plans.start_date', 'desc'),
            ('plans.plan_id', 'desc')
        ]) }} as plan_primary_need
    from plans
    cross join dates
    group by plans.child_key

),

sen_support as (

    select
        child_key,
        bool_or(council = 'city') as on_sen_support_city,
        bool_or(council = 'county') as on_sen_support_county,
        -- the need on the latest census (of two list entries on it, the greater record id)
        {{ first_by('primary_need', [('census_date', 'desc'), ('pupil_record_id', 'desc')]) }}
            as sen_support_primary_need
    from {{ ref('int_sen_support_unioned') }}
    where child_key is not null
    group by child_key

),

requests as (

    select child_key, count(*) as requests
    from {{ ref('int_ehc_requests_unioned') }}
    where child_key is not null and request_outcome is distinct from 'H'
    group by child_key

),

-- Every dated event of the child, for first and last seen.
events as (

    select child_key, received_date as event_date from {{ ref('int_ehc_requests_unioned') }}
    union all select child_key, decision_date from {{ ref('int_ehc_requests_unioned') }}
    union all select child_key, start_date from plans
    union all select child_key, cease_date from plans
    union all select child_key, census_date from {{ ref('int_sen_support_unioned') }}
    union all select child_key, period_start from {{ ref('int_topup_funding_unioned') }}
    union all select child_key, period_end from {{ ref('int_topup_funding_unioned') }}
    union all select child_key, received_date from {{ ref('int_health_referrals_enriched') }}
    union all select child_key, first_contact_date from {{ ref('int_health_referrals_enriched') }}

),

seen as (

    select child_key, min(event_date) as first_seen, max(event_date) as last_seen
    from events
    where child_key is not null and event_date is not null
    group by child_key

),

final as (

    select
        children.child_key,
        left(cast(children.dob as string), 7) as birth_month,
        cast(year(dates.as_at) - year(children.dob)
            - case when month(dates.as_at) * 100 + day(dates.as_at)
                < month(children.dob) * 100 + day(children.dob)
                then 1 else 0 end as bigint) as age_at_as_at,
        case
            when children.dob is null then 'unknown'
            when dates.as_at < children.dob + interval 5 year then '0-4'
            when dates.as_at < children.dob + interval 11 year then '5-10'
            when dates.as_at < children.dob + interval 16 year then '11-15'
            when dates.as_at < children.dob + interval 20 year then '16-19'
            when dates.as_at < children.dob + interval 26 year then '20-25'
            else '26+'
        end as age_band,
        coalesce(children.sex, 'U') as sex,
        ethnicity.ethnicity,
        ethnic_groups.ethnicity_group,
        coalesce(plan_status.plan_primary_need, sen_support.sen_support_primary_need)
            as primary_need,
        directory.postcode_sector,
        coalesce(directory.postcode_district, regexp_extract(children.postcode, '^([^ ]+) ', 1))
            as postcode_district,
        case
            when children.postcode is null then 'unknown'
            else {{ council_of('directory.la_code') }}
        end as resident_council,
        coalesce(directory.district_name, 'outside the partnership') as district_name,
        case
            when plan_status.plan_in_force_city and plan_status.plan_in_force_county then 'both'
            when plan_status.plan_in_force_city then 'city'
            when plan_status.plan_in_force_county then 'county'
            when plan_status.child_key is not null then 'ceased'
            when requests.child_key is not null then 'requested'
            else 'none'
        end as plan_status,
        case
            when sen_support.on_sen_support_city and sen_support.on_sen_support_county
                then 'both'
            when sen_support.on_sen_support_city then 'city'
            when sen_support.on_sen_support_county then 'county'
        end as sen_support_council,
        array_contains(children.sources, 'city') as known_to_city,
        array_contains(children.sources, 'county') as known_to_county,
        array_contains(children.sources, 'icb') as known_to_icb,
        seen.first_seen,
        seen.last_seen

    from children
    cross join dates
    left join directory on directory.postcode = children.postcode
    left join ethnicity on ethnicity.child_key = children.child_key
    left join {{ ref('ethnicity') }} as ethnic_groups
        on ethnic_groups.ethnicity = ethnicity.ethnicity
    left join plan_status on plan_status.child_key = children.child_key
    left join sen_support on sen_support.child_key = children.child_key
    left join requests on requests.child_key = children.child_key
    left join seen on seen.child_key = children.child_key

)

select * from final
