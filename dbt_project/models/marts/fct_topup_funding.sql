-- One row per high-needs top-up funding line: the council paying, the setting, the band, the
-- period and what it costs (the annual amount pro rata to the days of the period).

with

-- every line, including those whose child could not be identified (child_identified)
lines as (select * from {{ ref('int_topup_funding_unioned') }}),

final as (

    select
        {{ event_key('F', 'funding_line_id') }} as funding_key,
        child_key,
        child_key is not null as child_identified,
        council,
        urn,
        band,
        period_start,
        period_end,
        annual_amount_gbp,
        round(
            annual_amount_gbp * (date_diff('day', period_start, period_end) + 1) / 365.0, 2
        ) as period_amount_gbp,
        case when month(period_start) >= 4 then year(period_start) else year(period_start) - 1 end
            as financial_year_starting

    from lines

)

select * from final
