"""Personal Redmine API keys at rest: Fernet with a key derived from SECRET_KEY."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


class CryptoError(Exception):
    """The stored key cannot be read: SECRET_KEY is missing or changed."""


def _fernet(secret_key: str | None) -> Fernet:
    if not secret_key:
        raise CryptoError("SECRET_KEY is not set, so personal API keys cannot be stored or read.")
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"redmine-slack", info=b"personal-api-keys"
    ).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def encrypt(plaintext: str, secret_key: str | None) -> str:
    return _fernet(secret_key).encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str, secret_key: str | None) -> str:
    try:
        return _fernet(secret_key).decrypt(ciphertext.encode()).decode()
    except InvalidToken:
        raise CryptoError(
            "A stored API key was encrypted with another SECRET_KEY; the person must "
            "/redmine connect again."
        ) from None
