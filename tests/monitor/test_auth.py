"""Principals, the roles file and the identity modes: default deny, clear errors, no silent escalation."""
from __future__ import annotations

import pytest

from monitor import auth
from monitor.auth import NotAllowed, Principal, RolesFileError

EXAMPLE = """
[roles]
"officer@ogp.example" = "support_unit"
"Lead@OGP.example" = "admin"
"@civil.example" = "civil_society"
"former.partner@civil.example" = "public"
"""


def roles_file(tmp_path, text: str):
    path = tmp_path / "roles.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def roles(tmp_path):
    return auth.load_roles(roles_file(tmp_path, EXAMPLE))


@pytest.mark.parametrize("email, role", [
    ("officer@ogp.example", "support_unit"),
    ("OFFICER@ogp.Example", "support_unit"),          # emails ignore case
    ("lead@ogp.example", "admin"),                     # and so do the file's keys
    ("ana@civil.example", "civil_society"),            # the domain's role
    ("former.partner@civil.example", "public"),        # an exact email wins over its domain
    ("someone@ogp.example", "public"),                 # a known domain only when listed
    ("ana@sub.civil.example", "public"),               # a subdomain is another domain
    ("ana@civil.example.evil", "public"),
    ("", "public"), (None, "public"), ("not an email", "public"), ("@civil.example", "public"),
])
def test_roles_file_maps_emails_and_domains(roles, email, role):
    assert roles.role_for(email) == role


def test_the_example_file_is_valid():
    example = auth.load_roles(auth.config.ROOT / "config" / "roles.example.toml")
    assert example.role_for("officer@ogp.example") == "support_unit"


def test_no_default_file_means_everyone_is_public(tmp_path, monkeypatch):
    monkeypatch.delenv("MONITOR_ROLES", raising=False)
    monkeypatch.setattr(auth.config, "SETTINGS", tuple(
        auth.config.Setting(s.name, str(tmp_path / "absent.toml") if s.name == "MONITOR_ROLES" else s.default, s.help)
        for s in auth.config.SETTINGS))
    assert auth.load_roles().role_for("officer@ogp.example") == "public"


def test_a_named_file_that_is_missing_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv("MONITOR_ROLES", str(tmp_path / "typo.toml"))
    with pytest.raises(RolesFileError, match="typo.toml"):
        auth.load_roles()


@pytest.mark.parametrize("text, words", [
    ('[roles]\n"officer@ogp.example" = "editor"\n', ["officer@ogp.example", "'editor'", "support_unit"]),
    ('[roles]\n"officer@ogp.example" = "Admin"\n', ["officer@ogp.example", "'Admin'"]),
    ('[roles]\n"officer@ogp.example" = 3\n', ["officer@ogp.example", "3"]),
    ('[roles]\n"officer" = "support_unit"\n', ["'officer'", "not an email"]),
    ('[roles]\n"@civil" = "civil_society"\n', ["'@civil'", "domain"]),
    ('[roles]\n"@ogp.example" = "admin"\n', ["'@ogp.example'", "admin", "never to a whole domain"]),
    ('[roles]\n"A@ogp.example" = "admin"\n"a@ogp.example" = "public"\n', ["'a@ogp.example'", "repeats"]),
    ('[role]\n"officer@ogp.example" = "support_unit"\n', ["'role'"]),
    ('"officer@ogp.example" = "support_unit"\n', ["officer@ogp.example"]),
    ('[roles]\n"officer@ogp.example" = support_unit\n', ["not valid TOML"]),
    ('roles = "admin"\n', ["no [roles] table"]),
])
def test_malformed_file_is_a_clear_error_naming_file_key_and_value(tmp_path, text, words):
    path = roles_file(tmp_path, text)
    with pytest.raises(RolesFileError) as raised:
        auth.load_roles(path)
    message = str(raised.value)
    assert str(path) in message
    for word in words:
        assert word in message, message


def test_empty_roles_table_is_allowed_and_public(tmp_path):
    assert auth.load_roles(roles_file(tmp_path, "[roles]\n")).role_for("a@b.example") == "public"


