"""Stage 2, the tables: the schema, loading typed frames, row and cross-table checks."""
