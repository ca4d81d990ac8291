-- Every gap of mart_gaps as each delivery saw it: one row per gap per delivery (delivery_as_at,
-- the as-at date of int_reporting_dates). A refresh replaces the rows of its own delivery and
-- keeps the others, so a re-sent or corrected delivery of the same month is counted once.
{{ config(**per_delivery_config()) }}

select
    dates.as_at as delivery_as_at,
    gaps.gap_type,
    gaps.child_key,
    gaps.organisation,
    gaps.service,
    gaps.since,
    gaps.status,
    gaps.resident_council,
    gaps.district_name

from {{ ref('mart_gaps') }} as gaps
cross join {{ ref('int_reporting_dates') }} as dates
