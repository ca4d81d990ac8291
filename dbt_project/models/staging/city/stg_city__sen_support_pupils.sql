-- City school census: pupils on SEN support (provision K) on the census day.

with

source as (

    select * from {{ source('raw', 'city_sen_support') }}

),

sex_codes as (

    select source_code, sex from {{ ref('sex') }} where source = 'city'

),

renamed as (

    select
        {{ record_id('city', 'sen_support_pupil', 'pupilid') }} as pupil_record_id,
        'city' as source,
        'city_sen_support' as source_table,
        pupilid as source_record_id,
        '{{ var("city_la_code") }}' as la_code,
        {{ normalise_code('upn') }} as upn,
        {{ clean_text('forename') }} as forename,
        {{ clean_text('surname') }} as surname,
        {{ parse_iso_date('dob') }} as dob,
        {{ normalise_code('gender') }} as sex_code,
        {{ normalise_code('ethnicity') }} as ethnicity,
        {{ normalise_postcode('postcode') }} as postcode,
        {{ clean_text('urn') }} as urn,
        {{ clean_text('laestab') }} as laestab,
        {{ normalise_code('senprovision') }} as sen_provision,
        {{ normalise_code('sentype1') }} as primary_need,
        {{ normalise_code('sentype2') }} as secondary_need,
        {{ parse_iso_date('censusdate') }} as census_date,
        _extract_date as extract_date,
        _load_id as load_id

    from source

),

final as (

    select
        renamed.pupil_record_id,
        renamed.source,
        renamed.source_table,
        renamed.source_record_id,
        renamed.la_code,
        renamed.upn,
        renamed.forename,
        renamed.surname,
        renamed.dob,
        sex_codes.sex,
        renamed.ethnicity,
        renamed.postcode,
        renamed.urn,
        renamed.laestab,
        renamed.sen_provision,
        renamed.primary_need,
        renamed.secondary_need,
        renamed.census_date,
        renamed.extract_date,
        renamed.load_id

    from renamed
    left join sex_codes on renamed.sex_code = sex_codes.source_code

)

select * from final
