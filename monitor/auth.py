"""Who is acting, and what their role allows: principals, the roles file, and how the app learns identity.

Default deny: anyone the roles file does not name, and anyone not signed in, is `public`. Roles are
ordered (public < civil_society < support_unit < admin); the service layer (monitor/store.py,
monitor/work.py) checks them on every write, so hiding a button is never the only protection.
See docs/deployment.md for the roles file and the identity modes.
"""
from __future__ import annotations

import getpass
import hashlib
import ipaddress
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from monitor import config

ROLES = ("public", "civil_society", "support_unit", "admin")  # each may do what the ones before it may
PUBLIC_ROLE, CIVIL_SOCIETY, SUPPORT_UNIT, ADMIN = ROLES
IDENTITY_MODES = ("oidc", "proxy", "local_owner", "read_only")

EMAIL = re.compile(r"[^@\s]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+")
DOMAIN = re.compile(r"@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+")


class NotAllowed(PermissionError):
    """A principal asked for something its role does not allow; the message says who, what, and what is needed."""


class RolesFileError(ValueError):
    """The roles file cannot be trusted as written: nobody gets a role from it until it is fixed."""


@dataclass(frozen=True)
class Principal:
    """The one acting: an email (or `os:`/`local:`/`system:` name), a role, and who vouched for the identity."""

    email: str
    role: str
    issuer: str
    name: str = ""

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}: one of {', '.join(ROLES)}")
        object.__setattr__(self, "email", self.email.strip().lower())

    @property
    def actor(self) -> str:
        """What the audit log and the import history record as the actor."""
        return self.email or "anonymous"

    @property
    def signed_in(self) -> bool:
        return bool(self.email)

    def at_least(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)

    def describe(self) -> str:
        return f"{self.actor} ({self.role})" if self.signed_in else "an anonymous visitor (public)"


ANONYMOUS = Principal("", PUBLIC_ROLE, "none")


def require(principal: Principal, role: str, action: str) -> None:
    """Refuse unless the principal holds `role` or a higher one."""
    if not isinstance(principal, Principal):
        raise TypeError(f"{action}: the acting Principal comes first, not {type(principal).__name__}")
    if not principal.at_least(role):
        higher = ROLES[ROLES.index(role):]
        raise NotAllowed(f"{principal.describe()} may not {action}: that needs the role {' or '.join(higher)}")


def require_exactly(principal: Principal, role: str, action: str, why: str) -> None:
    """Refuse unless the principal holds exactly `role` (staff must not act as civil society)."""
    if not isinstance(principal, Principal):
        raise TypeError(f"{action}: the acting Principal comes first, not {type(principal).__name__}")
    if principal.role != role:
        raise NotAllowed(f"{principal.describe()} may not {action}: that needs the role {role} ({why})")


def os_user() -> Principal:
    """The command line acts as the operating-system user: whoever can run it can open the file anyway."""
    user = getpass.getuser()
    return Principal(f"os:{user}", SUPPORT_UNIT, "os", user)


def local_owner() -> Principal:
    """The person at the machine, when the dashboard listens on loopback only (identity mode local_owner)."""
    user = getpass.getuser()
    return Principal(f"local:{user}", SUPPORT_UNIT, "local", user)


def system(name: str) -> Principal:
    """The monitor itself, building the database from its bundled files (`init`, first run)."""
    return Principal(f"system:{name}", SUPPORT_UNIT, "system", name)


# --- the roles file --------------------------------------------------------------------------------

@dataclass(frozen=True)
class RoleMap:
    """Emails and @domains to roles; an exact email wins over its domain; anyone else is public."""

    exact: Mapping[str, str] = field(default_factory=dict)
    domains: Mapping[str, str] = field(default_factory=dict)
    path: Path | None = None
    sha256: str | None = None  # of the file's bytes, so an audit row names the version that was read

    def entries(self) -> dict[str, str]:
        """Every email and @domain with its role, as the audit trail records a reload."""
        return dict(sorted({**self.exact, **self.domains}.items()))

    def role_for(self, email: str | None) -> str:
        email = (email or "").strip().lower()
        if not EMAIL.fullmatch(email):
            return PUBLIC_ROLE
        if email in self.exact:
            return self.exact[email]
        return self.domains.get("@" + email.rsplit("@", 1)[1], PUBLIC_ROLE)


def roles_path(explicit: str | os.PathLike | None = None) -> Path:
    """--roles, else $MONITOR_ROLES, else config/roles.toml."""
    return Path(explicit) if explicit else Path(config.setting("MONITOR_ROLES"))


