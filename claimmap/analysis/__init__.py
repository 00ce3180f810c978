"""Stage 3, analysis on the loaded frames: the state as of a day, provenance, filters, the dataset."""
