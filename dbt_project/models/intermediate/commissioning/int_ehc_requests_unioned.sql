-- Every EHC needs assessment request of both councils with its child, its assessment and the
-- plan it led to: the spine of the EHC journeys. Restricted zone (carries source record ids).
-- Both councils' staging models share one shape, so one query serves both.

with

crosswalk as (

    select record_id, child_key from {{ ref('int_child_key_crosswalk') }}

),

{% for council in ['city', 'county'] %}
{{ council }}_assessments as (

    select * from {{ ref('stg_' ~ council ~ '__assessments') }}
    qualify row_number() over (partition by request_id order by assessment_id) = 1

),

{{ council }}_plans as (

    select * from {{ ref('stg_' ~ council ~ '__named_plans') }}
    where assessment_id is not null
    qualify row_number() over (partition by assessment_id order by start_date, plan_id) = 1

),

{{ council }} as (

    select
        requests.request_id,
        crosswalk.child_key,
        '{{ council }}' as council,
        requests.la_code,
        requests.received_date,
        requests.request_source,
        requests.decision_date,
        requests.request_outcome,
        coalesce(requests.moved_out, false) as moved_out,
        assessments.assessment_id,
        assessments.assessment_outcome,
        assessments.outcome_date as assessment_outcome_date,
        coalesce(assessments.week20_exception, false) as week20_exception,
        plans.plan_id,
        plans.start_date as plan_issued_date

    from {{ ref('stg_' ~ council ~ '__requests') }} as requests
    left join crosswalk on crosswalk.record_id = requests.person_record_id
    left join {{ council }}_assessments as assessments
        on assessments.request_id = requests.request_id
    left join {{ council }}_plans as plans on plans.assessment_id = assessments.assessment_id

),
{% endfor %}

final as (

    select * from city
    union all
    select * from county

)

select * from final
