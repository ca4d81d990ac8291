-- ICB CYP201 care contacts (appointments), with whether the child was seen.

with

source as (

    select * from {{ source('raw', 'icb_care_contacts') }}

),

attendance_codes as (

    select attended_or_dna, attended from {{ ref('attendance') }}

),

renamed as (

    select
        {{ record_id('icb', 'care_contact', 'carecontactid') }} as contact_id,
        {{ record_id('icb', 'referral', 'referralid') }} as referral_id,
        {{ record_id('icb', 'person', 'localpatientid') }} as person_record_id,
        'icb' as source,
        'icb_care_contacts' as source_table,
        carecontactid as source_record_id,
        {{ parse_iso_date('carecontactdate') }} as contact_date,
        {{ clean_text('attendedordidnotattend') }} as attendance_code,
        {{ clean_text('consultationmechanism') }} as consultation_mechanism,
        _extract_date as extract_date,
        _load_id as load_id

    from source

),

final as (

    select
        renamed.contact_id,
        renamed.referral_id,
        renamed.person_record_id,
        renamed.source,
        renamed.source_table,
        renamed.source_record_id,
        renamed.contact_date,
        renamed.attendance_code,
        attendance_codes.attended,
        renamed.consultation_mechanism,
        renamed.extract_date,
        renamed.load_id

    from renamed
    left join attendance_codes on renamed.attendance_code = attendance_codes.attended_or_dna

)

select * from final
