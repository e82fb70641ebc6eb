"""The Data page's link check: every cited address checked now, with a progress bar, the results kept through
the one writer (monitor.store.record_link_checks), then every cached read cleared so pages mark dead links."""
from __future__ import annotations

from collections import Counter

import streamlit as st

from monitor import linkcheck, store
from webui.data import WRITE_LOCK, connection, cursor, start_run
from webui.language import tr


def check_cited_links(principal) -> tuple[bool, Counter]:
    """Check every cited link (Support Unit only); (network_down, outcomes). With the network down nothing is
    recorded, so nothing is marked dead."""
    with cursor() as cur:
        from monitor import queries

        urls = queries.cited_links(cur)
    bar = st.progress(0.0, text=tr("story.check_progress", done=0, total=len(urls)))

    def moved(done: int, total: int, result) -> None:
        bar.progress(done / total, text=tr("story.check_progress", done=done, total=total))

    results = linkcheck.check_all(urls, progress=moved)
    bar.empty()
    if linkcheck.network_down(results):
        return True, Counter()
    with WRITE_LOCK:
        cur = connection().cursor()
        try:
            store.record_link_checks(principal, cur, results)
        finally:
            cur.close()
    st.cache_data.clear()
    start_run()
    return False, Counter(r.outcome for r in results)
