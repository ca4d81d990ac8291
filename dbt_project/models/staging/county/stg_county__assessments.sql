-- County casework Assessments sheet: EHC needs assessments, outcome translated to SEN2 codes.

with

source as (

    select * from {{ source('raw', 'county_assessments') }}

),

outcomes as (

    select county_outcome, assessment_outcome from {{ ref('county_assessment_outcome') }}

),

renamed as (

    select
        {{ record_id('county', 'assessment', 'assessmentid') }} as assessment_id,
        {{ record_id('county', 'request', 'requestid') }} as request_id,
        'county' as source,
        'county_assessments' as source_table,
        assessmentid as source_record_id,
        '{{ var("county_la_code") }}' as la_code,
        {{ clean_text('outcome') }} as outcome_text,
        {{ parse_uk_date('outcomedate') }} as outcome_date,
        {{ yes_no('twentyweekexception') }} as week20_exception,
        _extract_date as extract_date,
        _load_id as load_id

    from source

),

final as (

    select
        renamed.assessment_id,
        renamed.request_id,
        renamed.source,
        renamed.source_table,
        renamed.source_record_id,
        renamed.la_code,
        outcomes.assessment_outcome,
        renamed.outcome_date,
        renamed.week20_exception,
        renamed.extract_date,
        renamed.load_id

    from renamed
    left join outcomes on renamed.outcome_text = outcomes.county_outcome

)

select * from final
