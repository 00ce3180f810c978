"""claimmap's server: `streamlit run serve.py [-- --data DIR]` serves the page (dashboard.py), and
as it starts reads the dataset the first page shows (claimmap.page.warm), so the first visitor
after a restart does not wait for the imports and the stored dataset."""

import streamlit as st

from claimmap.page.warm import warm_at_start

app = st.App("dashboard.py", lifespan=warm_at_start)
