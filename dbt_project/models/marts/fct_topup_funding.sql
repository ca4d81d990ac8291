-- One row per high-needs top-up funding line: the council paying, the council the child lives
-- in, the setting (its kind, phase and council), the band, the period and what it costs (the
-- annual amount pro rata to the days of the period).

with

-- every line, including those whose child could not be identified (child_identified)
lines as (select * from {{ ref('int_topup_funding_unioned') }}),

-- a line names its setting by URN, or by UKPRN for a college
settings as (select urn, ukprn, setting_type, phase, la_code from {{ ref('settings') }}),

children as (select child_key, resident_council from {{ ref('dim_child') }}),

final as (

    select
        {{ event_key('F', 'lines.funding_line_id') }} as funding_key,
        lines.child_key,
        lines.child_key is not null as child_identified,
        lines.council,
        children.resident_council as council_of_residence,
        lines.urn,
        coalesce(by_urn.setting_type, by_ukprn.setting_type) as setting_type,
        coalesce(by_urn.phase, by_ukprn.phase) as school_phase,
        case when coalesce(by_urn.la_code, by_ukprn.la_code) is not null
            then {{ council_of('coalesce(by_urn.la_code, by_ukprn.la_code)') }} end
            as setting_council,
        lines.band,
        lines.period_start,
        lines.period_end,
        lines.annual_amount_gbp,
        -- (a double on both engines: Spark divides decimals exactly, DuckDB in doubles)
        round(
            cast(lines.annual_amount_gbp
                * ({{ days_between('lines.period_start', 'lines.period_end') }} + 1) as double)
            / 365,
            2
        ) as period_amount_gbp,
        cast(case when month(lines.period_start) >= 4 then year(lines.period_start)
            else year(lines.period_start) - 1 end as bigint) as financial_year_starting

    from lines
    left join settings as by_urn on by_urn.urn = lines.urn
    left join settings as by_ukprn on by_ukprn.ukprn = lines.urn and by_urn.urn is null
    left join children on children.child_key = lines.child_key

)

select * from final
