-- The statutory and local clocks (seeds/reference/clocks.csv) as day counts or month counts, one
-- column per clock, so every model reads the same lengths.

with

clocks as (

    select * from {{ ref('clocks') }}

),

final as (

    select
        {% for clock in ['request_decision', 'draft_plan', 'final_plan', 'review_decision', 'plan_transfer', 'topup_overlap'] %}
        max(case when clock = '{{ clock }}' then
            length * case unit when 'week' then 7 when 'day' then 1 end end) as {{ clock }}_days,
        {% endfor %}
        max(case when clock = 'annual_review' and unit = 'month' then length end)
            as annual_review_months

    from clocks

)

select * from final
