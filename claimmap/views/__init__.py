"""Stage 4, what each view shows, built from the analysis: map layers, panel, timeline, reader, export.

The only code that imports folium, branca or altair."""
