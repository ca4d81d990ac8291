-- The partnership measures of mart_kpis as each delivery published them: the 24-month trend of
-- every delivery, so a figure revised by a later delivery (a late decision, a corrected date)
-- can be seen beside its first publication. A refresh replaces its own delivery's rows.
{{ config(**per_delivery_config()) }}

select
    dates.as_at as delivery_as_at,
    kpis.month,
    kpis.area,
    kpis.measure,
    kpis.service,
    kpis.numerator,
    kpis.denominator,
    kpis.value

from {{ ref('mart_kpis') }} as kpis
cross join {{ ref('int_reporting_dates') }} as dates
