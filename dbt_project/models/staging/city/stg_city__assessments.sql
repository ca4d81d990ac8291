-- City SEN2 module 3: EHC needs assessments, one per request that went to assessment.

with

source as (

    select * from {{ source('raw', 'city_assessment') }}

),

renamed as (

    select
        {{ record_id('city', 'assessment', 'assessmenttableid') }} as assessment_id,
        {{ record_id('city', 'request', 'requeststableid') }} as request_id,
        'city' as source,
        'city_assessment' as source_table,
        assessmenttableid as source_record_id,
        '{{ var("city_la_code") }}' as la_code,
        {{ normalise_code('assessmentoutcome') }} as assessment_outcome,
        {{ parse_blade_date('assessmentoutcomedate') }} as outcome_date,
        {{ one_zero('week20') }} as week20_exception,
        {{ one_zero('assessmentmediation') }} as mediation,
        {{ one_zero('assessmenttribunal') }} as tribunal,
        {{ one_zero('othermediation') }} as other_mediation,
        {{ one_zero('othertribunal') }} as other_tribunal,
        _extract_date as extract_date,
        _load_id as load_id

    from source

),

final as (

    select * from renamed

)

select * from final
