-- County casework Reviews sheet: annual reviews of EHC plans, outcome made canonical.

with

source as (

    select * from {{ source('raw', 'county_reviews') }}

),

review_outcomes as (

    select county_review_outcome, review_outcome from {{ ref('county_review_outcome') }}

),

renamed as (

    select
        {{ record_id('county', 'annual_review', 'reviewid') }} as review_id,
        {{ record_id('county', 'plan', 'planid') }} as plan_id,
        'county' as source,
        'county_reviews' as source_table,
        reviewid as source_record_id,
        '{{ var("county_la_code") }}' as la_code,
        {{ parse_uk_date('reviewmeetingdate') }} as review_meeting_date,
        {{ parse_uk_date('decisiondate') }} as review_decision_date,
        {{ clean_text('outcome') }} as outcome_text,
        _extract_date as extract_date,
        _load_id as load_id

    from source

),

final as (

    select
        renamed.review_id,
        renamed.plan_id,
        renamed.source,
        renamed.source_table,
        renamed.source_record_id,
        renamed.la_code,
        renamed.review_meeting_date,
        renamed.review_decision_date,
        review_outcomes.review_outcome,
        renamed.extract_date,
        renamed.load_id

    from renamed
    left join review_outcomes on renamed.outcome_text = review_outcomes.county_review_outcome

)

select * from final
