-- Every person record mapped to exactly one child_key (the crosswalk).
-- Written by the identity-resolution run (int_identity_resolution); exposed here so it is
-- documented, tested and visible in the lineage.
-- depends_on: {{ ref('int_identity_resolution') }}

{{ config(materialized='view') }}

select * from identity.crosswalk
