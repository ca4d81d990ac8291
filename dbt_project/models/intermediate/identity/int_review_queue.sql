-- Pairs in the uncertainty band awaiting a reviewer's decision (record it in seeds/linkage/clerical_decisions.csv).
-- Written by the identity-resolution run (int_identity_resolution); exposed here so it is
-- documented, tested and visible in the lineage.
-- depends_on: {{ ref('int_identity_resolution') }}

{{ config(materialized='view') }}

select * from identity.review_queue
