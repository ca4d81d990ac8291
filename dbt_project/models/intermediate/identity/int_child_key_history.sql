-- Every merge, split and new key: old key, new key, reason, run time.
-- Written by the identity-resolution run (int_identity_resolution); exposed here so it is
-- documented, tested and visible in the lineage.
-- depends_on: {{ ref('int_identity_resolution') }}

{{ config(materialized='view') }}

select * from identity.key_history
