#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A real OpenID Provider for the end-to-end flows tests.

The provider logic is IdentityPython's idpyoidc (not ours); this file is only a small Flask front that
  * builds an idpyoidc configuration for 127.0.0.1 from command-line flags and/or a JSON file,
  * maps HTTP requests onto idpyoidc's endpoints and its answers back onto HTTP responses,
  * logs the configured test user in automatically (headless), or shows a real login form (--login-form),
  * prints one JSON readiness line on stdout and serves until killed, stdin closes or its parent dies.

See README.md beside this file for the exact wire shapes and the quirks of idpyoidc.
"""

from __future__ import annotations

import argparse
import base64
import copy
import html
from html.parser import HTMLParser
import json
import logging
import os
import re
import shutil
import signal
import socket
import stat
import sys
import tempfile
import threading
import time
import warnings
from typing import Any
from urllib.parse import unquote_plus, urlencode, urlsplit

# idpyoidc marks its test-only authentication classes with a warning class of its own; they are what we
# want here, so keep stderr readable.
warnings.filterwarnings("ignore", message=".*production environment.*")

from flask import Flask, Response, make_response, redirect, request  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from idpyoidc.message.oauth2 import ResponseMessage  # noqa: E402
from idpyoidc.message.oidc import AccessTokenRequest, AuthorizationRequest  # noqa: E402
from idpyoidc.server import Server  # noqa: E402
from idpyoidc.server.configure import OPConfiguration  # noqa: E402
from idpyoidc.server.exception import (  # noqa: E402
    ClientAuthenticationError,
    FailedAuthentication,
    InvalidClient,
    UnAuthorizedClient,
    UnknownClient,
)
from idpyoidc.server.oauth2.add_on.pkce import CC_METHOD  # noqa: E402
from idpyoidc.server.oauth2.authorization import FORM_POST, inputs, verify_uri  # noqa: E402
from idpyoidc.server.oidc.token import Token  # noqa: E402
from idpyoidc.server.session.manager import public_id  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
LOG = logging.getLogger("op")

SUB_SALT = "swift-oidc-flows-tests"

DEFAULT_USERS: dict[str, dict[str, Any]] = {
    "alice": {
        "password": "alice-password",
        "claims": {
            "name": "Alice Example",
            "given_name": "Alice",
            "family_name": "Example",
            "preferred_username": "alice",
            "email": "alice@example.com",
            "email_verified": True,
            "locale": "en",
        },
    },
    "bob": {
        "password": "bob-password",
        "claims": {
            "name": "Bob Example",
            "given_name": "Bob",
            "family_name": "Example",
            "preferred_username": "bob",
            "email": "bob@example.com",
            "email_verified": False,
        },
    },
}

LOOPBACK_LOGOUT_REDIRECTS = ["http://127.0.0.1:*/logout", "http://localhost:*/logout", "http://[::1]:*/logout"]
LOOPBACK_REDIRECTS = ["http://127.0.0.1:*/callback", "http://localhost:*/callback", "http://[::1]:*/callback"]

# Used only when neither --config nor --client names a client.
DEFAULT_CLIENTS: list[dict[str, Any]] = [
    {
        "client_id": "rp-basic",
        "client_secret": "rp-basic-secret-0123456789abcdef",
        "token_endpoint_auth_method": "client_secret_basic",
        "id_token_signed_response_alg": "RS256",
    },
    {
        "client_id": "rp-post",
        "client_secret": "rp-post-secret-0123456789abcdef",
        "token_endpoint_auth_method": "client_secret_post",
        "id_token_signed_response_alg": "ES256",
    },
    {
        "client_id": "rp-ps256",
        "client_secret": "rp-ps256-secret-0123456789abcdef",
        "token_endpoint_auth_method": "client_secret_basic",
        "id_token_signed_response_alg": "PS256",
    },
    {
        "client_id": "rp-eddsa",
        "client_secret": "rp-eddsa-secret-0123456789abcdef",
        "token_endpoint_auth_method": "client_secret_basic",
        "id_token_signed_response_alg": "EdDSA",
    },
    {
        "client_id": "rp-public",
        "token_endpoint_auth_method": "none",
        "id_token_signed_response_alg": "RS256",
    },
]

SIGNING_ALGS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "EdDSA"]
AUTH_METHODS = ["client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt", "none"]
# idpyoidc answers these token-endpoint failures with invalid_request where RFC 6749 §5.2 names invalid_grant
# ("the provided ... refresh token is invalid, expired, revoked, ... or does not match the redirection URI used
# in the authorization request"). The front corrects them unless --raw is given.
TOKEN_ERROR_FIXES = {
    ("invalid_request", "Refresh token inactive"): "invalid_grant",
    ("invalid_request", "redirect_uri mismatch"): "invalid_grant",
}
REFRESH_MODES = ["rotate", "reuse", "overlap"]
SCOPES = ["openid", "profile", "email", "address", "phone", "offline_access"]


# --------------------------------------------------------------------------------------------------------------
# Settings: defaults < JSON file < command-line flags.
# --------------------------------------------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="idpyoidc OpenID Provider on 127.0.0.1 for the swift-oidc flows tests")
    p.add_argument("--port", type=int, default=None, help="TCP port on 127.0.0.1; 0 (default) picks a free one")
    p.add_argument("--host", default=None, help="address to bind (default 127.0.0.1)")
    p.add_argument("--config", help="JSON configuration file (see README.md)")
    p.add_argument(
        "--client",
        action="append",
        default=[],
        metavar="JSON",
        help="register a client given as inline JSON (repeatable; added to the config file's clients)",
    )
    p.add_argument("--user", help="user logged in automatically (default alice)")
    p.add_argument("--login-form", action="store_true", default=None, help="show a real username/password form")
    p.add_argument("--access-token-lifetime", type=int, help="seconds (default 3600)")
    p.add_argument("--refresh-token-lifetime", type=int, help="seconds (default 86400)")
    p.add_argument("--code-lifetime", type=int, help="seconds (default 120)")
    p.add_argument("--id-token-lifetime", type=int, help="seconds (default 300)")
    p.add_argument(
        "--refresh-mode",
        choices=REFRESH_MODES,
        default=None,
        help="rotate (default): each refresh returns a new refresh token and revokes the old one; "
        "reuse: no new refresh token, the old one stays valid; overlap: a new one, and the old one stays valid",
    )
    p.add_argument(
        "--advertise-iss-parameter",
        dest="advertise_iss_parameter",
        action="store_true",
        default=None,
        help="add authorization_response_iss_parameter_supported: true to the discovery document (default)",
    )
    p.add_argument(
        "--no-advertise-iss-parameter",
        dest="advertise_iss_parameter",
        action="store_false",
        help="leave authorization_response_iss_parameter_supported out of the discovery document",
    )
    p.add_argument(
        "--strip-iss-parameter",
        action="store_true",
        default=None,
        help="remove the iss (and client_id) parameters idpyoidc puts in authorization responses (fault injection)",
    )
    p.add_argument(
        "--raw",
        action="store_true",
        default=None,
        help="make none of the corrections the front makes to idpyoidc's answers (README.md lists them)",
    )
    p.add_argument(
        "--no-stdin-watch",
        dest="stdin_watch",
        action="store_false",
        default=None,
        help="do not exit when stdin reaches end of file (default: watch it when it is a pipe or socket)",
    )
    p.add_argument("--log-level", default=None, help="Python log level for stderr (default WARNING)")
    return p.parse_args(argv)


def load_settings(args: argparse.Namespace) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": 0,
        "users": copy.deepcopy(DEFAULT_USERS),
        "user": "alice",
        "login_form": False,
        "clients": [],
        "access_token_lifetime": 3600,
        "refresh_token_lifetime": 86400,
        "code_lifetime": 120,
        "id_token_lifetime": 300,
        "refresh_mode": "rotate",
        "advertise_iss_parameter": True,
        "strip_iss_parameter": False,
        "raw": False,
        "stdin_watch": None,
        "log_level": "WARNING",
    }
    if args.config:
        with open(args.config, encoding="utf-8") as f:
            file_settings = json.load(f)
        unknown = set(file_settings) - set(settings)
        if unknown:
            raise SystemExit(f"op.py: unknown configuration keys {sorted(unknown)}")
        settings.update(file_settings)
    for client in args.client:
        settings["clients"].append(json.loads(client))
    for key in (
        "host",
        "port",
        "user",
        "login_form",
        "access_token_lifetime",
        "refresh_token_lifetime",
        "code_lifetime",
        "id_token_lifetime",
        "refresh_mode",
        "advertise_iss_parameter",
        "strip_iss_parameter",
        "raw",
        "stdin_watch",
        "log_level",
    ):
        value = getattr(args, key)
        if value is not None:
            settings[key] = value
    if not settings["clients"]:
        settings["clients"] = copy.deepcopy(DEFAULT_CLIENTS)
    if settings["user"] not in settings["users"]:
        raise SystemExit(f"op.py: the user {settings['user']!r} is not among the configured users")
    return settings


# --------------------------------------------------------------------------------------------------------------
# Clients: our registration format -> idpyoidc client database entries.
# --------------------------------------------------------------------------------------------------------------


def redirect_pattern(uri: str) -> re.Pattern[str] | None:
    """`http://127.0.0.1:*/callback` -> a pattern accepting any port (RFC 8252 §7.3 loopback redirects)."""
    if ":*/" not in uri and not uri.endswith(":*"):
        return None
    head, tail = uri.split(":*", 1)
    return re.compile(re.escape(head) + r":[0-9]{1,5}" + re.escape(tail) + r"\Z")


def client_id_from_id_token_hint(token: str) -> str | None:
    """The first audience of an (unverified) ID token; only used to pick the client whose `:*` patterns apply."""
    try:
        payload = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
        aud = payload.get("aud")
        return aud[0] if isinstance(aud, list) else aud
    except Exception:
        return None


def client_entry(client: dict[str, Any]) -> dict[str, Any]:
    c = dict(client)
    client_id = c.pop("client_id", None)
    if not client_id:
        raise SystemExit(f"op.py: client without client_id: {client}")
    method = c.pop("token_endpoint_auth_method", "client_secret_basic")
    if method not in AUTH_METHODS:
        raise SystemExit(f"op.py: client {client_id}: token_endpoint_auth_method {method!r} not in {AUTH_METHODS}")
    secret = c.pop("client_secret", None)
    if method in ("client_secret_basic", "client_secret_post", "client_secret_jwt") and not secret:
        raise SystemExit(f"op.py: client {client_id}: {method} needs a client_secret")
    jwks = c.pop("jwks", None)
    if method == "private_key_jwt" and not jwks:
        raise SystemExit(f"op.py: client {client_id}: private_key_jwt needs the client's public jwks")
    redirect_uris = c.pop("redirect_uris", None) or list(LOOPBACK_REDIRECTS)
    logout_uris = c.pop("post_logout_redirect_uris", None) or list(LOOPBACK_LOGOUT_REDIRECTS)
    response_types = c.pop("response_types", ["code id_token", "code"])
    scopes = c.pop("scope", None) or c.pop("allowed_scopes", None) or SCOPES
    if isinstance(scopes, str):
        scopes = scopes.split()
    grant_types = c.pop("grant_types", ["authorization_code", "refresh_token"])
    # The token endpoint's client authentication; the revocation endpoint takes the same.
    token_methods = ["public"] if method == "none" else [method]
    usage_rules: dict[str, Any] = {}
    refresh_mode = c.pop("refresh_mode", None)
    if refresh_mode is not None:
        if refresh_mode not in REFRESH_MODES:
            raise SystemExit(f"op.py: client {client_id}: refresh_mode {refresh_mode!r} not in {REFRESH_MODES}")
        usage_rules["refresh_token"] = refresh_usage_rule(refresh_mode, None)
    lifetime = c.pop("access_token_lifetime", None)
    if lifetime is not None:
        usage_rules["access_token"] = {"expires_in": int(lifetime)}

    entry: dict[str, Any] = {
        "client_id": client_id,
        "client_salt": "salt",
        "redirect_uris": [(u, {}) for u in redirect_uris if redirect_pattern(u) is None],
        "redirect_uri_patterns": [u for u in redirect_uris if redirect_pattern(u) is not None],
        # idpyoidc looks the end-session redirect URIs up under this singular name.
        "post_logout_redirect_uri": [(u, {}) for u in logout_uris if redirect_pattern(u) is None],
        "post_logout_redirect_uri_patterns": [u for u in logout_uris if redirect_pattern(u) is not None],
        "response_types_supported": response_types,
        "allowed_scopes": scopes,
        "grant_types_supported": grant_types,
        "token_endpoint_auth_method": method,
        "token_endpoint_client_authn_method": token_methods,
        "revocation_endpoint_client_authn_method": token_methods,
        "pkce_essential": True,
        "id_token_signed_response_alg": c.pop("id_token_signed_response_alg", "RS256"),
    }
    if secret:
        entry["client_secret"] = secret
        entry["client_secret_expires_at"] = 0
    if jwks:
        entry["jwks"] = jwks
    if usage_rules:
        entry["token_usage_rules"] = usage_rules
    if refresh_mode is not None:
        entry["revoke_refresh_on_issue"] = refresh_mode == "rotate"
    entry.update(c)  # anything else is passed to idpyoidc as is (e.g. userinfo_signed_response_alg)
    return entry


# --------------------------------------------------------------------------------------------------------------
# The idpyoidc server.
# --------------------------------------------------------------------------------------------------------------


def refresh_usage_rule(mode: str, lifetime: int | None) -> dict[str, Any]:
    mints = ["access_token", "id_token"] if mode == "reuse" else ["access_token", "refresh_token", "id_token"]
    rule: dict[str, Any] = {"supports_minting": mints}
    if lifetime is not None:
        rule["expires_in"] = lifetime
    return rule


def build_conf(settings: dict[str, Any], issuer: str, workdir: str) -> dict[str, Any]:
    users = settings["users"]
    authentication: dict[str, Any]
    if settings["login_form"]:
        authentication = {
            "user": {
                "acr": "urn:oasis:names:tc:SAML:2.0:ac:classes:InternetProtocolPassword",
                "class": "idpyoidc.server.user_authn.user.UserPassJinja2",
                "kwargs": {
                    "verify_endpoint": "verify/user",
                    "template": "user_pass.jinja2",
                    "db": {
                        "class": "idpyoidc.server.util.JSONDictDB",
                        "kwargs": {"filename": os.path.join(workdir, "passwd.json")},
                    },
                    "page_header": "swift-oidc test provider",
                    "submit_btn": "Log in",
                    "user_label": "Username",
                    "passwd_label": "Password",
                },
            }
        }
    else:
        authentication = {
            "anon": {
                "acr": "urn:oasis:names:tc:SAML:2.0:ac:classes:InternetProtocolPassword",
                "class": "idpyoidc.server.user_authn.user.NoAuthn",
                "kwargs": {"user": settings["user"]},
            }
        }

    usage_rules = {
        "authorization_code": {
            "supports_minting": ["access_token", "refresh_token", "id_token"],
            "max_usage": 1,
            "expires_in": settings["code_lifetime"],
        },
        "access_token": {"expires_in": settings["access_token_lifetime"]},
        "refresh_token": refresh_usage_rule(settings["refresh_mode"], settings["refresh_token_lifetime"]),
    }
    client_authn = ["client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt", "public"]

    return {
        "issuer": issuer,
        "entity_id": issuer,
        "httpc_params": {"verify": False, "timeout": 4},
        "key_conf": {
            "key_defs": [
                {"type": "RSA", "use": ["sig"]},
                {"type": "EC", "crv": "P-256", "use": ["sig"]},
                {"type": "OKP", "crv": "Ed25519", "use": ["sig"]},
            ],
            "uri_path": "jwks",
            "read_only": False,
        },
        "template_dir": os.path.join(HERE, "templates"),
        "preference": {
            "subject_types_supported": ["public"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "id_token_signing_alg_values_supported": SIGNING_ALGS,
            "userinfo_signing_alg_values_supported": SIGNING_ALGS,
            "token_endpoint_auth_signing_alg_values_supported": SIGNING_ALGS + ["HS256"],
            "scopes_supported": SCOPES,
            "claims_parameter_supported": True,
        },
        "add_on": {
            "pkce": {
                "function": "idpyoidc.server.oauth2.add_on.pkce.add_support",
                # Only S256: a request with code_challenge_method=plain (or none, which means plain) is refused.
                "kwargs": {"essential": True, "code_challenge_methods": {"S256": CC_METHOD["S256"]}},
            },
        },
        "authz": {
            "class": "idpyoidc.server.authz.AuthzHandling",
            "kwargs": {"grant_config": {"usage_rules": usage_rules, "expires_in": 43200}},
        },
        "authentication": authentication,
        "cookie_handler": {
            "class": "idpyoidc.server.cookie_handler.CookieHandler",
            "kwargs": {
                "keys": {
                    "private_path": os.path.join(workdir, "cookie_jwks.json"),
                    "key_defs": [
                        {"type": "OCT", "use": ["enc"], "kid": "enc"},
                        {"type": "OCT", "use": ["sig"], "kid": "sig"},
                    ],
                    "read_only": False,
                },
                "name": {"session": "oidc_op", "register": "oidc_op_rp", "session_management": "sman"},
            },
        },
        "claims_interface": {"class": "idpyoidc.server.session.claims.ClaimsInterface", "kwargs": {}},
        "endpoint": {
            "provider_info": {
                "path": ".well-known/openid-configuration",
                "class": "idpyoidc.server.oidc.provider_config.ProviderConfiguration",
                "kwargs": {"client_authn_method": None},
            },
            "authorization": {
                "path": "authorization",
                "class": "idpyoidc.server.oidc.authorization.Authorization",
                "kwargs": {
                    "client_authn_method": None,
                    "claims_parameter_supported": True,
                    "request_parameter_supported": False,
                    "request_uri_parameter_supported": False,
                    "response_types_supported": ["code", "code id_token", "id_token"],
                    "response_modes_supported": ["query", "fragment", "form_post"],
                },
            },
            "token": {
                "path": "token",
                "class": "idpyoidc.server.oidc.token.Token",
                "kwargs": {
                    "client_authn_method": client_authn,
                    "revoke_refresh_on_issue": settings["refresh_mode"] == "rotate",
                },
            },
            "userinfo": {
                "path": "userinfo",
                "class": "idpyoidc.server.oidc.userinfo.UserInfo",
                "kwargs": {"claim_types_supported": ["normal"]},
            },
            "end_session": {
                "path": "end_session",
                "class": "idpyoidc.server.oidc.session.Session",
                "kwargs": {
                    "logout_verify_url": f"{issuer}/verify_logout",
                    "post_logout_uri_path": "post_logout",
                    "signing_alg": "ES256",
                    "frontchannel_logout_supported": False,
                    "backchannel_logout_supported": False,
                },
            },
            "revocation": {
                "path": "revocation",
                "class": "idpyoidc.server.oauth2.token_revocation.TokenRevocation",
                "kwargs": {
                    "client_authn_method": client_authn,
                    "token_types_supported": ["access_token", "refresh_token"],
                },
            },
        },
        "token_handler_args": {
            "jwks_def": {
                "private_path": os.path.join(workdir, "token_jwks.json"),
                "read_only": False,
                "key_defs": [{"type": "oct", "bytes": "24", "use": ["enc"], "kid": "code"}],
            },
            "code": {"kwargs": {"lifetime": settings["code_lifetime"]}},
            "token": {
                "class": "idpyoidc.server.token.jwt_token.JWTToken",
                "kwargs": {"lifetime": settings["access_token_lifetime"], "add_claims_by_scope": True},
            },
            "refresh": {
                "class": "idpyoidc.server.token.jwt_token.JWTToken",
                "kwargs": {"lifetime": settings["refresh_token_lifetime"]},
            },
            "id_token": {
                "class": "idpyoidc.server.token.id_token.IDToken",
                "kwargs": {"lifetime": settings["id_token_lifetime"]},
            },
        },
        "userinfo": {
            "class": "idpyoidc.server.user_info.UserInfo",
            "kwargs": {"db": {uid: dict(u.get("claims", {})) for uid, u in users.items()}},
        },
        "session_params": {
            "encrypter": {
                "kwargs": {
                    "keys": {
                        "key_defs": [
                            {"type": "OCT", "use": ["enc"], "kid": "password"},
                            {"type": "OCT", "use": ["enc"], "kid": "salt"},
                        ]
                    }
                }
            },
            "sub_func": {
                "public": {"class": "idpyoidc.server.session.manager.PublicID", "kwargs": {"salt": SUB_SALT}},
            },
        },
    }


def build_server(settings: dict[str, Any], issuer: str, workdir: str) -> Server:
    with open(os.path.join(workdir, "passwd.json"), "w", encoding="utf-8") as f:
        json.dump({uid: u.get("password", "") for uid, u in settings["users"].items()}, f)
    conf = build_conf(settings, issuer, workdir)
    server = Server(OPConfiguration(conf=conf, base_path=workdir), cwd=workdir)
    context = server.context

    # Static client registration.
    for client in settings["clients"]:
        entry = client_entry(client)
        context.cdb[entry["client_id"]] = entry
        if entry.get("jwks"):
            server.keyjar.import_jwks(entry["jwks"], entry["client_id"])
        if entry.get("client_secret"):
            server.keyjar.add_symmetric(entry["client_id"], entry["client_secret"])

    if settings["advertise_iss_parameter"]:
        # idpyoidc puts iss in every authorization response made after authentication (its "mix-up
        # mitigation"), but has no metadata name for it.
        context.provider_info["authorization_response_iss_parameter_supported"] = True
    if not settings["raw"]:
        # A client assertion (private_key_jwt, client_secret_jwt) must name the server in aud. idpyoidc accepts
        # only the URL of the endpoint being called; also accept the issuer (RFC 7523bis, FAPI 2) and, at the
        # revocation endpoint, the token endpoint URL (what most clients send everywhere).
        server.endpoint["token"].allowed_targets = ["token", ""]
        server.endpoint["token_revocation"].allowed_targets = ["token_revocation", "token", ""]
    # RP-initiated logout is a browser redirect without client authentication, but idpyoidc 5's Session
    # endpoint runs the client authentication machinery and then fails on a missing key ('token'); skip it.
    server.endpoint["session"].client_authentication = lambda *args, **kwargs: {}
    for key in ("frontchannel_logout_supported", "frontchannel_logout_session_required",
                "backchannel_logout_supported", "backchannel_logout_session_required"):
        context.provider_info.pop(key, None)  # no front- or back-channel logout is configured
    context.provider_info["revocation_endpoint"] = server.endpoint["token_revocation"].full_path
    context.provider_info["code_challenge_methods_supported"] = ["S256"]
    # idpyoidc calls public-client authentication "public" and leaves it out of the standard list.
    for key in [] if settings["raw"] else ("token_endpoint_auth_methods_supported", "revocation_endpoint_auth_methods_supported"):
        methods = [m for m in context.provider_info.get(key, AUTH_METHODS[:-1]) if m != "public"]
        context.provider_info[key] = methods + ["none"]
    return server


# --------------------------------------------------------------------------------------------------------------
# The Flask front.
# --------------------------------------------------------------------------------------------------------------


class HiddenFormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and self.action is None:
            self.action = a.get("action", "")
        elif tag == "input" and a.get("name"):
            self.fields[a["name"]] = a.get("value", "")


def json_response(body: dict[str, Any] | str, status: int, headers: dict[str, str] | None = None) -> Response:
    text = body if isinstance(body, str) else json.dumps(body)
    resp = make_response(text, status)
    resp.headers["Content-Type"] = "application/json"
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["Pragma"] = "no-cache"
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def oauth_error(error: str, description: str, status: int = 400) -> Response:
    headers = {}
    if status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="swift-oidc-test-op"'
    return json_response({"error": error, "error_description": description}, status, headers)


def create_app(server: Server, settings: dict[str, Any]) -> Flask:
    app = Flask(__name__, template_folder=os.path.join(HERE, "templates"))
    app.logger.setLevel(logging.getLevelName(settings["log_level"].upper()))
    context = server.context

    def basic_credentials(value: str) -> str:
        """RFC 6749 §2.3.1: the client id and secret are form-urlencoded before they go into a Basic header.
        idpyoidc compares them without decoding, so an RFC-conformant client whose secret has any character
        outside [A-Za-z0-9-._~] fails; decode them here (unless --raw)."""
        if settings["raw"] or not value.startswith("Basic "):
            return value
        try:
            client_id, sep, secret = base64.b64decode(value[6:], validate=True).decode("utf-8").partition(":")
        except Exception:
            return value
        if not sep:
            return value
        plain = f"{unquote_plus(client_id)}:{unquote_plus(secret)}"
        return "Basic " + base64.b64encode(plain.encode("utf-8")).decode("ascii")

    def http_info() -> dict[str, Any]:
        headers = {k.lower(): v for k, v in request.headers.items() if k.lower() not in ("cookie", "user-agent")}
        if "authorization" in headers:
            headers["authorization"] = basic_credentials(headers["authorization"])
        return {
            "headers": headers,
            "method": request.method,
            "url": request.url,
            "cookie": [{"name": k, "value": v} for k, v in request.cookies.items()],
        }

    def request_args() -> dict[str, Any] | str:
        if request.method == "GET":
            return request.args.to_dict()
        return request.form.to_dict()

    def add_cookies(resp: Response, info: dict[str, Any]) -> None:
        cookies = info.get("cookie") or []
        if isinstance(cookies, dict):
            cookies = [cookies]
        for spec in cookies:
            kwargs = {k: v for k, v in spec.items() if k not in ("name",)}
            kwargs["path"] = "/"
            kwargs["samesite"] = "Lax"
            if context.issuer.startswith("http:"):
                kwargs["secure"] = False  # idpyoidc marks its cookies Secure; the issuer here is plain http
            resp.set_cookie(spec["name"], **kwargs)

    def finish(endpoint, req, args: dict[str, Any]) -> Response:
        """Turn idpyoidc's process_request result into an HTTP response."""
        if isinstance(args, ResponseMessage) and "error" in args:
            return json_response(args.to_json(), 400)
        if "http_response" in args:
            resp = make_response(args["http_response"], 200)
            resp.headers["Content-Type"] = "text/html; charset=utf-8"
            return resp
        if "redirect_location" in args:
            return redirect(args["redirect_location"])
        if settings["strip_iss_parameter"] and isinstance(args.get("response_args"), dict | ResponseMessage):
            for name in ("iss", "client_id"):
                if name in args["response_args"]:
                    del args["response_args"][name]
        if endpoint.name == "authorization" and "response_msg" in args and not settings["raw"]:
            args["response_msg"] = fix_form_post(args["response_msg"])
        info = endpoint.do_response(request=req, **args)
        placement = info.get("response_placement", endpoint.response_placement)
        if placement == "url":
            resp = redirect(info["response"], code=302)
        else:
            resp = make_response(info["response"], info.get("response_code", 200))
        for key, value in info.get("http_headers", []):
            resp.headers[key] = value
        add_cookies(resp, info)
        return resp

    def fix_form_post(page: str) -> str:
        """idpyoidc builds the form_post page before it adds iss to the response (so iss is missing from every
        form_post response), and puts the values in the page without HTML escaping. Re-render the page with
        escaped values and, unless --strip-iss-parameter, with iss."""
        form = HiddenFormParser()
        form.feed(page)
        if form.action is None:
            return page
        fields = dict(form.fields)
        if not settings["strip_iss_parameter"]:
            fields.setdefault("iss", context.issuer)
        escaped = {html.escape(k, quote=True): html.escape(v, quote=True) for k, v in fields.items()}
        return FORM_POST.format(inputs=inputs(escaped), action=html.escape(form.action, quote=True))

    def service(name: str, args: dict[str, Any] | None = None) -> Response:
        endpoint = server.endpoint[name]
        try:
            req = endpoint.parse_request(request_args() if args is None else args, http_info=http_info())
        except (ClientAuthenticationError, UnAuthorizedClient, InvalidClient, UnknownClient) as err:
            return oauth_error("invalid_client", f"client authentication failed: {err}", 401)
        except Exception as err:  # idpyoidc signals malformed requests with many exception types
            LOG.info("parse_request at %s failed: %r", name, err)
            if name == "userinfo" and not settings["raw"]:
                # An expired access token makes idpyoidc's UserInfo.parse_request fail on a missing key
                # ('token'), which would be a 400; RFC 6750 §3.1 says 401 invalid_token.
                return error_from_message(name, ResponseMessage(error="invalid_token", error_description="Invalid Token"))
            return oauth_error("invalid_request", str(err) or err.__class__.__name__)

        if isinstance(req, ResponseMessage) and "error" in req:
            return error_from_message(name, req)
        try:
            if isinstance(endpoint, Token):
                args = endpoint.process_request(AccessTokenRequest(**req), http_info=http_info())
            else:
                args = endpoint.process_request(req, http_info=http_info())
        except Exception as err:
            LOG.warning("process_request at %s failed: %r", name, err)
            LOG.debug("traceback", exc_info=True)
            return oauth_error("invalid_request", str(err) or err.__class__.__name__)
        if isinstance(args, ResponseMessage) and "error" in args:
            return error_from_message(name, args)
        return finish(endpoint, req, args)

    def error_from_message(name: str, msg: ResponseMessage) -> Response:
        body = msg.to_dict()
        if name == "authorization":
            redirected = authorization_error_redirect(body)
            if redirected is not None:
                return redirected
        if name == "token" and not settings["raw"]:
            remapped = TOKEN_ERROR_FIXES.get((body.get("error"), body.get("error_description")))
            if remapped:
                body["error"] = remapped
        status = 400
        if body.get("error") == "invalid_client":
            status = 401
        if name == "userinfo" and body.get("error") == "invalid_token":
            description = str(body.get("error_description", "")).replace('"', "'")
            return json_response(body, 401, {"WWW-Authenticate": f'Bearer error="invalid_token", error_description="{description}"'})
        return json_response(body, status)

    def authorization_error_redirect(body: dict[str, Any]) -> Response | None:
        """RFC 6749 §4.1.2.1: once client_id and redirect_uri are known good, errors go back to the client.

        idpyoidc returns the errors its request checks find (missing nonce, missing code_challenge, prompt
        without consent for offline_access, ...) as a message; its own example front answers them with a
        400 page. We send them to the redirect URI instead, in the response mode of the request, with the
        state and iss parameters, as its post-authentication errors are sent.
        """
        if settings["raw"]:
            return None
        client_id = request.values.get("client_id")
        redirect_uri = request.values.get("redirect_uri")
        if not client_id or not redirect_uri or client_id not in context.cdb:
            return None
        try:
            verify_uri(context, {"client_id": client_id, "redirect_uri": redirect_uri}, "redirect_uri")
        except Exception:
            return None
        params: dict[str, Any] = {"error": body["error"]}
        if body.get("error_description"):
            params["error_description"] = str(body["error_description"])
        if request.values.get("state"):
            params["state"] = request.values["state"]
        if not settings["strip_iss_parameter"]:
            params["iss"] = context.issuer
        mode = request.values.get("response_mode")
        response_type = set((request.values.get("response_type") or "").split())
        if mode not in ("query", "fragment", "form_post"):
            mode = "query" if response_type <= {"code"} else "fragment"
        if mode == "form_post":
            page = FORM_POST.format(inputs=inputs({k: html.escape(v, quote=True) for k, v in params.items()}), action=redirect_uri)
            resp = make_response(page, 200)
            resp.headers["Content-Type"] = "text/html; charset=utf-8"
            return resp
        separator = "#" if mode == "fragment" else ("&" if "?" in redirect_uri else "?")
        return redirect(redirect_uri + separator + urlencode(params), code=302)

    def loopback_redirect_registration(param: str = "redirect_uri", key: str = "redirect_uris") -> None:
        """Register the exact loopback redirect URI of this request when it matches a `:*` pattern."""
        client_id = request.values.get("client_id")
        uri = request.values.get(param)
        if not uri:
            return
        if not client_id and param == "post_logout_redirect_uri":
            client_id = client_id_from_id_token_hint(request.values.get("id_token_hint", ""))
        if not client_id or client_id not in context.cdb:
            return
        entry = context.cdb[client_id]
        if any(u == uri for u, _ in entry.get(key, [])):
            return
        for pattern in entry.get(f"{param}_patterns", []):
            rx = redirect_pattern(pattern)
            if rx is not None and rx.match(uri) and not urlsplit(uri).query and not urlsplit(uri).fragment:
                entry.setdefault(key, []).append((uri, {}))
                return

    @app.route("/.well-known/openid-configuration")
    def provider_info():
        return service("provider_config")

    @app.route("/jwks")
    def jwks():
        return json_response(server.keyjar.export_jwks(issuer_id=""), 200)

    @app.route("/authorization", methods=["GET", "POST"])
    def authorization():
        loopback_redirect_registration()
        args = request_args()
        if not settings["login_form"] and "login" in str(args.get("prompt", "")).split():
            # The automatic login authenticates afresh on every request (auth_time = now), which is what
            # prompt=login asks for; idpyoidc would instead call the login page of its no-login class and fail.
            prompt = [p for p in str(args["prompt"]).split() if p != "login"]
            if prompt:
                args["prompt"] = " ".join(prompt)
            else:
                del args["prompt"]
        return service("authorization", args)

    @app.route("/verify/user", methods=["POST"])
    def verify_user():
        authn_method = context.authn_broker.get_method_by_id("user")
        form = request.form.to_dict()
        try:
            username = authn_method.verify(**form)
        except FailedAuthentication:
            return make_response("<!doctype html><title>Login failed</title><p>Wrong username or password.</p>", 403)
        auth_args = authn_method.unpack_token(form["token"])
        authz_request = AuthorizationRequest().from_urlencoded(auth_args["query"])
        endpoint = server.endpoint["authorization"]
        session_id = endpoint.create_session(
            authz_request, username, auth_args["authn_class_ref"], auth_args["iat"], authn_method
        )
        args = endpoint.authz_part2(request=authz_request, session_id=session_id)
        if isinstance(args, ResponseMessage) and "error" in args:
            return json_response(args.to_json(), 400)
        return finish(endpoint, authz_request, args)

    @app.route("/token", methods=["POST"])
    def token():
        return service("token")

    @app.route("/userinfo", methods=["GET", "POST"])
    def userinfo():
        if not settings["raw"] and "authorization" not in request.headers and "access_token" not in request.values:
            # RFC 6750 §3.1: no credentials at all -> 401 with a bare challenge (idpyoidc says 400 "'token'").
            return json_response({"error": "invalid_request", "error_description": "no access token"}, 401,
                                 {"WWW-Authenticate": 'Bearer realm="swift-oidc-test-op"'})
        return service("userinfo")

    @app.route("/revocation", methods=["POST"])
    def revocation():
        return service("token_revocation")  # 200 "OK" (text/plain), also for unknown tokens (RFC 7009 §2.2)

    @app.route("/end_session", methods=["GET", "POST"])
    def end_session():
        """RP-initiated logout. idpyoidc needs its session cookie (set by /authorization) to find the session,
        then sends the browser to /verify_logout to confirm."""
        loopback_redirect_registration("post_logout_redirect_uri", "post_logout_redirect_uri")
        return service("session")

    @app.route("/verify_logout", methods=["GET"])
    def verify_logout():
        sjwt = html.escape(request.args.get("sjwt", ""), quote=True)
        page = (
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Log out</title></head><body>"
            "<h1>Log out of the swift-oidc test provider?</h1>"
            f"<form id=\"logout\" method=\"post\" action=\"{context.issuer}/rp_logout\">"
            f"<input type=\"hidden\" name=\"sjwt\" value=\"{sjwt}\">"
            "<button type=\"submit\" id=\"submit\">Log out</button></form></body></html>"
        )
        resp = make_response(page, 200)
        resp.headers["Content-Type"] = "text/html; charset=utf-8"
        return resp

    @app.route("/rp_logout", methods=["POST"])
    def rp_logout():
        endpoint = server.endpoint["session"]
        try:
            info = endpoint.unpack_signed_jwt(request.form["sjwt"])
        except Exception as err:
            return oauth_error("invalid_request", f"bad logout confirmation: {err}")
        endpoint.do_verified_logout(alla="logout" in request.form, **info)
        resp = redirect(info["redirect_uri"], code=302)
        for cookie in endpoint.kill_cookies():
            add_cookies(resp, {"cookie": [cookie]})
        return resp

    @app.route("/post_logout", methods=["GET"])
    def post_logout():
        return make_response("<!doctype html><title>Logged out</title><p>You are logged out.</p>", 200)

    @app.route("/health")
    def health():
        return json_response({"status": "ok"}, 200)

    # idpyoidc's session and token stores are plain dictionaries, not made for concurrent use: the server
    # accepts connections on many threads but runs one request at a time through idpyoidc.
    lock = threading.Lock()
    inner = app.wsgi_app

    def serialized(environ, start_response):
        with lock:
            return inner(environ, start_response)

    app.wsgi_app = serialized

    return app