def test_principal_is_frozen_ordered_and_checked():
    staff = Principal("Officer@OGP.example", "support_unit", "oidc", "Officer")
    assert staff.email == "officer@ogp.example" and staff.actor == "officer@ogp.example"
    with pytest.raises(AttributeError):
        staff.role = "admin"  # type: ignore[misc]
    with pytest.raises(ValueError, match="unknown role"):
        Principal("x@y.example", "editor", "oidc")
    assert staff.at_least("civil_society") and staff.at_least("support_unit") and not staff.at_least("admin")
    assert auth.ANONYMOUS.actor == "anonymous" and not auth.ANONYMOUS.signed_in


def test_not_allowed_says_who_what_and_which_role():
    cso = Principal("ana@civil.example", "civil_society", "oidc")
    with pytest.raises(NotAllowed) as raised:
        auth.require(cso, "support_unit", "import files")
    assert str(raised.value) == ("ana@civil.example (civil_society) may not import files: "
                                 "that needs the role support_unit or admin")
    with pytest.raises(NotAllowed, match="anonymous visitor"):
        auth.require(auth.ANONYMOUS, "civil_society", "submit progress")
    assert isinstance(raised.value, PermissionError)
    with pytest.raises(TypeError, match="Principal comes first"):
        auth.require("officer@ogp.example", "support_unit", "import files")  # type: ignore[arg-type]


def test_command_line_acts_as_the_operating_system_user(monkeypatch):
    monkeypatch.setattr(auth.getpass, "getuser", lambda: "maria")
    assert auth.os_user() == Principal("os:maria", "support_unit", "os", "maria")
    assert auth.local_owner() == Principal("local:maria", "support_unit", "local", "maria")


@pytest.mark.parametrize("oidc, proxy, address, mode", [
    (True, False, None, "oidc"),
    (True, False, "127.0.0.1", "oidc"),
    (False, True, "127.0.0.1", "proxy"),
    (False, True, "::1", "proxy"),
    (False, True, "0.0.0.0", "read_only"),      # a proxy header the world can send directly is spoofable
    (False, True, None, "read_only"),
    (False, False, "127.0.0.1", "local_owner"),
    (False, False, "localhost", "local_owner"),
    (False, False, "127.0.0.2", "local_owner"),
    (False, False, "[::1]", "local_owner"),
    (False, False, None, "read_only"),          # Streamlit's default: every interface
    (False, False, "", "read_only"),
    (False, False, "0.0.0.0", "read_only"),
    (False, False, "192.168.1.10", "read_only"),
    (False, False, "example.org", "read_only"),
])
def test_identity_mode(oidc, proxy, address, mode):
    assert auth.identity_mode(oidc_configured=oidc, proxy_header_configured=proxy, server_address=address) == mode


def test_identity_mode_refuses_two_sources():
    with pytest.raises(ValueError, match="choose one"):
        auth.identity_mode(oidc_configured=True, proxy_header_configured=True, server_address="127.0.0.1")


@pytest.mark.parametrize("user, mode, expected", [
    ({}, "oidc", ("", "public")),                                                    # no [auth]: st.user is {}
    ({"is_logged_in": False}, "oidc", ("", "public")),
    ({"is_logged_in": True, "email": "Officer@ogp.example"}, "oidc", ("officer@ogp.example", "support_unit")),
    ({"is_logged_in": True, "email": "officer@ogp.example", "email_verified": False}, "oidc", ("", "public")),
    ({"is_logged_in": True, "email": "stranger@else.example"}, "oidc", ("stranger@else.example", "public")),
    ({"is_logged_in": True}, "oidc", ("", "public")),
    ({"email": "ana@civil.example"}, "proxy", ("ana@civil.example", "civil_society")),
    ({"email": "officer@ogp.example"}, "read_only", ("", "public")),                 # a forged header is ignored
])
def test_principal_from_user(roles, user, mode, expected):
    who = auth.principal_from_user(user, roles, mode)
    assert (who.email, who.role) == expected


def test_local_owner_is_an_editor_not_an_admin(roles):
    who = auth.principal_from_user({}, roles, "local_owner")
    assert who.role == "support_unit" and who.issuer == "local"
