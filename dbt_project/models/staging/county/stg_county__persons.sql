-- County casework Clients sheet: one row per child or young person known to the county SEND
-- service. Gender and ethnicity are translated from county text through the code lists.

with

source as (

    select * from {{ source('raw', 'county_clients') }}

),

sex_codes as (

    select source_code, sex from {{ ref('sex') }} where source = 'county'

),

ethnicities as (

    select county_ethnicity, ethnicity from {{ ref('county_ethnicity') }}

),

renamed as (

    select
        {{ record_id('county', 'person', 'clientid') }} as person_record_id,
        'county' as source,
        'county_clients' as source_table,
        clientid as source_record_id,
        '{{ var("county_la_code") }}' as la_code,
        {{ clean_text('givenname') }} as forename,
        {{ clean_text('familyname') }} as surname,
        {{ parse_uk_date('dateofbirth') }} as dob,
        {{ clean_text('gender') }} as sex_code,
        {{ clean_text('ethnicity') }} as ethnicity_text,
        {{ normalise_postcode('postcode') }} as postcode,
        {{ normalise_code('upn') }} as upn,
        {{ clean_text('uln') }} as uln,
        {{ normalise_nhs_number('nhsnumber') }} as nhs_number,
        {{ normalise_code('upnmissingreason') }} as upn_unknown_reason,
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
        ethnicities.ethnicity,
        renamed.postcode,
        renamed.upn,
        renamed.uln,
        renamed.nhs_number,
        renamed.upn_unknown_reason,
        renamed.extract_date,
        renamed.load_id

    from renamed
    left join sex_codes on renamed.sex_code = sex_codes.source_code
    left join ethnicities on renamed.ethnicity_text = ethnicities.county_ethnicity

)

select * from final
