#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Smoke test of op.py: a small relying party (requests + joserfc, independent of idpyoidc) runs every flow the
Swift flows tests need against a freshly started op.py, and exits 0 only if each check passed.

    python3 rp_smoke.py [--python PATH]

It prints one line per check and a closing line 'smoke: N passed, M failed'.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import html.parser
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

import warnings

import requests
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet, RSAKey

# joserfc flags "EdDSA" as deprecated by RFC 9864 (fully-specified "Ed25519"); idpyoidc signs with "EdDSA".
warnings.filterwarnings("ignore", message=".*EdDSA is deprecated.*")

HERE = os.path.dirname(os.path.abspath(__file__))
REDIRECT = "http://127.0.0.1:53124/callback"  # nothing listens there: the redirect is read, never followed
ALL_SCOPES = "openid profile email offline_access"
# Characters that RFC 6749 §2.3.1 form-urlencoding changes, so client_secret_basic is tested for real.
BASIC_SECRET = "smoke basic+secret/=%:&é-0123456789"
HASHES = {"256": hashlib.sha256, "384": hashlib.sha384, "512": hashlib.sha512}


class Failure(Exception):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise Failure(message)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def left_hash(value: str, alg: str) -> str:
    """OIDC Core §3.3.2.11: left half of the hash of the ASCII value, with the hash of the JWS alg."""
    if alg in ("EdDSA", "Ed25519"):
        digest = hashlib.sha512(value.encode("ascii")).digest()
    else:
        digest = HASHES[alg[-3:]](value.encode("ascii")).digest()
    return b64url(digest[: len(digest) // 2])


class FormParser(html.parser.HTMLParser):
    """Collects the action and the hidden inputs of the first form of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.method: str | None = None
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and self.action is None:
            self.action = a.get("action", "")
            self.method = a.get("method", "get").lower()
        elif tag == "input" and a.get("name"):
            self.fields[a["name"]] = a.get("value", "")


def parse_form(page: str) -> FormParser:
    parser = FormParser()
    parser.feed(page)
    return parser


# --------------------------------------------------------------------------------------------------------------


class Provider:
    def __init__(self, python: str, args: list[str]):
        started = time.monotonic()
        self.stderr = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen(
            [python, os.path.join(HERE, "op.py"), "--port", "0", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            text=True,
        )
        line = self.proc.stdout.readline()
        self.startup = time.monotonic() - started
        if not line:
            self.stderr.seek(0)
            raise Failure(f"op.py printed no readiness line; stderr:\n{self.stderr.read()[-3000:]}")
        self.ready = json.loads(line)
        self.issuer: str = self.ready["issuer"]
        self.discovery: dict[str, Any] = requests.get(self.issuer + "/.well-known/openid-configuration", timeout=5).json()
        self.jwks = KeySet.import_key_set(requests.get(self.discovery["jwks_uri"], timeout=5).json())

    def stop(self) -> float:
        """Closes stdin (as a crashed test would) and returns how long op.py took to exit."""
        started = time.monotonic()
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise Failure("op.py did not exit within 5 s of stdin closing")
        return time.monotonic() - started

    def log_tail(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read()[-4000:]


class Client:
    def __init__(self, op: Provider, client_id: str, method: str, alg: str, secret: str | None = None, key=None,
                 redirect_uri: str = REDIRECT):
        self.op = op
        self.redirect_uri = redirect_uri
        self.client_id = client_id
        self.method = method
        self.alg = alg
        self.secret = secret
        self.key = key  # private key for private_key_jwt

    # -- front channel ------------------------------------------------------------------------------------

    def authorize(self, response_type: str, response_mode: str | None, scope: str = ALL_SCOPES, **extra: str) -> dict[str, Any]:
        """Runs the authorization request headlessly; returns the parsed response plus what the RP must keep."""
        verifier = b64url(secrets.token_bytes(32))
        session = {
            "state": b64url(secrets.token_bytes(16)),
            "nonce": b64url(secrets.token_bytes(16)),
            "verifier": verifier,
        }
        params = {
            "response_type": response_type,
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": scope,
            "state": session["state"],
            "nonce": session["nonce"],
            "code_challenge": b64url(hashlib.sha256(verifier.encode("ascii")).digest()),
            "code_challenge_method": "S256",
        }
        if "offline_access" in scope.split():
            params["prompt"] = "consent"  # idpyoidc refuses offline_access without it (OIDC Core §11)
        if response_mode:
            params["response_mode"] = response_mode
        params.update(extra)
        params = {k: v for k, v in params.items() if v is not None}
        resp = requests.get(self.op.discovery["authorization_endpoint"], params=params, allow_redirects=False, timeout=5)
        session["response"] = read_authorization_response(resp, response_mode or default_mode(response_type), self.redirect_uri)
        return session

    # -- back channel ---------------------------------------------------------------------------------------

    def token_request(self, form: dict[str, str], method: str | None = None) -> requests.Response:
        method = method or self.method
        form = dict(form)
        auth = None
        endpoint = self.op.discovery["token_endpoint"]
        self.authenticate(form, method, endpoint)
        if method == "client_secret_basic":
            auth = basic_auth(self.client_id, self.secret)
        return requests.post(endpoint, data=form, headers=auth, timeout=5)

    def authenticate(self, form: dict[str, str], method: str, audience: str) -> None:
        if method == "client_secret_post":
            form.update(client_id=self.client_id, client_secret=self.secret)
        elif method == "none":
            form["client_id"] = self.client_id
        elif method in ("private_key_jwt", "client_secret_jwt"):
            now = int(time.time())
            claims = {"iss": self.client_id, "sub": self.client_id, "aud": audience, "jti": str(uuid.uuid4()), "iat": now, "exp": now + 60}
            if method == "private_key_jwt":
                assertion = jwt.encode({"alg": self.key_alg(), "kid": self.key.kid}, claims, self.key, algorithms=[self.key_alg()])
            else:
                from joserfc.jwk import OctKey

                assertion = jwt.encode({"alg": "HS256"}, claims, OctKey.import_key(self.secret.encode()), algorithms=["HS256"])
            form.update(client_assertion_type="urn:ietf:params:oauth:client-assertion-type:jwt-bearer", client_assertion=assertion)

    def key_alg(self) -> str:
        return "ES256" if isinstance(self.key, ECKey) else "PS256"

    def exchange(self, session: dict[str, Any], method: str | None = None) -> requests.Response:
        return self.token_request(
            {
                "grant_type": "authorization_code",
                "code": session["response"]["code"],
                "redirect_uri": self.redirect_uri,
                "code_verifier": session["verifier"],
            },
            method,
        )

    def refresh(self, refresh_token: str) -> requests.Response:
        return self.token_request({"grant_type": "refresh_token", "refresh_token": refresh_token})

    def revoke(self, token: str, hint: str) -> requests.Response:
        endpoint = self.op.discovery["revocation_endpoint"]
        form = {"token": token, "token_type_hint": hint}
        self.authenticate(form, self.method, endpoint)
        auth = basic_auth(self.client_id, self.secret) if self.method == "client_secret_basic" else None
        return requests.post(endpoint, data=form, headers=auth, timeout=5)

    def userinfo(self, access_token: str) -> requests.Response:
        return requests.get(self.op.discovery["userinfo_endpoint"], headers={"Authorization": f"Bearer {access_token}"}, timeout=5)

    # -- ID token validation (OIDC Core 3.1.3.7, 3.3.2.11, 3.3.3.7) --------------------------------------------

    def validate_id_token(self, value: str, nonce: str | None, code: str | None = None, access_token: str | None = None) -> dict[str, Any]:
        header = json.loads(base64.urlsafe_b64decode(value.split(".")[0] + "=="))
        check(header.get("alg") == self.alg, f"ID token alg {header.get('alg')} != registered {self.alg}")
        token = jwt.decode(value, self.op.jwks, algorithms=[self.alg])  # verifies the signature with the JWKS key
        c = token.claims
        now = time.time()
        check(c.get("iss") == self.op.issuer, f"iss {c.get('iss')} != {self.op.issuer}")
        aud = c.get("aud")
        auds = aud if isinstance(aud, list) else [aud]
        check(self.client_id in auds, f"aud {aud} lacks {self.client_id}")
        if len(auds) > 1:
            check(c.get("azp") == self.client_id, f"azp {c.get('azp')} with several audiences")
        check(isinstance(c.get("exp"), int) and c["exp"] > now - 5, f"exp {c.get('exp')} not in the future")
        check(isinstance(c.get("iat"), int) and abs(c["iat"] - now) < 120, f"iat {c.get('iat')} not near now")
        check(isinstance(c.get("sub"), str) and c["sub"], "sub missing")
        if nonce is not None:
            check(c.get("nonce") == nonce, f"nonce {c.get('nonce')} != {nonce}")
        if code is not None:
            check("c_hash" in c, "c_hash missing from the front-channel ID token")
            check(c["c_hash"] == left_hash(code, self.alg), f"c_hash {c['c_hash']} != {left_hash(code, self.alg)}")
        if access_token is not None and "at_hash" in c:
            check(c["at_hash"] == left_hash(access_token, self.alg), "at_hash mismatch")
        return dict(c)


def basic_auth(client_id: str, secret: str) -> dict[str, str]:
    # RFC 6749 §2.3.1: form-urlencode id and secret before base64.
    from urllib.parse import quote_plus

    raw = f"{quote_plus(client_id)}:{quote_plus(secret)}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


def default_mode(response_type: str) -> str:
    return "query" if response_type == "code" else "fragment"


def read_authorization_response(resp: requests.Response, mode: str, redirect_uri: str = REDIRECT) -> dict[str, Any]:
    """The three shapes op.py answers a headless GET /authorization with."""
    if mode == "form_post":
        check(resp.status_code == 200, f"form_post: expected 200, got {resp.status_code} {resp.text[:200]}")
        check(resp.headers.get("Content-Type", "").startswith("text/html"), "form_post: not HTML")
        form = parse_form(resp.text)
        check(form.method == "post", f"form_post: form method {form.method}")
        check(form.action == redirect_uri, f"form_post: action {form.action} != {redirect_uri}")
        out: dict[str, Any] = dict(form.fields)
        out["_where"] = "form_post"
        return out
    check(resp.status_code in (302, 303), f"{mode}: expected a redirect, got {resp.status_code} {resp.text[:300]}")
    location = resp.headers["Location"]
    parts = urlsplit(location)
    check(f"{parts.scheme}://{parts.netloc}{parts.path}" == redirect_uri, f"redirected to {location[:80]}")
    if mode == "fragment":
        check(parts.query == "", "fragment mode but query present")
        out = {k: v[0] for k, v in parse_qs(parts.fragment).items()}
    else:
        check(parts.fragment == "", "query mode but fragment present")
        out = {k: v[0] for k, v in parse_qs(parts.query).items()}
    out["_where"] = mode
    return out


# --------------------------------------------------------------------------------------------------------------


class Runner:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0
        self.notes: list[str] = []

    def run(self, name: str, fn: Callable[[], Any]) -> Any:
        started = time.monotonic()
        try:
            result = fn()
        except Failure as err:
            self.failed += 1
            print(f"FAIL {name}: {err}", flush=True)
            return None
        except Exception as err:  # an unexpected exception is a failure too
            self.failed += 1
            print(f"FAIL {name}: {err.__class__.__name__}: {err}", flush=True)
            return None
        self.passed += 1
        extra = f" ({result})" if isinstance(result, str) and result else ""
        print(f"ok   {name} [{(time.monotonic() - started) * 1000:.0f} ms]{extra}", flush=True)
        return result

    def note(self, text: str) -> None:
        self.notes.append(text)


def full_flow(r: Runner, client: Client, response_type: str, mode: str | None, label: str) -> None:
    """Front channel, ID token checks, code exchange, userinfo, refresh with rotation, revocation."""
    state: dict[str, Any] = {}

    def front() -> str:
        s = client.authorize(response_type, mode)
        resp = s["response"]
        check("error" not in resp, f"error response {resp}")
        check(resp.get("state") == s["state"], f"state {resp.get('state')} != {s['state']}")
        check(resp.get("iss") == client.op.issuer, f"RFC 9207 iss {resp.get('iss')} != {client.op.issuer}")
        check("code" in resp, "no code")
        if "id_token" in response_type.split():
            check("id_token" in resp, "no id_token in the front channel")
            state["front_claims"] = client.validate_id_token(resp["id_token"], s["nonce"], code=resp["code"])
        else:
            check("id_token" not in resp, "id_token in a code-flow response")
        state["session"] = s
        return f"{resp['_where']}, keys {sorted(k for k in resp if not k.startswith('_'))}"

    if r.run(f"{label}: authorization ({response_type}, {mode or 'default mode'})", front) is None:
        return

    def exchange() -> str:
        resp = client.exchange(state["session"])
        check(resp.status_code == 200, f"token endpoint {resp.status_code}: {resp.text[:300]}")
        check(resp.headers.get("Cache-Control") == "no-store", f"Cache-Control {resp.headers.get('Cache-Control')}")
        body = resp.json()
        check(str(body.get("token_type", "")).lower() == "bearer", f"token_type {body.get('token_type')}")
        check(isinstance(body.get("expires_in"), int) and body["expires_in"] > 0, f"expires_in {body.get('expires_in')!r}")
        for key in ("access_token", "refresh_token", "id_token"):
            check(key in body, f"{key} missing from {sorted(body)}")
        claims = client.validate_id_token(body["id_token"], state["session"]["nonce"], access_token=body["access_token"])
        if "front_claims" in state:
            check(claims["sub"] == state["front_claims"]["sub"], "token-endpoint sub differs from front-channel sub")
            check(claims["iss"] == state["front_claims"]["iss"], "token-endpoint iss differs")
        state["tokens"] = body
        state["sub"] = claims["sub"]
        return f"token_type={body['token_type']!r} expires_in={body['expires_in']!r} scope={body.get('scope')!r}"

    if r.run(f"{label}: code exchange with {client.method}", exchange) is None:
        return

    def userinfo() -> str:
        resp = client.userinfo(state["tokens"]["access_token"])
        check(resp.status_code == 200, f"userinfo {resp.status_code} {resp.text[:200]}")
        body = resp.json()
        check(body.get("sub") == state["sub"], f"userinfo sub {body.get('sub')} != {state['sub']}")
        check(body.get("email") == "alice@example.com" and body.get("name") == "Alice Example", f"claims {body}")
        return f"claims {sorted(body)}"

    r.run(f"{label}: userinfo", userinfo)

    def refresh() -> str:
        old = state["tokens"]["refresh_token"]
        resp = client.refresh(old)
        check(resp.status_code == 200, f"refresh {resp.status_code}: {resp.text[:300]}")
        body = resp.json()
        check(body.get("refresh_token") and body["refresh_token"] != old, "no new refresh token (no rotation)")
        check(body.get("access_token") and body["access_token"] != state["tokens"]["access_token"], "no new access token")
        check(isinstance(body.get("expires_in"), int), f"expires_in {body.get('expires_in')!r}")
        if "id_token" in body:
            claims = client.validate_id_token(body["id_token"], None)
            check(claims["sub"] == state["sub"] and claims["iss"] == client.op.issuer, "refreshed ID token iss/sub changed (§12.2)")
        again = client.refresh(old)
        check(again.status_code == 400, f"old refresh token answered {again.status_code}")
        check(again.json().get("error") == "invalid_grant", f"old refresh token: {again.text[:200]}")
        state["rotated"] = body
        return f"rotated; old one -> 400 {again.json()['error']} ({again.json().get('error_description')})"

    r.run(f"{label}: refresh with rotation", refresh)
    if "rotated" not in state:
        return

    def revoke() -> str:
        rotated = state["rotated"]
        resp = client.revoke(rotated["access_token"], "access_token")
        check(resp.status_code == 200, f"revoking the access token: {resp.status_code} {resp.text[:200]}")
        after = client.userinfo(rotated["access_token"])
        check(after.status_code == 401, f"userinfo with a revoked access token: {after.status_code}")
        resp = client.revoke(rotated["refresh_token"], "refresh_token")
        check(resp.status_code == 200, f"revoking the refresh token: {resp.status_code} {resp.text[:200]}")
        again = client.refresh(rotated["refresh_token"])
        check(again.status_code == 400 and again.json().get("error") == "invalid_grant", f"revoked refresh token: {again.status_code} {again.text[:200]}")
        unknown = client.revoke("not-a-token", "refresh_token")
        check(unknown.status_code == 200, f"RFC 7009 §2.2: unknown token must answer 200, got {unknown.status_code}")
        return "access and refresh token revoked; userinfo 401, refresh invalid_grant"

    r.run(f"{label}: revocation (RFC 7009)", revoke)

    def reuse() -> None:
        resp = client.exchange(state["session"])
        check(resp.status_code == 400 and resp.json().get("error") == "invalid_grant", f"code reuse answered {resp.status_code} {resp.text[:200]}")

    r.run(f"{label}: code reuse rejected (invalid_grant)", reuse)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--python", default=sys.executable, help="interpreter for op.py (default: this one)")
    args = ap.parse_args()
    started = time.monotonic()
    r = Runner()

    client_key = RSAKey.generate_key(2048, parameters={"kid": "rp-pkjwt-key", "use": "sig"}, private=True)
    ec_key = ECKey.generate_key("P-256", parameters={"kid": "rp-pkjwt-ec-key", "use": "sig"}, private=True)
    config = {
        "clients": [
            {
                "client_id": "smoke-basic",
                "client_secret": BASIC_SECRET,
                "token_endpoint_auth_method": "client_secret_basic",
                "id_token_signed_response_alg": "RS256",
            },
            {
                "client_id": "smoke-post",
                "client_secret": "smoke-post-secret-0123456789",
                "token_endpoint_auth_method": "client_secret_post",
                "id_token_signed_response_alg": "ES256",
            },
            {
                "client_id": "smoke-pkjwt",
                "token_endpoint_auth_method": "private_key_jwt",
                "id_token_signed_response_alg": "PS256",
                "jwks": {"keys": [client_key.as_dict(private=False), ec_key.as_dict(private=False)]},
                "redirect_uris": [REDIRECT],
            },
            {
                "client_id": "smoke-eddsa",
                "client_secret": "smoke-eddsa-secret-0123456789",
                "token_endpoint_auth_method": "client_secret_basic",
                "id_token_signed_response_alg": "EdDSA",
            },
            {
                "client_id": "smoke-jwt-userinfo",
                "client_secret": "smoke-jwt-userinfo-secret-0123456789",
                "token_endpoint_auth_method": "client_secret_basic",
                "id_token_signed_response_alg": "ES256",
                "userinfo_signed_response_alg": "RS256",
            },
            {
                "client_id": "smoke-reuse",
                "client_secret": "smoke-reuse-secret-0123456789",
                "refresh_mode": "reuse",
                "access_token_lifetime": 1,
            },
            {
                "client_id": "smoke-overlap",
                "client_secret": "smoke-overlap-secret-0123456789",
                "refresh_mode": "overlap",
            },
            {
                "client_id": "smoke-hs-jwt",
                "client_secret": "smoke-hs-jwt-secret-0123456789-0123456789",
                "token_endpoint_auth_method": "client_secret_jwt",
                "id_token_signed_response_alg": "RS256",
            },
        ]
    }
    public_client = {"client_id": "smoke-public", "token_endpoint_auth_method": "none", "id_token_signed_response_alg": "ES256"}

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(config, f)
        config_path = f.name
    try:
        op = r.run("start op.py", lambda: Provider(args.python, ["--config", config_path, "--client", json.dumps(public_client)]))
    finally:
        os.unlink(config_path)
    if op is None:
        print(f"smoke: {r.passed} passed, {r.failed} failed")
        return 1
    try:
        r.run("startup time under 3 s", lambda: check(op.startup < 3, f"{op.startup:.2f} s") or f"{op.startup:.2f} s")
        run_all(r, op, client_key, ec_key)
    finally:
        r.run("op.py exits when stdin closes", lambda: f"{op.stop():.2f} s")
        if r.failed:
            print("---- op.py stderr (tail) ----\n" + op.log_tail())

    def login_form() -> str:
        form_op = Provider(args.python, ["--login-form", "--access-token-lifetime", "5"])
        try:
            client = Client(form_op, "rp-basic", "client_secret_basic", "RS256", "rp-basic-secret-0123456789abcdef")
            verifier = b64url(secrets.token_bytes(32))
            params = {
                "response_type": "code id_token",
                "response_mode": "fragment",
                "client_id": "rp-basic",
                "redirect_uri": REDIRECT,
                "scope": "openid email",
                "state": "form-state",
                "nonce": "form-nonce",
                "code_challenge": b64url(hashlib.sha256(verifier.encode()).digest()),
                "code_challenge_method": "S256",
            }
            page = requests.get(form_op.discovery["authorization_endpoint"], params=params, allow_redirects=False, timeout=5)
            check(page.status_code == 200 and "text/html" in page.headers.get("Content-Type", ""), f"login page {page.status_code}")
            form = parse_form(page.text)
            check(form.method == "post" and {"token", "username", "password"} <= set(form.fields), f"form fields {sorted(form.fields)}")
            action = requests.compat.urljoin(form_op.issuer + "/", form.action)
            bad = requests.post(action, data={"token": form.fields["token"], "username": "alice", "password": "wrong"}, allow_redirects=False, timeout=5)
            check(bad.status_code == 403, f"wrong password answered {bad.status_code}")
            good = requests.post(action, data={"token": form.fields["token"], "username": "bob", "password": "bob-password"}, allow_redirects=False, timeout=5)
            check(good.status_code == 302, f"login answered {good.status_code} {good.text[:200]}")
            resp = read_authorization_response(good, "fragment")
            check(resp.get("state") == "form-state", "state")
            claims = client.validate_id_token(resp["id_token"], "form-nonce", code=resp["code"])
            check(claims["sub"] == form_op.ready["subs"]["bob"], "sub is not bob's")
            tokens = client.exchange({"response": resp, "verifier": verifier})
            check(tokens.status_code == 200, f"exchange {tokens.status_code}")
            check(0 < tokens.json()["expires_in"] <= 5, f"--access-token-lifetime 5 gave expires_in {tokens.json()['expires_in']}")
            return f"form POST {form.action} -> 302 fragment; user bob; expires_in {tokens.json()['expires_in']}"
        finally:
            form_op.stop()

    r.run("--login-form: HTML form login (bob), wrong password 403, --access-token-lifetime", login_form)

    def raw_idpyoidc() -> str:
        """What idpyoidc does where the front corrects it: assert it, so that a new idpyoidc that changes any
        of it shows up here (and README.md gets updated)."""
        special = {"client_id": "raw-special", "client_secret": BASIC_SECRET, "token_endpoint_auth_method": "client_secret_basic"}
        plain = {"client_id": "rp-basic", "client_secret": "rp-basic-secret-0123456789abcdef", "token_endpoint_auth_method": "client_secret_basic"}
        raw_op = Provider(args.python, ["--raw", "--client", json.dumps(plain), "--client", json.dumps(special)])
        try:
            c = Client(raw_op, "rp-basic", "client_secret_basic", "RS256", "rp-basic-secret-0123456789abcdef")
            seen = []
            s = c.authorize("code id_token", "form_post")
            check("iss" not in s["response"], "idpyoidc now puts iss in form_post responses")
            seen.append("form_post without iss")
            tokens = c.exchange(s).json()
            c.refresh(tokens["refresh_token"])
            old = c.refresh(tokens["refresh_token"])
            check(old.status_code == 400 and old.json()["error"] == "invalid_request", f"rotated-out refresh token: {old.text}")
            seen.append(f"rotated-out refresh token -> {old.json()['error']}")
            params = {
                "response_type": "code id_token", "client_id": "rp-basic", "redirect_uri": REDIRECT, "scope": "openid",
                "state": "s", "code_challenge": b64url(hashlib.sha256(b"v" * 43).digest()), "code_challenge_method": "S256",
            }  # no nonce
            page = requests.get(raw_op.discovery["authorization_endpoint"], params=params, allow_redirects=False, timeout=5)
            check(page.status_code == 400 and "Location" not in page.headers, f"missing nonce answered {page.status_code}")
            seen.append(f"missing nonce -> 400 {page.json()['error']} body, no redirect")
            missing = requests.get(raw_op.discovery["userinfo_endpoint"], timeout=5)
            seen.append(f"userinfo without a token -> {missing.status_code}")
            check(missing.status_code == 400, f"userinfo without a token answered {missing.status_code}")
            s = c.authorize("code", None)
            form = {"grant_type": "authorization_code", "code": s["response"]["code"], "redirect_uri": REDIRECT + "x", "code_verifier": s["verifier"]}
            wrong = requests.post(raw_op.discovery["token_endpoint"], data=form, headers=basic_auth(c.client_id, c.secret), timeout=5)
            check(wrong.json().get("error") == "invalid_request", f"redirect_uri mismatch: {wrong.text}")
            seen.append(f"redirect_uri mismatch -> {wrong.json()['error']}")
            sc = Client(raw_op, "raw-special", "client_secret_basic", "RS256", BASIC_SECRET)
            refused = sc.exchange(sc.authorize("code", None))
            check(refused.status_code == 401, f"form-urlencoded Basic credentials answered {refused.status_code}")
            seen.append("form-urlencoded Basic secret -> 401")
            check("none" not in raw_op.discovery["token_endpoint_auth_methods_supported"], "idpyoidc now lists none")
            seen.append("'none' not in token_endpoint_auth_methods_supported")
            return "; ".join(seen)
        finally:
            raw_op.stop()

    r.run("--raw: idpyoidc's own behaviour where the front corrects it", raw_idpyoidc)

    total = time.monotonic() - started
    for n in r.notes:
        print(f"note {n}")
    print(f"smoke finished in {total:.1f} s")
    print(f"smoke: {r.passed} passed, {r.failed} failed")
    return 0 if r.failed == 0 else 1


def run_all(r: Runner, op: Provider, client_key: RSAKey, ec_key: ECKey) -> None:
    d = op.discovery

    def discovery() -> str:
        check(d["issuer"] == op.issuer, f"issuer {d['issuer']}")
        for key in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "revocation_endpoint", "jwks_uri"):
            check(d.get(key, "").startswith(op.issuer + "/"), f"{key} {d.get(key)}")
        check({"code", "code id_token"} <= set(d["response_types_supported"]), f"response types {d['response_types_supported']}")
        check({"query", "fragment", "form_post"} <= set(d["response_modes_supported"]), "response modes")
        check({"RS256", "ES256", "PS256", "EdDSA"} <= set(d["id_token_signing_alg_values_supported"]), "id token algs")
        check(d.get("code_challenge_methods_supported") == ["S256"], f"PKCE methods {d.get('code_challenge_methods_supported')}")
        check(d.get("authorization_response_iss_parameter_supported") is True, "RFC 9207 metadata")
        check({"client_secret_basic", "client_secret_post", "private_key_jwt", "none"} <= set(d["token_endpoint_auth_methods_supported"]), "auth methods")
        check({"RSA", "EC", "OKP"} <= {k.key_type for k in op.jwks.keys}, "JWKS key types")
        check(bool(requests.get(d["jwks_uri"], timeout=5).headers.get("Date")), "no Date header")
        return f"{len(d)} members, JWKS {sorted(k.key_type for k in op.jwks.keys)}"

    r.run("discovery and JWKS", discovery)

    basic = Client(op, "smoke-basic", "client_secret_basic", "RS256", BASIC_SECRET)
    post = Client(op, "smoke-post", "client_secret_post", "ES256", "smoke-post-secret-0123456789")
    pkjwt = Client(op, "smoke-pkjwt", "private_key_jwt", "PS256", key=client_key)
    hsjwt = Client(op, "smoke-hs-jwt", "client_secret_jwt", "RS256", "smoke-hs-jwt-secret-0123456789-0123456789")
    public = Client(op, "smoke-public", "none", "ES256")
    eddsa = Client(op, "smoke-eddsa", "client_secret_basic", "EdDSA", "smoke-eddsa-secret-0123456789")

    full_flow(r, basic, "code id_token", "fragment", "hybrid/fragment RS256")
    full_flow(r, post, "code id_token", "form_post", "hybrid/form_post ES256")
    full_flow(r, pkjwt, "code id_token", "fragment", "hybrid/fragment PS256")
    full_flow(r, public, "code", "query", "code/query public")
    full_flow(r, hsjwt, "code", "form_post", "code/form_post HS-JWT")

    def pkjwt_ec() -> str:
        pkjwt_ec_client = Client(op, "smoke-pkjwt", "private_key_jwt", "PS256", key=ec_key)
        s = pkjwt_ec_client.authorize("code", None)
        resp = pkjwt_ec_client.exchange(s)
        check(resp.status_code == 200, f"ES256 client assertion: {resp.status_code} {resp.text[:200]}")
        # The same assertion again: jti replay must be refused.
        return "ES256-signed client assertion accepted"

    r.run("private_key_jwt with an ES256 client key", pkjwt_ec)

    def pkjwt_aud_issuer() -> str:
        c = Client(op, "smoke-pkjwt", "private_key_jwt", "PS256", key=client_key)
        s = c.authorize("code", None)
        form = {"grant_type": "authorization_code", "code": s["response"]["code"], "redirect_uri": REDIRECT, "code_verifier": s["verifier"]}
        c.authenticate(form, "private_key_jwt", op.issuer)
        resp = requests.post(d["token_endpoint"], data=form, timeout=5)
        check(resp.status_code == 200, f"aud=issuer answered {resp.status_code} {resp.text[:200]}")
        form = {"token": resp.json()["access_token"]}
        c.authenticate(form, "private_key_jwt", d["token_endpoint"])
        revoked = requests.post(d["revocation_endpoint"], data=form, timeout=5)
        check(revoked.status_code == 200, f"revocation with aud=token endpoint answered {revoked.status_code}")
        return "aud = issuer accepted at the token endpoint, aud = token endpoint at the revocation endpoint"

    r.run("private_key_jwt audiences (issuer; token endpoint at /revocation)", pkjwt_aud_issuer)

    def pkjwt_replay() -> None:
        c = Client(op, "smoke-pkjwt", "private_key_jwt", "PS256", key=client_key)
        s1 = c.authorize("code", None)
        form = {"grant_type": "authorization_code", "code": s1["response"]["code"], "redirect_uri": REDIRECT, "code_verifier": s1["verifier"]}
        c.authenticate(form, "private_key_jwt", d["token_endpoint"])
        first = requests.post(d["token_endpoint"], data=form, timeout=5)
        check(first.status_code == 200, f"first use {first.status_code}")
        s2 = c.authorize("code", None)
        form.update(code=s2["response"]["code"], code_verifier=s2["verifier"])
        second = requests.post(d["token_endpoint"], data=form, timeout=5)
        check(second.status_code == 401 and second.json()["error"] == "invalid_client", f"replayed assertion answered {second.status_code}")

    r.run("private_key_jwt assertion replay (same jti) rejected", pkjwt_replay)

    def eddsa_hybrid() -> str:
        s = eddsa.authorize("code id_token", "fragment")
        resp = s["response"]
        check("id_token" in resp, f"no id_token: {resp}")
        token = jwt.decode(resp["id_token"], op.jwks, algorithms=["EdDSA"])
        check(token.header["alg"] == "EdDSA", f"alg {token.header['alg']}")
        c = token.claims
        check(c["nonce"] == s["nonce"] and c["iss"] == op.issuer, "claims")
        if c.get("c_hash", "absent") is None:
            r.note("EdDSA hybrid ID token carries c_hash: null (idpyoidc computes the left hash with 'HS' + alg[-3:] = 'HSDSA', which it does not know)")
            return "signature OK, c_hash is null (idpyoidc quirk)"
        check(c.get("c_hash") == left_hash(resp["code"], "EdDSA"), f"c_hash {c.get('c_hash')}")
        return "signature OK, c_hash correct (SHA-512)"

    r.run("EdDSA hybrid ID token", eddsa_hybrid)

    def negatives() -> str:
        # Missing PKCE, plain PKCE, missing nonce in hybrid, offline_access without consent: error redirects.
        cases = {
            "no code_challenge": dict(code_challenge=None, code_challenge_method=None),
            "plain PKCE": dict(code_challenge_method="plain"),
            "no nonce (hybrid)": dict(nonce=None),
            "offline_access without prompt=consent": dict(prompt=None),
        }
        seen = []
        for name, extra in cases.items():
            s = basic.authorize("code id_token", "fragment", **extra)
            resp = s["response"]
            check(resp.get("error") == "invalid_request", f"{name}: {resp}")
            check(resp.get("state") == s["state"] and resp.get("iss") == op.issuer, f"{name}: state/iss {resp}")
            seen.append(resp.get("error_description", ""))
        # A redirect URI that is not registered: no redirect.
        bad = requests.get(d["authorization_endpoint"], params={"response_type": "code", "client_id": "smoke-basic", "redirect_uri": "http://evil.example/cb", "scope": "openid", "code_challenge": "x" * 43, "code_challenge_method": "S256"}, allow_redirects=False, timeout=5)
        check(bad.status_code == 400 and "Location" not in bad.headers, f"unregistered redirect_uri answered {bad.status_code}")
        # Token endpoint: wrong secret, wrong verifier.
        s = basic.authorize("code", None)
        wrong = Client(op, "smoke-basic", "client_secret_basic", "RS256", "wrong-secret").exchange(s)
        check(wrong.status_code == 401 and wrong.json()["error"] == "invalid_client", f"wrong secret: {wrong.status_code}")
        s["verifier"] = b64url(secrets.token_bytes(32))
        bad_verifier = basic.exchange(s)
        check(bad_verifier.status_code == 400 and bad_verifier.json()["error"] == "invalid_grant", f"wrong verifier: {bad_verifier.text}")
        # Userinfo without and with a bad token.
        none = requests.get(d["userinfo_endpoint"], timeout=5)
        check(none.status_code == 401 and none.headers.get("WWW-Authenticate", "").startswith("Bearer"), f"userinfo without token {none.status_code}")
        garbage = basic.userinfo("garbage")
        check(garbage.status_code == 401 and 'error="invalid_token"' in garbage.headers.get("WWW-Authenticate", ""), "userinfo garbage token")
        return "; ".join(seen)

    r.run("error paths (PKCE, nonce, consent, redirect_uri, client auth, verifier, bearer)", negatives)

    def reuse_revokes() -> str:
        s = basic.authorize("code", None)
        first = basic.exchange(s)
        check(first.status_code == 200, f"exchange {first.status_code}")
        tokens = first.json()
        again = basic.exchange(s)
        check(again.status_code == 400 and again.json()["error"] == "invalid_grant", f"reuse {again.text}")
        ui = basic.userinfo(tokens["access_token"])
        rf = basic.refresh(tokens["refresh_token"])
        check(ui.status_code == 401, f"userinfo after code reuse {ui.status_code}")
        check(rf.status_code == 400 and rf.json()["error"] == "invalid_grant", f"refresh after code reuse {rf.text}")
        return "tokens minted from a reused code are revoked (userinfo 401, refresh invalid_grant)"

    r.run("code reuse revokes what the code gave (RFC 6749 §4.1.2)", reuse_revokes)

    def query_hybrid() -> str:
        # response_mode=query with a front-channel token must be refused; idpyoidc answers in the fragment.
        resp = requests.get(
            d["authorization_endpoint"],
            params={
                "response_type": "code id_token", "response_mode": "query", "client_id": "smoke-basic", "redirect_uri": REDIRECT,
                "scope": "openid", "state": "q", "nonce": "n", "code_challenge": b64url(hashlib.sha256(b"v" * 43).digest()),
                "code_challenge_method": "S256",
            },
            allow_redirects=False, timeout=5,
        )
        check(resp.status_code == 302, f"{resp.status_code}")
        loc = urlsplit(resp.headers["Location"])
        params = {k: v[0] for k, v in parse_qs(loc.fragment or loc.query).items()}
        check(params.get("error") == "invalid_request", f"{params}")
        return f"error in the {'fragment' if loc.fragment else 'query'}: {params.get('error_description')}"

    r.run("hybrid with response_mode=query refused", query_hybrid)

    def loopback_any_port() -> str:
        c = Client(op, "smoke-basic", "client_secret_basic", "RS256", BASIC_SECRET, redirect_uri="http://127.0.0.1:61999/callback")
        s = c.authorize("code", None)
        check("code" in s["response"], f"{s['response']}")
        tokens = c.exchange(s)
        check(tokens.status_code == 200, f"{tokens.status_code}")
        return "http://127.0.0.1:*/callback matched port 61999"

    r.run("loopback redirect with any port", loopback_any_port)

    def concurrent_flows() -> str:
        from concurrent.futures import ThreadPoolExecutor

        def one(i: int) -> str:
            c = basic if i % 2 else post
            s = c.authorize("code id_token", "fragment" if i % 3 else "form_post")
            check("code" in s["response"], f"flow {i}: {s['response']}")
            tokens = c.exchange(s)
            check(tokens.status_code == 200, f"flow {i}: exchange {tokens.status_code}")
            refreshed = c.refresh(tokens.json()["refresh_token"])
            check(refreshed.status_code == 200, f"flow {i}: refresh {refreshed.status_code}")
            return tokens.json()["access_token"]

        with ThreadPoolExecutor(max_workers=16) as pool:
            tokens = list(pool.map(one, range(32)))
        check(len(set(tokens)) == 32, "duplicate access tokens")
        return "32 flows on 16 threads"

    r.run("concurrent flows", concurrent_flows)

    def refresh_modes() -> str:
        reuse = Client(op, "smoke-reuse", "client_secret_basic", "RS256", "smoke-reuse-secret-0123456789")
        tokens = reuse.exchange(reuse.authorize("code", None)).json()
        check(tokens["expires_in"] == 1, f"access_token_lifetime 1 gave expires_in {tokens['expires_in']}")
        first = reuse.refresh(tokens["refresh_token"])
        check(first.status_code == 200 and "refresh_token" not in first.json(), f"reuse: {first.text[:200]}")
        second = reuse.refresh(tokens["refresh_token"])
        check(second.status_code == 200, f"reuse: the same refresh token again answered {second.status_code}")
        access = second.json()["access_token"]
        check(reuse.userinfo(access).status_code == 200, "fresh access token refused")
        time.sleep(2.1)
        expired = reuse.userinfo(access)
        check(expired.status_code == 401 and 'error="invalid_token"' in expired.headers.get("WWW-Authenticate", ""), f"expired access token: {expired.status_code}")
        overlap = Client(op, "smoke-overlap", "client_secret_basic", "RS256", "smoke-overlap-secret-0123456789")
        tokens = overlap.exchange(overlap.authorize("code", None)).json()
        new = overlap.refresh(tokens["refresh_token"]).json()
        check(new.get("refresh_token") not in (None, tokens["refresh_token"]), "overlap: no new refresh token")
        old = overlap.refresh(tokens["refresh_token"])
        check(old.status_code == 200, f"overlap: the old refresh token answered {old.status_code}")
        return "reuse: no new refresh token, old one valid; expired access token -> 401; overlap: new one, old one valid"

    r.run("per-client refresh_mode and access_token_lifetime (expiry)", refresh_modes)

    def signed_userinfo() -> str:
        c = Client(op, "smoke-jwt-userinfo", "client_secret_basic", "ES256", "smoke-jwt-userinfo-secret-0123456789")
        s = c.authorize("code", None, scope="openid email")
        tokens = c.exchange(s)
        check(tokens.status_code == 200, f"exchange {tokens.status_code}")
        resp = c.userinfo(tokens.json()["access_token"])
        check(resp.status_code == 200, f"userinfo {resp.status_code}")
        check(resp.headers.get("Content-Type", "").startswith("application/jwt"), f"Content-Type {resp.headers.get('Content-Type')}")
        token = jwt.decode(resp.text, op.jwks, algorithms=["RS256"])
        check(token.claims.get("iss") == op.issuer, "iss")
        check(token.claims.get("aud") in ("smoke-jwt-userinfo", ["smoke-jwt-userinfo"]), f"aud {token.claims.get('aud')}")
        check(token.claims.get("email") == "alice@example.com", f"claims {token.claims}")
        return f"application/jwt, RS256, claims {sorted(token.claims)}"

    r.run("signed userinfo (userinfo_signed_response_alg)", signed_userinfo)

    def end_session() -> str:
        browser = requests.Session()  # keeps idpyoidc's session cookie, as a browser would
        verifier = b64url(secrets.token_bytes(32))
        params = {
            "response_type": "code id_token", "client_id": "smoke-basic", "redirect_uri": REDIRECT, "scope": "openid",
            "state": "s", "nonce": "n", "code_challenge": b64url(hashlib.sha256(verifier.encode()).digest()),
            "code_challenge_method": "S256",
        }
        resp = browser.get(d["authorization_endpoint"], params=params, allow_redirects=False, timeout=5)
        front = read_authorization_response(resp, "fragment")
        check("oidc_op" in browser.cookies, f"no session cookie: {list(browser.cookies.keys())}")
        logout_to = "http://127.0.0.1:53124/logout"
        resp = browser.get(d["end_session_endpoint"], params={"id_token_hint": front["id_token"], "post_logout_redirect_uri": logout_to, "state": "bye"}, allow_redirects=False, timeout=5)
        check(resp.status_code == 302, f"end_session {resp.status_code} {resp.text[:200]}")
        page = browser.get(resp.headers["Location"], timeout=5)
        form = parse_form(page.text)
        check(form.method == "post" and "sjwt" in form.fields, f"logout page {page.text[:200]}")
        done = browser.post(form.action, data=form.fields, allow_redirects=False, timeout=5)
        check(done.status_code == 302 and done.headers["Location"] == logout_to + "?state=bye", f"logout {done.status_code} {done.headers.get('Location')}")
        return "end_session -> verify_logout page -> POST rp_logout -> 302 post_logout_redirect_uri?state="

    r.run("RP-initiated logout (end_session_endpoint, with the session cookie)", end_session)


if __name__ == "__main__":
    sys.exit(main())
