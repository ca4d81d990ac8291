"""Landing files → Pandera contract → quarantine + audit → raw tables in the restricted DuckDB."""
