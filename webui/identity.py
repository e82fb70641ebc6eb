"""Who is using the dashboard: the identity mode from the server's configuration, and the acting Principal.

The rules are monitor.auth's (identity_mode, principal_from_user); this module only reads what Streamlit
knows: whether an [auth] section is configured (st.login) and which providers it names, whether trusted
user headers are set, which address the server listens on, and st.user; and it reads the roles file again
when the file changes, each version audited (monitor.store.record_roles_reload).
"""
from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from monitor import auth, store
from webui.data import WRITE_LOCK, connection


def _auth_section() -> Mapping:
    try:
        return st.secrets.get("auth") or {}
    except FileNotFoundError:  # no secrets.toml at all
        return {}


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False


def providers() -> list[str | None]:
    """The sign-in choices, as st.login takes them: None for the [auth] section's own provider, then each
    [auth.NAME] section with a client_id (which every provider needs)."""
    section = _auth_section()
    named = [name for name, value in section.items() if isinstance(value, Mapping) and "client_id" in value]
    return ([None] if "client_id" in section else []) + named


def _roles() -> auth.RoleMap:
    """The roles file as it is now: read again when its modification time changes, so an edit takes effect
    without a restart (a malformed file stops the app with its own clear message)."""
    path = auth.roles_path()
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        stamp = None
    return _roles_as_of(str(path.resolve()), stamp)


@st.cache_resource(show_spinner=False, max_entries=4)
def _roles_as_of(path: str, stamp: int | None) -> auth.RoleMap:
    """Read once per version of the file (`path` and `stamp` are the cache key), and audited through the writer
    when it is not the version audited last."""
    roles = auth.load_roles()
    with WRITE_LOCK:
        cur = connection().cursor()
        try:
            store.record_roles_reload(auth.system("roles-file"), cur, roles)
        finally:
            cur.close()
    return roles


WHO = "_who"  # session state: (identity mode, acting Principal) of this run, decided at its start (start_run)


def start_run() -> auth.Principal:
    """Decide who is acting, once at the start of every run (the entry point calls this): the navigation, the sidebar,
    the page and its writes then speak for the same person, and st.user, the secrets and the roles file are read
    once a run rather than at each question (three times a run cost a warm page 3 ms). Returns the Principal."""
    how = _mode()
    person = auth.principal_from_user(user(), _roles(), how)
    st.session_state[WHO] = (how, person)
    return person


def _mode() -> str:
    return auth.identity_mode(oidc_configured=_oidc_configured(),
                              proxy_header_configured=bool(st.get_option("server.trustedUserHeaders")),
                              server_address=st.get_option("server.address"))


def mode() -> str:
    """This run's identity mode (oidc, proxy, local_owner, read_only)."""
    if WHO not in st.session_state:
        start_run()
    return st.session_state[WHO][0]


def user() -> dict:
    """What Streamlit says about the visitor (st.user as a plain mapping; empty with no identity source)."""
    return st.user.to_dict()


def principal() -> auth.Principal:
    """The acting person of this run; public unless an identity source says otherwise."""
    if WHO not in st.session_state:
        start_run()
    return st.session_state[WHO][1]
