"""The survey link: the invitation's id and nonce, signed with the secret key and a salt of its
own. A tampered token fails the signature; an expired or answered invitation is refused by the
invitation's own state, so the link is single-use and expires with it."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "shouhou.feedback.survey-link"
# Where the customer's phone reaches the site; settings.PUBLIC_BASE_URL when the deployment
# sets it (see the report to the lead), else the local default.
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class LinkClaim:
    invitation_id: int
    nonce: str


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def make_token(*, invitation_id: int, nonce: str) -> str:
    return _signer().sign(f"{invitation_id}.{nonce}")


def read_token(token: str) -> LinkClaim | None:
    """The claim of a well-signed token; None when it was tampered with or is malformed."""
    try:
        value = _signer().unsign(token)
    except signing.BadSignature:
        return None
    identifier, _, nonce = value.partition(".")
    if not identifier.isdigit() or not nonce:
        return None
    return LinkClaim(invitation_id=int(identifier), nonce=nonce)


def public_url(path: str) -> str:
    base = str(getattr(settings, "PUBLIC_BASE_URL", "") or DEFAULT_BASE_URL).rstrip("/")
    return f"{base}{path}"


def survey_url(*, invitation_id: int, nonce: str) -> str:
    token = make_token(invitation_id=invitation_id, nonce=nonce)
    return public_url(reverse("feedback:survey", args=[token]))
