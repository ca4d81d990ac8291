-- Every overlap of mart_overlaps as each delivery saw it: one row per overlap per delivery. A
-- refresh replaces the rows of its own delivery (delivery_as_at) and keeps the others.
{{ config(**per_delivery_config()) }}

select
    dates.as_at as delivery_as_at,
    instances.overlap_type,
    instances.child_key,
    instances.organisations,
    instances.service,
    instances.since,
    instances.period,
    instances.resident_council,
    instances.district_name

from {{ ref('mart_overlaps') }} as instances
cross join {{ ref('int_reporting_dates') }} as dates
