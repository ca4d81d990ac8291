"""dbt models as Dagster assets: staging, identity resolution and marts."""
