-- ICB community health referrals with their child, the first contact the child attended and
-- the number of contacts (docs/marts.md: first contact = first attended care contact).

with

crosswalk as (

    select record_id, child_key from {{ ref('int_child_key_crosswalk') }}

),

contacts as (

    select
        referral_id,
        count(*) as contacts,
        count(*) filter (where attended) as attended_contacts,
        min(contact_date) filter (where attended) as first_contact_date
    from {{ ref('stg_icb__care_contacts') }}
    group by referral_id

),

services as (

    select service, clock_weeks, send_relevant from {{ ref('health_service') }}

),

final as (

    select
        referrals.referral_id,
        crosswalk.child_key,
        referrals.provider_ods,
        referrals.service,
        services.clock_weeks,
        services.send_relevant,
        referrals.received_date,
        referrals.rejected_date,
        referrals.discharge_date,
        referrals.closure_reason,
        contacts.first_contact_date,
        coalesce(contacts.contacts, 0) as contacts,
        coalesce(contacts.attended_contacts, 0) as attended_contacts

    from {{ ref('stg_icb__referrals') }} as referrals
    left join crosswalk on crosswalk.record_id = referrals.person_record_id
    left join contacts on contacts.referral_id = referrals.referral_id
    left join services on services.service = referrals.service

)

select * from final
