-- Every record that describes a child, from every source, in one shape: the input to identity
-- resolution. One row per delivered person-bearing row (case records, SEN support lists, top-up
-- funding lines, health patients), so each can be mapped to exactly one child.

with

city_persons as (
    select person_record_id as record_id, source, source_table, source_record_id,
        forename, surname, dob, sex, postcode, upn, uln, nhs_number
    from {{ ref('stg_city__persons') }}
),

city_sen_support as (
    select pupil_record_id as record_id, source, source_table, source_record_id,
        forename, surname, dob, sex, postcode, upn,
        cast(null as varchar) as uln, cast(null as varchar) as nhs_number
    from {{ ref('stg_city__sen_support_pupils') }}
),

city_topup as (
    select funding_line_id as record_id, source, source_table, source_record_id,
        forename, surname, dob, cast(null as varchar) as sex, cast(null as varchar) as postcode,
        upn, cast(null as varchar) as uln, cast(null as varchar) as nhs_number
    from {{ ref('stg_city__topup_funding_lines') }}
),

county_persons as (
    select person_record_id as record_id, source, source_table, source_record_id,
        forename, surname, dob, sex, postcode, upn, uln, nhs_number
    from {{ ref('stg_county__persons') }}
),

county_sen_support as (
    select pupil_record_id as record_id, source, source_table, source_record_id,
        forename, surname, dob, sex, postcode, upn,
        cast(null as varchar) as uln, cast(null as varchar) as nhs_number
    from {{ ref('stg_county__sen_support_pupils') }}
),

county_topup as (
    select funding_line_id as record_id, source, source_table, source_record_id,
        forename, surname, dob, cast(null as varchar) as sex, cast(null as varchar) as postcode,
        upn, cast(null as varchar) as uln, cast(null as varchar) as nhs_number
    from {{ ref('stg_county__topup_funding_lines') }}
),

icb_persons as (
    select person_record_id as record_id, source, source_table, source_record_id,
        forename, surname, dob, sex, postcode,
        cast(null as varchar) as upn, uln, nhs_number
    from {{ ref('stg_icb__persons') }}
),

final as (
    select * from city_persons
    union all select * from city_sen_support
    union all select * from city_topup
    union all select * from county_persons
    union all select * from county_sen_support
    union all select * from county_topup
    union all select * from icb_persons
)

select * from final
