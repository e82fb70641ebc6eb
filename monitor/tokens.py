"""Personal API tokens: make a secret (shown once), keep its sha256, and find the person a presented secret
belongs to. The writes (insert, revoke, last use) are monitor/store.py's."""
from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass

from monitor import auth, store

PREFIX = "mtk_"
ISSUER = "api_token"


@dataclass(frozen=True)
class Token:
    token_id: str
    email: str
    role: str
    revoked: bool

    def principal(self) -> auth.Principal:
        return auth.Principal(self.email, self.role, ISSUER, f"token {self.token_id}")


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create(principal: auth.Principal, con, email: str, role: str) -> tuple[str, str]:
    """A new token for `email` with `role`: (token_id, secret). Only the secret's sha256 is stored."""
    email = email.strip().lower()
    if not auth.EMAIL.fullmatch(email):
        raise ValueError(f"{email!r} is not an email address: a token acts as a person")
    token_id = "tok_" + uuid.uuid4().hex[:12]
    secret = PREFIX + secrets.token_urlsafe(32)
    store.insert_token(principal, con, token_id, digest(secret), email, role)
    return token_id, secret


def find(con, secret: str) -> Token | None:
    """The token a presented secret belongs to (revoked ones included), or None. Every stored hash is compared
    in constant time, so neither the answer's time nor an early exit says how close a guess came."""
    if not secret:
        return None
    presented = digest(secret)
    rows = con.execute("select token_id, secret_sha256, email, role, revoked_at is not null from api_token").fetchall()
    match = None
    for token_id, stored, email, role, revoked in rows:
        if hmac.compare_digest(stored, presented):
            match = Token(token_id, email, role, bool(revoked))
    return match


def listing(con) -> list[dict]:
    """Every token, newest first: ids, emails, roles and dates (never a secret or its hash)."""
    rows = con.execute("select token_id, email, role, created_at, created_by, revoked_at, last_used_at from api_token "
                       "order by created_at desc, token_id").fetchall()
    names = ("token_id", "email", "role", "created_at", "created_by", "revoked_at", "last_used_at")
    return [dict(zip(names, r)) for r in rows]
