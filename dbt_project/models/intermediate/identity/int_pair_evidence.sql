-- Why two records are (or are not) one child: every linked or borderline pair with the level and weight contribution of each field, the total weight and the probability.
-- Written by the identity-resolution run (int_identity_resolution); exposed here so it is
-- documented, tested and visible in the lineage.
-- depends_on: {{ ref('int_identity_resolution') }}

{{ config(materialized='view') }}

select * from identity.evidence
