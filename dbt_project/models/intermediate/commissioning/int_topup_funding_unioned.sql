-- High-needs top-up funding lines of both councils, with their child.

with

crosswalk as (

    select record_id, child_key from {{ ref('int_child_key_crosswalk') }}

),

unioned as (

    select *, 'city' as council from {{ ref('stg_city__topup_funding_lines') }}
    union all
    select *, 'county' as council from {{ ref('stg_county__topup_funding_lines') }}

),

final as (

    select
        unioned.funding_line_id,
        crosswalk.child_key,
        unioned.council,
        unioned.la_code,
        unioned.urn,
        unioned.band,
        unioned.period_start,
        unioned.period_end,
        unioned.annual_amount_gbp

    from unioned
    left join crosswalk on crosswalk.record_id = unioned.funding_line_id

)

select * from final
