-- County casework Requests sheet: requests for an EHC needs assessment, with the county's
-- "requested by" and decision text translated to SEN2 codes.

with

source as (

    select * from {{ source('raw', 'county_requests') }}

),

request_sources as (

    select county_requested_by, request_source from {{ ref('county_requested_by') }}

),

decisions as (

    select county_decision, request_outcome from {{ ref('county_request_decision') }}

),

renamed as (

    select
        {{ record_id('county', 'request', 'requestid') }} as request_id,
        {{ record_id('county', 'person', 'clientid') }} as person_record_id,
        'county' as source,
        'county_requests' as source_table,
        requestid as source_record_id,
        '{{ var("county_la_code") }}' as la_code,
        {{ parse_uk_date('datereceived') }} as received_date,
        {{ clean_text('requestedby') }} as requested_by,
        {{ parse_uk_date('decisiondate') }} as decision_date,
        {{ clean_text('decision') }} as decision,
        {{ yes_no('movedoutbeforedecision') }} as moved_out,
        _extract_date as extract_date,
        _load_id as load_id

    from source

),

final as (

    select
        renamed.request_id,
        renamed.person_record_id,
        renamed.source,
        renamed.source_table,
        renamed.source_record_id,
        renamed.la_code,
        renamed.received_date,
        request_sources.request_source,
        renamed.decision_date,
        decisions.request_outcome,
        renamed.moved_out,
        renamed.extract_date,
        renamed.load_id

    from renamed
    left join request_sources on renamed.requested_by = request_sources.county_requested_by
    left join decisions on renamed.decision = decisions.county_decision

)

select * from final
