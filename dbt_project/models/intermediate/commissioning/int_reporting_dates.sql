-- The two dates every figure is as at (docs/marts.md): A, the latest extract delivered, and C,
-- the census date of the SEN support lists. `dbt build --vars '{as_at: 2025-01-16}'` overrides A.

with

extracts as (

    select max(extract_date) as extract_date from {{ ref('stg_city__persons') }}
    union all
    select max(extract_date) from {{ ref('stg_county__persons') }}
    union all
    select max(extract_date) from {{ ref('stg_icb__referrals') }}

),

census as (

    select max(census_date) as census_date from {{ ref('stg_city__sen_support_pupils') }}
    union all
    select max(census_date) from {{ ref('stg_county__sen_support_pupils') }}

),

final as (

    select
        {% if var('as_at', none) %}
        cast('{{ var("as_at") }}' as date) as as_at,
        {% else %}
        (select max(extract_date) from extracts) as as_at,
        {% endif %}
        (select min(extract_date) from extracts) as oldest_extract_date,
        coalesce((select max(census_date) from census), (select max(extract_date) from extracts))
            as census_date

)

select * from final