# --------------------------------------------------------------------------------------------------------------
# Life cycle.
# --------------------------------------------------------------------------------------------------------------


WORKDIRS: list[str] = []  # idpyoidc's key and password files; removed on every way out


def shutdown(code: int = 0) -> None:
    for path in WORKDIRS:
        shutil.rmtree(path, ignore_errors=True)
    os._exit(code)


def watch_stdin() -> None:
    try:
        while True:
            chunk = os.read(0, 4096)
            if not chunk:
                break
    except OSError:
        pass
    LOG.info("stdin closed: exiting")
    shutdown(0)


def watch_parent(parent: int) -> None:
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            LOG.info("parent %d went away: exiting", parent)
            shutdown(0)


def stdin_is_watchable() -> bool:
    try:
        mode = os.fstat(0).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    settings = load_settings(args)
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.getLevelName(settings["log_level"].upper()),
        format="op.py %(levelname)s %(name)s: %(message)s",
    )
    if logging.getLogger().level > logging.INFO:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)

    workdir = tempfile.mkdtemp(prefix="swift-oidc-op-")
    WORKDIRS.append(workdir)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda *_: shutdown(0))

    host = settings["host"]
    # Bind first so that the issuer can name the port that was picked.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, int(settings["port"])))
    except OSError as err:
        shutil.rmtree(workdir, ignore_errors=True)
        raise SystemExit(f"op.py: cannot listen on {host}:{settings['port']}: {err}")
    sock.listen(64)
    port = sock.getsockname()[1]
    host_in_url = f"[{host}]" if ":" in host else host
    issuer = f"http://{host_in_url}:{port}"

    try:
        server = build_server(settings, issuer, workdir)
        app = create_app(server, settings)
        httpd = make_server(host, port, app, threaded=True, fd=sock.fileno())
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise

    watch = settings["stdin_watch"]
    if watch is None:
        watch = stdin_is_watchable()
    if watch:
        threading.Thread(target=watch_stdin, name="stdin-watch", daemon=True).start()
    threading.Thread(target=watch_parent, args=(os.getppid(),), name="parent-watch", daemon=True).start()

    ready = {
        "issuer": issuer,
        "port": port,
        "pid": os.getpid(),
        "discovery": f"{issuer}/.well-known/openid-configuration",
        "login": "form" if settings["login_form"] else "automatic",
        "user": settings["user"],
        "subs": {uid: public_id(uid, SUB_SALT) for uid in settings["users"]},
        "clients": [c["client_id"] for c in settings["clients"]],
    }
    sys.stdout.write(json.dumps(ready) + "\n")
    sys.stdout.flush()
    sys.stdout = sys.stderr  # the readiness line is the only thing ever written to stdout
    try:
        httpd.serve_forever()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
