-- The estimated Fellegi-Sunter parameters: m and u probabilities and the match weight of every comparison level.
-- Written by the identity-resolution run (int_identity_resolution); exposed here so it is
-- documented, tested and visible in the lineage.
-- depends_on: {{ ref('int_identity_resolution') }}

{{ config(materialized='view') }}

select * from identity.parameters
