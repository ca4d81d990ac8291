-- ICB CYP001 patients: one row per patient of the community children's services. Gender and NHS
-- ethnic category are translated to the canonical sex and CBDS ethnicity.

with

source as (

    select * from {{ source('raw', 'icb_patients') }}

),

sex_codes as (

    select source_code, sex from {{ ref('sex') }} where source = 'icb'

),

ethnic_categories as (

    select nhs_ethnic_category, ethnicity from {{ ref('nhs_ethnic_category') }}

),

renamed as (

    select
        {{ record_id('icb', 'person', 'localpatientid') }} as person_record_id,
        'icb' as source,
        'icb_patients' as source_table,
        localpatientid as source_record_id,
        cast(null as string) as la_code,  -- health records belong to no council
        {{ clean_text('forename') }} as forename,
        {{ clean_text('surname') }} as surname,
        {{ parse_iso_date('personbirthdate') }} as dob,
        {{ normalise_code('gender') }} as sex_code,
        {{ normalise_code('ethniccategory') }} as ethnic_category,
        {{ normalise_postcode('postcode') }} as postcode,
        {{ normalise_nhs_number('nhsnumber') }} as nhs_number,
        {{ clean_text('nhsnumberstatusindicator') }} as nhs_number_status,
        {{ normalise_code('gppracticecode') }} as gp_practice_code,
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
        ethnic_categories.ethnicity,
        renamed.postcode,
        cast(null as string) as upn,  -- health systems hold no education identifiers
        cast(null as string) as uln,
        renamed.nhs_number,
        cast(null as string) as upn_unknown_reason,
        renamed.nhs_number_status,
        renamed.gp_practice_code,
        renamed.extract_date,
        renamed.load_id

    from renamed
    left join sex_codes on renamed.sex_code = sex_codes.source_code
    left join ethnic_categories
        on renamed.ethnic_category = ethnic_categories.nhs_ethnic_category

)

select * from final
