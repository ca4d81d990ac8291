-- County casework Plans sheet: EHC plans. A plan transferred in from another LA has no
-- assessment here; its TransferredFromLA says where it came from.

with

source as (

    select * from {{ source('raw', 'county_plans') }}

),

end_reasons as (

    select county_end_reason, cease_reason from {{ ref('county_end_reason') }}

),

renamed as (

    select
        {{ record_id('county', 'plan', 'planid') }} as plan_id,
        {{ record_id('county', 'assessment', 'assessmentid') }} as assessment_id,
        {{ record_id('county', 'person', 'clientid') }} as person_record_id,
        'county' as source,
        'county_plans' as source_table,
        planid as source_record_id,
        '{{ var("county_la_code") }}' as la_code,
        {{ parse_uk_date('startdate') }} as start_date,
        {{ parse_uk_date('enddate') }} as cease_date,
        {{ clean_text('endreason') }} as end_reason,
        {{ clean_text('transferredfromla') }} as transferred_from_la,
        {{ yes_no('personalbudget') }} as personal_budget,
        _extract_date as extract_date,
        _load_id as load_id

    from source

),

final as (

    select
        renamed.plan_id,
        renamed.assessment_id,
        renamed.person_record_id,
        renamed.source,
        renamed.source_table,
        renamed.source_record_id,
        renamed.la_code,
        renamed.start_date,
        renamed.cease_date,
        end_reasons.cease_reason,
        renamed.transferred_from_la,
        renamed.personal_budget,
        renamed.extract_date,
        renamed.load_id

    from renamed
    left join end_reasons on renamed.end_reason = end_reasons.county_end_reason

)

select * from final
