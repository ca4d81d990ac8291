-- One row per community health referral (speech and language therapy, occupational therapy,
-- physiotherapy, community paediatrics, neurodevelopmental, CAMHS): when it was made, when the
-- child was first seen, how long they waited or are waiting, and how it ended.

with

dates as (select * from {{ ref('int_reporting_dates') }}),

referrals as (

    -- every referral, including those whose child could not be identified (child_identified)
    select * from {{ ref('int_health_referrals_enriched') }}

),

staged as (

    select
        referrals.*,
        dates.as_at,
        -- open on A: received, and no rejection and no discharge on or before A (docs/marts.md)
        {{ referral_open_on('referrals', 'dates.as_at') }} as is_open,
        case
            when referrals.rejected_date <= dates.as_at then 'rejected'
            when referrals.discharge_date <= dates.as_at then 'discharged'
            when referrals.first_contact_date <= dates.as_at then 'seen'
            else 'waiting'
        end as status
    from referrals
    cross join dates

),

final as (

    select
        {{ event_key('H', 'referral_id') }} as referral_key,
        child_key,
        child_key is not null as child_identified,
        service,
        provider_ods,
        received_date,
        first_contact_date,
        rejected_date,
        discharge_date,
        closure_reason,
        status,
        is_open,
        round({{ weeks(days_between('received_date', 'first_contact_date')) }}, 1) as wait_weeks,
        case when status = 'waiting'
            then round({{ weeks(days_between('received_date', 'as_at')) }}, 1) end as waiting_weeks,
        clock_weeks,
        case
            when first_contact_date is not null
                then {{ days_between('received_date', 'first_contact_date') }} > 7 * clock_weeks
            when status = 'waiting' then {{ days_between('received_date', 'as_at') }} > 7 * clock_weeks
        end as over_clock,
        contacts,
        attended_contacts,
        -- the report's window, here where the exact dates are (analysts see them by month)
        coalesce(first_contact_date > as_at - interval 12 month, false)
            as first_seen_in_last_12_months

    from staged

)

select * from final
