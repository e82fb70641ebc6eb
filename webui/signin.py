"""The sidebar's "who you are" box on every page: sign in and out (st.login / st.logout) where an OpenID
Connect provider is configured, otherwise the identity mode in words, and the visitor's role.

What it shows follows webui.identity (the same Principal the service layer is given), so the box never says
more than the writer will allow. Names and emails come from the provider: shown as text, never markdown.
"""
from __future__ import annotations

import streamlit as st

from monitor import auth
from webui import identity
from webui.components import md, small
from webui.language import tr


def _role(person: auth.Principal) -> str:
    return tr("signin.role", role=tr(f"signin.role_{person.role}"))


def _text(box, *lines: str, said: tuple[str, ...] = ()) -> None:
    """The box's words as one element: the heading, `lines` as they are, `said` in a caption's look."""
    box.markdown("\n\n".join((f"**{tr('signin.heading')}**", *lines, *map(small, said))))


def _oidc(person: auth.Principal, box) -> None:
    user = identity.user()
    if not user.get("is_logged_in"):
        _text(box, said=(tr("signin.public"),))
        for provider in identity.providers():
            label = tr("signin.sign_in_with", provider=provider.title()) if provider else tr("signin.sign_in")
            if box.button(label, key=f"sign_in_{provider or 'default'}", icon=":material/login:"):
                st.login(provider) if provider else st.login()
        return
    email = str(user.get("email") or "")
    said = (md(email),) if user.get("name") and email else ()
    if not person.signed_in:
        said += (tr("signin.unverified", email=md(email)),)
    _text(box, tr("signin.as", name=md(user.get("name") or email)), said=(*said, _role(person)))
    if box.button(tr("signin.sign_out"), key="sign_out", icon=":material/logout:"):
        st.logout()


def sidebar() -> None:
    """Draw the box; call once per run, from the entry point, so every page has it. Its words are one element
    (every page sends each element of it)."""
    person, mode = identity.principal(), identity.mode()
    box = st.sidebar.container(border=True, key="identity")
    if mode == "oidc":
        _oidc(person, box)
        return
    if mode == "proxy":
        said = tr("signin.proxy_as", email=md(person.email)) if person.signed_in else tr("signin.proxy_nobody")
    elif mode == "local_owner":
        said = tr("signin.local_owner", who=md(person.actor))
    else:
        said = tr("signin.read_only")
    _text(box, said=(said, _role(person)))
