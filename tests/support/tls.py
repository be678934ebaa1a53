"""A private certificate authority and an HTTPS proxy that serves a real Redmine under it.

`PrivateCA` is what a company runs: a root made here with `cryptography`, signing a
certificate for 127.0.0.1. `RedmineBehindTLS` serves the real Redmine at
`https://127.0.0.1:<port><prefix>/` with that certificate, as a company's reverse proxy
does with a Redmine installed under a sub-path (`https://example.com/redmine/`): the
prefix is taken off the way in, and Redmine's own absolute URLs in its answers (an
attachment's `content_url`) are given the public base, as a Redmine configured for that
sub-path writes them.
"""

from __future__ import annotations

import datetime
import ipaddress
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from tests.support.fakeslack import free_port

# Hop-by-hop headers (RFC 9110 section 7.6.1) and the ones the proxy recomputes.
_NOT_FORWARDED = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "te", "upgrade", "host", "content-length"}
)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


class PrivateCA:
    """A root CA and one server certificate for 127.0.0.1, written as PEM files in `folder`."""

    def __init__(self, folder: Path, name: str = "Example Corp Root CA") -> None:
        now = datetime.datetime.now(datetime.UTC)
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_cert = (
            x509.CertificateBuilder()
            .subject_name(_name(name))
            .issuer_name(_name(name))
            .public_key(ca_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .sign(ca_key, hashes.SHA256())
        )
        server_key = ec.generate_private_key(ec.SECP256R1())
        server_cert = (
            x509.CertificateBuilder()
            .subject_name(_name("redmine.example.internal"))
            .issuer_name(ca_cert.subject)
            .public_key(server_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(
                x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False,
            )
            .add_extension(
                x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
            )
            .sign(ca_key, hashes.SHA256())
        )
        folder.mkdir(parents=True, exist_ok=True)
        self.bundle = folder / "company-ca.pem"
        self.bundle.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
        self.cert_file = folder / "redmine.pem"
        self.cert_file.write_bytes(server_cert.public_bytes(serialization.Encoding.PEM))
        self.key_file = folder / "redmine-key.pem"
        self.key_file.write_bytes(_pem_key(server_key))


class _Proxy:
    """The ASGI reverse proxy: `<prefix>/x` -> `<upstream>/x`, bodies rewritten to the public base."""

    def __init__(self, upstream: str, prefix: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.prefix = prefix.rstrip("/")
        self.public_base = ""  # set once the port is known
        self.requests: list[str] = []  # the paths asked, as the client sent them

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        path = request.url.path
        self.requests.append(path)
        if not (path == self.prefix or path.startswith(self.prefix + "/")):
            await Response("not under the sub-path", status_code=404)(scope, receive, send)
            return
        inner = path[len(self.prefix) :] or "/"
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _NOT_FORWARDED}
        async with httpx.AsyncClient(base_url=self.upstream, timeout=60.0) as http:
            answer = await http.request(
                request.method,
                inner,
                params=list(request.query_params.multi_items()),
                headers=headers,
                content=await request.body(),
            )
        body = answer.content.replace(
            self.upstream.encode() + b"/", self.public_base.encode() + b"/"
        )
        out = {k: v for k, v in answer.headers.items() if k.lower() not in _NOT_FORWARDED}
        out.pop("content-encoding", None)  # httpx has decoded the body
        if "location" in out:
            out["location"] = out["location"].replace(self.upstream + "/", self.public_base + "/")
        await Response(body, status_code=answer.status_code, headers=out)(scope, receive, send)


class RedmineBehindTLS:
    """The real Redmine at `https://127.0.0.1:<port><prefix>/`, certificate from `ca`."""

    def __init__(self, upstream: str, ca: PrivateCA, *, prefix: str = "/redmine") -> None:
        self.port = free_port()
        self.proxy = _Proxy(upstream, prefix)
        self.url = f"https://127.0.0.1:{self.port}{self.proxy.prefix}/"
        self.proxy.public_base = self.url.rstrip("/")
        config = uvicorn.Config(
            self.proxy,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="off",
            ssl_certfile=str(ca.cert_file),
            ssl_keyfile=str(ca.key_file),
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> RedmineBehindTLS:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the TLS proxy did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)

    def __enter__(self) -> RedmineBehindTLS:
        return self.start()

    def __exit__(self, *_: Any) -> None:
        self.stop()
