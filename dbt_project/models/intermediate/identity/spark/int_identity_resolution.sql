-- On Spark, dbt's session mode runs no Python model: identity resolution runs as a step of its
-- own (pipelines/spark.py: resolve_identity) and writes the `identity` schema, its run log
-- included. This model stands in for the Python model of the same name, so that everything
-- downstream refers to one node on either engine.
{{ config(materialized='table') }}

select * from identity.run_log
