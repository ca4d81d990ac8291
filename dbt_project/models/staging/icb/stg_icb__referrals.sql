-- ICB CYP101 referrals to a community service, the service text made canonical.

with

source as (

    select * from {{ source('raw', 'icb_referrals') }}

),

services as (

    select icb_service_type, service from {{ ref('health_service') }}

),

renamed as (

    select
        {{ record_id('icb', 'referral', 'referralid') }} as referral_id,
        {{ record_id('icb', 'person', 'localpatientid') }} as person_record_id,
        'icb' as source,
        'icb_referrals' as source_table,
        referralid as source_record_id,
        {{ normalise_code('orgidprov') }} as provider_ods,
        {{ parse_iso_date('referralrequestreceiveddate') }} as received_date,
        {{ clean_text('sourceofreferral') }} as referral_source,
        {{ clean_text('servicetypereferredto') }} as service_type,
        {{ parse_iso_date('referralrejectiondate') }} as rejected_date,
        {{ parse_iso_date('servicedischargedate') }} as discharge_date,
        {{ clean_text('referralclosurereason') }} as closure_reason,
        _extract_date as extract_date,
        _load_id as load_id

    from source

),

final as (

    select
        renamed.referral_id,
        renamed.person_record_id,
        renamed.source,
        renamed.source_table,
        renamed.source_record_id,
        renamed.provider_ods,
        renamed.received_date,
        renamed.referral_source,
        services.service,
        renamed.rejected_date,
        renamed.discharge_date,
        renamed.closure_reason,
        renamed.extract_date,
        renamed.load_id

    from renamed
    left join services on renamed.service_type = services.icb_service_type

)

select * from final