def load_roles(path: str | os.PathLike | None = None) -> RoleMap:
    """Read and check the roles file. A missing default file means no roles: everyone is public.

    A file named explicitly (argument or $MONITOR_ROLES) must exist. Anything malformed raises
    RolesFileError naming the file, the key and the value: never a silent public-for-all or admin-for-all.
    """
    explicit = path is not None or bool(os.environ.get("MONITOR_ROLES"))
    path = roles_path(path)
    if not path.exists():
        if explicit:
            raise RolesFileError(f"{path}: roles file not found (named by MONITOR_ROLES or the caller)")
        return RoleMap(path=None)
    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RolesFileError(f"{path}: not valid TOML: {exc}") from exc
    return replace(parse_roles(data, path), sha256=hashlib.sha256(raw).hexdigest())


def parse_roles(data: Mapping, path: Path | str = "<roles>") -> RoleMap:
    """Check the parsed file: one [roles] table of "email" or "@domain" = "role"."""
    extra = sorted(set(data) - {"roles"})
    if extra:
        raise RolesFileError(f"{path}: unknown key {extra[0]!r}: the file holds one [roles] table")
    table = data.get("roles")
    if not isinstance(table, Mapping):
        raise RolesFileError(f"{path}: no [roles] table: write [roles] and then lines such as "
                             '"officer@ogp.example" = "support_unit"')
    exact: dict[str, str] = {}
    domains: dict[str, str] = {}
    seen: dict[str, str] = {}
    for key, role in table.items():
        folded = key.strip().lower()
        if not isinstance(role, str) or role not in ROLES:
            raise RolesFileError(f"{path}: key {key!r}: unknown role {role!r}; allowed: {', '.join(ROLES)}")
        if folded in seen:
            raise RolesFileError(f"{path}: key {key!r} repeats {seen[folded]!r} (emails ignore case)")
        seen[folded] = key
        if folded.startswith("@"):
            if not DOMAIN.fullmatch(folded):
                raise RolesFileError(f"{path}: key {key!r}: not a domain such as \"@civil.example\"")
            if role == ADMIN:
                raise RolesFileError(f"{path}: key {key!r}: value {role!r}: admin is given to named people only, "
                                     "never to a whole domain")
            domains[folded] = role
        elif EMAIL.fullmatch(folded):
            exact[folded] = role
        else:
            raise RolesFileError(f"{path}: key {key!r}: not an email address or an @domain")
    return RoleMap(exact, domains, Path(path))


# --- identity --------------------------------------------------------------------------------------

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def is_loopback(address: str | None) -> bool:
    """True when the server listens on the local machine only; empty means every interface (Streamlit's default)."""
    address = (address or "").strip().strip("[]").lower()
    if not address:
        return False
    if address in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def identity_mode(*, oidc_configured: bool, proxy_header_configured: bool, server_address: str | None) -> str:
    """Where the dashboard gets identity from (pure: the UI passes what it read from its configuration).

    - oidc: an [auth] section is configured, so people sign in with st.login;
    - proxy: server.trustedUserHeaders is set and the server listens on loopback only, behind a proxy
      that strips client-sent headers (reachable directly, the header is spoofable: read_only instead);
    - local_owner: neither, on loopback only: the person at the machine is an editor (support_unit);
    - read_only: neither, on any other address: everyone is public.
    """
    if oidc_configured and proxy_header_configured:
        raise ValueError("both st.login ([auth] secrets) and server.trustedUserHeaders are configured: "
                         "choose one source of identity")
    if oidc_configured:
        return "oidc"
    loopback = is_loopback(server_address)
    if proxy_header_configured:
        return "proxy" if loopback else "read_only"
    return "local_owner" if loopback else "read_only"


def principal_from_user(user: Mapping, roles: RoleMap, mode: str) -> Principal:
    """The principal for what Streamlit says about the visitor (a plain mapping of st.user), in `mode`.

    Use st.user.get(...) semantics: with no [auth] section st.user is empty. An OIDC identity whose
    provider says the email is not verified is public.
    """
    if mode not in IDENTITY_MODES:
        raise ValueError(f"unknown identity mode {mode!r}")
    if mode == "local_owner":
        return local_owner()
    if mode == "read_only":
        return ANONYMOUS
    email = str(user.get("email") or "").strip().lower()
    if mode == "oidc" and (not user.get("is_logged_in", False) or user.get("email_verified") is False):
        return ANONYMOUS
    if not email:
        return ANONYMOUS
    issuer = str(user.get("iss") or mode) if mode == "oidc" else "proxy"
    return Principal(email, roles.role_for(email), issuer, str(user.get("name") or ""))
