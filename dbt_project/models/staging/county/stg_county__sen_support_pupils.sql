-- County school census: pupils on SEN support (provision K), county need codes translated.

with

source as (

    select * from {{ source('raw', 'county_sen_support') }}

),

sex_codes as (

    select source_code, sex from {{ ref('sex') }} where source = 'county'

),

need_codes as (

    select county_need_code, sen_type from {{ ref('county_need_code') }}

),

renamed as (

    select
        {{ record_id('county', 'sen_support_pupil', 'pupilid') }} as pupil_record_id,
        'county' as source,
        'county_sen_support' as source_table,
        pupilid as source_record_id,
        '{{ var("county_la_code") }}' as la_code,
        {{ normalise_code('pupilupn') }} as upn,
        {{ clean_text('legalforename') }} as forename,
        {{ clean_text('legalsurname') }} as surname,
        {{ parse_uk_date('dateofbirth') }} as dob,
        {{ clean_text('sex') }} as sex_code,
        {{ normalise_postcode('postcode') }} as postcode,
        {{ clean_text('schoolurn') }} as urn,
        {{ normalise_code('senprovision') }} as sen_provision,
        {{ normalise_code('primaryneed') }} as primary_need_code,
        {{ normalise_code('secondaryneed') }} as secondary_need_code,
        {{ parse_uk_date('censusdate') }} as census_date,
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
        cast(null as string) as ethnicity,  -- not on the county list
        renamed.postcode,
        renamed.urn,
        cast(null as string) as laestab,  -- not on the county list
        renamed.sen_provision,
        primary_needs.sen_type as primary_need,
        secondary_needs.sen_type as secondary_need,
        renamed.census_date,
        renamed.extract_date,
        renamed.load_id

    from renamed
    left join sex_codes on renamed.sex_code = sex_codes.source_code
    left join need_codes as primary_needs
        on renamed.primary_need_code = primary_needs.county_need_code
    left join need_codes as secondary_needs
        on renamed.secondary_need_code = secondary_needs.county_need_code

)

select * from final
