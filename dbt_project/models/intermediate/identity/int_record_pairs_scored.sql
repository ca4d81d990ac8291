-- Candidate pairs from the blocking passes with the comparison level of each field, the match weight and the match probability.
-- Written by the identity-resolution run (int_identity_resolution); exposed here so it is
-- documented, tested and visible in the lineage.
-- depends_on: {{ ref('int_identity_resolution') }}

{{ config(materialized='view') }}

select * from identity.scored_pairs
