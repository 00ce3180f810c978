"""The page stage: what the Streamlit page keeps between reruns and in its URL.

With dashboard.py, the only code that may import streamlit. Layout and widget wiring stay in
dashboard.py; what the page is showing (the day, the place, the view, the filters) is here.
"""
