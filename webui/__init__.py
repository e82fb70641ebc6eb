"""The dashboard's Streamlit glue, one job per module; the only package besides the pages that imports Streamlit.

data: the cached connection, a cursor per query, cached named reads; first_run: the bundled database on a
fresh machine; language: ?lang= and the catalogues; filters: the sidebar filters and the URL; components:
labels, badges, cards and safe markdown; downloads: CSV, template and meeting-pack buttons; imports: upload
checks and the import through the single writer; pages: the one registry of page files, titles and URLs.
"""
