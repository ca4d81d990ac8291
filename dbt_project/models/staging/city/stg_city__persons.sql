-- City SEN2 module 1: one row per child or young person known to the city SEND service.

with

source as (

    select * from {{ source('raw', 'city_person') }}

),

sex_codes as (

    select source_code, sex from {{ ref('sex') }} where source = 'city'

),

renamed as (

    select
        {{ record_id('city', 'person', 'persontableid') }} as person_record_id,
        'city' as source,
        'city_person' as source_table,
        persontableid as source_record_id,
        '{{ var("city_la_code") }}' as la_code,
        {{ clean_text('forename') }} as forename,
        {{ clean_text('surname') }} as surname,
        {{ parse_blade_date('personbirthdate') }} as dob,
        {{ normalise_code('sex') }} as sex_code,
        {{ normalise_code('ethnicity') }} as ethnicity,
        {{ normalise_postcode('postcode') }} as postcode,
        {{ normalise_code('upn') }} as upn,
        {{ clean_text('uniquelearnernumber') }} as uln,
        cast(null as string) as nhs_number,  -- SEN2 carries no NHS number
        {{ normalise_code('upnunknown') }} as upn_unknown_reason,
        {{ clean_text('nativeid') }} as native_id,
        _extract_date as extract_date,
        _load_id as load_id

    from source

),

final as (

    select
        renamed.person_record_id,
        renamed.source,
        renamed.source_table,
        renamed.source_record_id,
        renamed.la_code,
        renamed.forename,
        renamed.surname,
        renamed.dob,
        sex_codes.sex,
        renamed.ethnicity,
        renamed.postcode,
        renamed.upn,
        renamed.uln,
        renamed.nhs_number,
        renamed.upn_unknown_reason,
        renamed.native_id,
        renamed.extract_date,
        renamed.load_id

    from renamed
    left join sex_codes on renamed.sex_code = sex_codes.source_code

)

select * from final
