-- City SEN2 module 2: requests for an EHC needs assessment.

with

source as (

    select * from {{ source('raw', 'city_requests') }}

),

renamed as (

    select
        {{ record_id('city', 'request', 'requeststableid') }} as request_id,
        {{ record_id('city', 'person', 'persontableid') }} as person_record_id,
        'city' as source,
        'city_requests' as source_table,
        requeststableid as source_record_id,
        '{{ var("city_la_code") }}' as la_code,
        {{ parse_blade_date('receiveddate') }} as received_date,
        {{ clean_text('requestsource') }} as request_source,
        {{ parse_blade_date('requestoutcomedate') }} as decision_date,
        {{ normalise_code('requestoutcome') }} as request_outcome,
        {{ one_zero('exported') }} as moved_out,
        {{ one_zero('rya') }} as in_youth_custody,
        {{ one_zero('requestmediation') }} as mediation,
        {{ one_zero('requesttribunal') }} as tribunal,
        _extract_date as extract_date,
        _load_id as load_id

    from source

),

final as (

    select * from renamed

)

select * from final
