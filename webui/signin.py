"""The sidebar's "who you are" box on every page: sign in and out (st.login / st.logout) where an OpenID
Connect provider is configured, otherwise the identity mode in words, and the visitor's role.

What it shows follows webui.identity (the same Principal the service layer is given), so the box never says
more than the writer will allow. Names and emails come from the provider: shown as text, never markdown.
"""
from __future__ import annotations

import streamlit as st

from monitor import auth
from webui import identity
from webui.components import md
from webui.language import tr


def _role(person: auth.Principal, box) -> None:
    box.caption(tr("signin.role", role=tr(f"signin.role_{person.role}")))


def _oidc(person: auth.Principal, box) -> None:
    user = identity.user()
    if not user.get("is_logged_in"):
        box.caption(tr("signin.public"))
        for provider in identity.providers():
            label = tr("signin.sign_in_with", provider=provider.title()) if provider else tr("signin.sign_in")
            if box.button(label, key=f"sign_in_{provider or 'default'}", icon=":material/login:"):
                st.login(provider) if provider else st.login()
        return
    email = str(user.get("email") or "")
    box.markdown(tr("signin.as", name=md(user.get("name") or email)))
    if user.get("name") and email:
        box.caption(md(email))
    if not person.signed_in:
        box.caption(tr("signin.unverified", email=md(email)))
    _role(person, box)
    if box.button(tr("signin.sign_out"), key="sign_out", icon=":material/logout:"):
        st.logout()


def sidebar() -> None:
    """Draw the box; call once per run, from the entry point, so every page has it."""
    person, mode = identity.principal(), identity.mode()
    box = st.sidebar.container(border=True, key="identity")
    box.markdown(f"**{tr('signin.heading')}**")
    if mode == "oidc":
        _oidc(person, box)
        return
    if mode == "proxy":
        box.caption(tr("signin.proxy_as", email=md(person.email)) if person.signed_in else tr("signin.proxy_nobody"))
    elif mode == "local_owner":
        box.caption(tr("signin.local_owner", who=md(person.actor)))
    else:
        box.caption(tr("signin.read_only"))
    _role(person, box)
