"""The report's sections, one module each: `section(con, rules, ...)` reads the analysts'
warehouse and returns the section's disclosure-controlled tables and charts."""
