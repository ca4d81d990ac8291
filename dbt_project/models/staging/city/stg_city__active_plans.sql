-- City SEN2 module 5a: plans active during the year, with the latest annual review.

with

source as (

    select * from {{ source('raw', 'city_activeplans') }}

),

review_outcomes as (

    select city_review_outcome, review_outcome from {{ ref('city_review_outcome') }}

),

renamed as (

    select
        {{ record_id('city', 'active_plan', 'activeplanstableid') }} as active_plan_id,
        {{ record_id('city', 'request', 'requeststableid') }} as request_id,
        'city' as source,
        'city_activeplans' as source_table,
        activeplanstableid as source_record_id,
        '{{ var("city_la_code") }}' as la_code,
        {{ clean_text('transferla') }} as transferred_from_la,
        {{ parse_blade_date('reviewmeeting') }} as review_meeting_date,
        {{ parse_blade_date('lastreview') }} as review_decision_date,
        {{ clean_text('reviewoutcome') }} as review_outcome_code,
        {{ parse_blade_date('reviewdraft') }} as review_draft_date,
        {{ parse_blade_date('phasetransferduedate') }} as phase_transfer_due_date,
        {{ parse_blade_date('phasetransferfinaldate') }} as phase_transfer_final_date,
        {{ one_zero('res') }} as residential,
        {{ one_zero('wbp') }} as work_based_learning,
        _extract_date as extract_date,
        _load_id as load_id

    from source

),

final as (

    select
        renamed.active_plan_id,
        renamed.request_id,
        renamed.source,
        renamed.source_table,
        renamed.source_record_id,
        renamed.la_code,
        renamed.transferred_from_la,
        renamed.review_meeting_date,
        renamed.review_decision_date,
        review_outcomes.review_outcome,
        renamed.review_draft_date,
        renamed.phase_transfer_due_date,
        renamed.phase_transfer_final_date,
        renamed.residential,
        renamed.work_based_learning,
        renamed.extract_date,
        renamed.load_id

    from renamed
    left join review_outcomes
        on renamed.review_outcome_code = review_outcomes.city_review_outcome

)

select * from final
