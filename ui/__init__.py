"""The Streamlit side shared by the pages: page frame and sidebar, data state, caches, chart helpers."""
