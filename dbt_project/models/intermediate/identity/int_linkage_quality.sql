-- The identity-resolution run's own estimate of its accuracy (no truth needed): pairwise
-- precision and recall of the children found, and the counts behind them.
-- Written by the identity-resolution run (int_identity_resolution); exposed here so it is
-- documented, tested and visible in the lineage.
-- depends_on: {{ ref('int_identity_resolution') }}

{{ config(materialized='view') }}

select * from identity.quality
