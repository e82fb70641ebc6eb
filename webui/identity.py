"""Who is using the dashboard: the identity mode from the server's configuration, and the acting Principal.

The rules are monitor.auth's (identity_mode, principal_from_user); this module only reads what Streamlit
knows: whether an [auth] section is configured (st.login), whether trusted user headers are set, which
address the server listens on, and st.user.
"""
from __future__ import annotations

import streamlit as st

from monitor import auth


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets.toml at all
        return False


@st.cache_resource(show_spinner=False)
def _roles() -> auth.RoleMap:
    """The roles file, read once per process (a malformed file stops the app with its own clear message)."""
    return auth.load_roles()


def mode() -> str:
    return auth.identity_mode(oidc_configured=_oidc_configured(),
                              proxy_header_configured=bool(st.get_option("server.trustedUserHeaders")),
                              server_address=st.get_option("server.address"))


def principal() -> auth.Principal:
    """The acting person of this session; public unless an identity source says otherwise."""
    return auth.principal_from_user(st.user.to_dict(), _roles(), mode())
