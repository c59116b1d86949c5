#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Independent JOSE peer for DifferentialTests.swift, built on joserfc + cryptography.

Commands (JSON on stdout, diagnostics on stderr):

  sign     Generate a fresh key per algorithm, sign a realistic JWT with joserfc and print
           {"tokens": [...], "negatives": [...], "confusion": [...]}.
             tokens[i]    = {alg, public_jwk, token, claims, note[, rsa_bits]}; per fresh key also `thumbprint`
                            (RFC 7638), `private_jwk` and, for RSA/EC/OKP, `public_pem` (SPKI),
                            `private_pem_pkcs8` and (RSA/EC only) `private_pem_traditional`
             negatives[i] = {case, alg, public_jwk, token}   (the verifier is configured for `alg`)
             confusion[i] = {case, alg, public_jwk, public_pem, secret_b64u, token}
  verify   Read [{id, alg, public_jwk, token[, private_jwk]}] from stdin, verify each with joserfc
           allowing only `alg`, validate exp/nbf/iat, and print
           [{id, alg, ok, error, header, claims, thumbprint[, public_from_private, token_back]}].
           With `private_jwk`, the key is imported as a private key and signs `token_back` with `alg`.

Exit status: 0 on success, 3 when joserfc or cryptography is missing, 2 on a usage error.
"""

import base64
import hashlib
import hmac
import json
import secrets
import sys
import time
import warnings

try:
    import cryptography
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
    import joserfc
    from joserfc import jwt
    from joserfc.jwk import ECKey, OctKey, OKPKey, RSAKey, JWKRegistry
    from joserfc.errors import SecurityWarning
    from joserfc.jws import JWSRegistry
except ImportError as error:  # pragma: no cover - exercised only on a misconfigured machine
    print(f"jose_peer: missing module ({error}); run `pip install joserfc cryptography`", file=sys.stderr)
    sys.exit(3)

ALGORITHMS = [
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
    "ES256", "ES384", "ES512", "EdDSA", "Ed25519", "HS256", "HS384", "HS512",
]
RSA_BITS = {"RS256": 2048, "RS384": 3072, "RS512": 2048, "PS256": 2048, "PS384": 2048, "PS512": 4096}
EC_CURVES = {"ES256": ("P-256", 32), "ES384": ("P-384", 48), "ES512": ("P-521", 66)}
HMAC_BYTES = {"HS256": 32, "HS384": 48, "HS512": 64}

# joserfc warns about EdDSA (deprecated by RFC 9864) and weak keys; both are used here on purpose.
warnings.filterwarnings("ignore", category=SecurityWarning)


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64u_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def compact(header: dict, payload: bytes, signature: bytes) -> str:
    head = b64u(json.dumps(header, separators=(",", ":")).encode())
    return f"{head}.{b64u(payload)}.{b64u(signature)}"


def split(token: str) -> tuple[str, str, str]:
    head, payload, signature = token.split(".")
    return head, payload, signature


def realistic_claims(alg: str, now: int) -> dict:
    """An OIDC-style ID token payload: registered claims, unicode, nesting, arrays, a float."""
    return {
        "iss": "https://login.example.com/tenant-42/v2.0",
        "sub": f"user-{secrets.token_hex(8)}",
        "aud": ["swift-oidc-client", "https://api.example.com"],
        "exp": now + 3600,
        "nbf": now - 30,
        "iat": now - 5,
        "auth_time": now - 120,
        "jti": secrets.token_urlsafe(16),
        "nonce": secrets.token_urlsafe(24),
        "azp": "swift-oidc-client",
        "name": "José Müller-Łukasiewicz 🔐",
        "email": "jose@example.com",
        "email_verified": True,
        "amr": ["pwd", "mfa", "hwk"],
        "acr": "urn:mace:incommon:iap:silver",
        "address": {"street_address": "1 Rue de l'Église\nBât. \"B\"", "country": "FR", "postal_code": None},
        "scores": [0, -1, 2.5, 1e-3, 12345678901],
        "test_alg": alg,
    }


def make_key(alg: str, kid: str):
    params = {"kid": kid, "use": "sig"}
    if alg in RSA_BITS:
        return RSAKey.generate_key(RSA_BITS[alg], parameters=params)
    if alg in EC_CURVES:
        return ECKey.generate_key(EC_CURVES[alg][0], parameters=params)
    if alg in ("EdDSA", "Ed25519"):
        return OKPKey.generate_key("Ed25519", parameters=params)
    if alg in HMAC_BYTES:
        return OctKey.generate_key(HMAC_BYTES[alg] * 8, parameters=params)
    raise ValueError(alg)


def public_jwk(key) -> dict:
    # An oct key has no public part: the peer hands over the secret JWK, which is what a verifier needs.
    return key.as_dict(private=isinstance(key, OctKey))


def key_pems(key) -> dict:
    private, public = key.private_key, key.public_key
    pems = {
        "public_pem": public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode(),
        "private_pem_pkcs8": private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode(),
    }
    if isinstance(key, (RSAKey, ECKey)):  # PKCS#1 "RSA PRIVATE KEY" / SEC 1 "EC PRIVATE KEY"
        pems["private_pem_traditional"] = private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption()).decode()
    return pems


def sign_with(key, alg: str, claims: dict, extra_header: dict | None = None) -> str:
    header = {"alg": alg, "kid": key.kid, **(extra_header or {})}
    return jwt.encode(header, claims, key, algorithms=[alg])


def cmd_sign() -> dict:
    now = int(time.time())
    tokens, negatives, confusion = [], [], []
    keys = {}
    for alg in ALGORITHMS:
        key = make_key(alg, f"py-{alg.lower()}-{secrets.token_hex(4)}")
        keys[alg] = key
        claims = realistic_claims(alg, now)
        item = {"alg": alg, "public_jwk": public_jwk(key), "token": sign_with(key, alg, claims), "claims": claims,
                "thumbprint": key.thumbprint(), "private_jwk": key.as_dict(private=True), "note": "fresh key"}
        if not isinstance(key, OctKey):
            item.update(key_pems(key))
        if isinstance(key, RSAKey):
            item["rsa_bits"] = key.raw_value.key_size
        tokens.append(item)

    # ECDSA components with a leading zero byte: exercises raw r||s <-> DER conversion of short integers.
    for alg, (_, size) in EC_CURVES.items():
        key, claims = keys[alg], realistic_claims(alg, now)
        for attempt in range(20000):
            claims["jti"] = f"pad-{attempt}"
            token = sign_with(key, alg, claims)
            signature = b64u_decode(split(token)[2])
            assert len(signature) == 2 * size, (alg, len(signature))
            if signature[0] == 0 or signature[size] == 0:
                tokens.append({"alg": alg, "public_jwk": public_jwk(key), "token": token, "claims": claims,
                               "note": "r or s has a leading zero byte"})
                break
        else:
            raise RuntimeError(f"no short ECDSA component found for {alg}")

    # Unusual but valid RSA keys: a 2056-bit modulus (257-byte signatures) and public exponent 3.
    for alg, bits, exponent, note in (("RS256", 2056, 65537, "2056-bit modulus"), ("PS256", 2048, 3, "exponent 3")):
        raw = rsa.generate_private_key(public_exponent=exponent, key_size=bits)
        key = RSAKey.import_key(raw, parameters={"kid": f"py-{alg.lower()}-odd", "use": "sig"})
        claims = realistic_claims(alg, now)
        tokens.append({"alg": alg, "public_jwk": public_jwk(key), "token": sign_with(key, alg, claims),
                       "claims": claims, "rsa_bits": raw.key_size, "note": note})

    # --- negatives -----------------------------------------------------------------------------------
    def negative(case: str, alg: str, key_jwk: dict, token: str) -> None:
        negatives.append({"case": case, "alg": alg, "public_jwk": key_jwk, "token": token})

    def resign_header(token: str, header_changes: dict) -> str:
        head, payload, signature = split(token)
        header = json.loads(b64u_decode(head))
        header.update(header_changes)
        return f"{b64u(json.dumps(header, separators=(',', ':')).encode())}.{payload}.{signature}"

    def tamper_payload(token: str) -> str:
        head, payload, signature = split(token)
        claims = json.loads(b64u_decode(payload))
        claims["sub"] = "admin"
        return f"{head}.{b64u(json.dumps(claims, separators=(',', ':')).encode())}.{signature}"

    def flip_signature_bit(token: str) -> str:
        head, payload, signature = split(token)
        raw = bytearray(b64u_decode(signature))
        raw[len(raw) // 2] ^= 0x01
        return f"{head}.{payload}.{b64u(bytes(raw))}"

    by_alg = {item["alg"]: item for item in tokens if item["note"] == "fresh key"}
    for alg in ("RS256", "PS384", "ES256", "ES512", "EdDSA", "Ed25519", "HS256"):
        negative(f"tampered_payload/{alg}", alg, by_alg[alg]["public_jwk"], tamper_payload(by_alg[alg]["token"]))
    for alg in ("RS512", "PS256", "ES384", "EdDSA", "HS512"):
        negative(f"flipped_signature_bit/{alg}", alg, by_alg[alg]["public_jwk"],
                 flip_signature_bit(by_alg[alg]["token"]))

    # Signed by another key of the same type that claims the victim's kid.
    for alg in ("RS256", "PS512", "ES256", "ES384", "ES512", "Ed25519", "HS384"):
        victim = keys[alg]
        other_alg = alg if alg not in RSA_BITS else "RS512"  # any RSA key will do; reuse a 2048-bit size
        attacker = make_key(other_alg, victim.kid)
        token = jwt.encode({"alg": alg, "kid": victim.kid}, realistic_claims(alg, now), attacker, algorithms=[alg])
        negative(f"other_key/{alg}", alg, public_jwk(victim), token)

    # Header alg rewritten, signature kept.
    rs = by_alg["RS256"]
    negative("alg_changed/RS256->RS512,allow_RS256", "RS256", rs["public_jwk"],
             resign_header(rs["token"], {"alg": "RS512"}))
    negative("alg_changed/RS256->RS512,allow_RS512", "RS512", rs["public_jwk"],
             resign_header(rs["token"], {"alg": "RS512"}))
    negative("alg_changed/PS256->RS256,allow_RS256", "RS256", by_alg["PS256"]["public_jwk"],
             resign_header(by_alg["PS256"]["token"], {"alg": "RS256"}))
    negative("alg_changed/ES256->ES384,allow_ES384", "ES384", by_alg["ES256"]["public_jwk"],
             resign_header(by_alg["ES256"]["token"], {"alg": "ES384"}))
    negative("alg_changed/HS256->HS512,allow_HS512", "HS512", by_alg["HS256"]["public_jwk"],
             resign_header(by_alg["HS256"]["token"], {"alg": "HS512"}))
    negative("alg_changed/EdDSA->Ed25519,allow_EdDSA", "EdDSA", by_alg["EdDSA"]["public_jwk"],
             resign_header(by_alg["EdDSA"]["token"], {"alg": "Ed25519"}))
    head, payload, _ = split(rs["token"])
    none_head = b64u(json.dumps({"alg": "none", "typ": "JWT"}, separators=(",", ":")).encode())
    negative("alg_none/empty_signature", "RS256", rs["public_jwk"], f"{none_head}.{payload}.")

    # ECDSA signature in DER (what OpenSSL and cryptography emit natively) instead of raw r||s.
    es_key = keys["ES256"]
    header = {"typ": "JWT", "alg": "ES256", "kid": es_key.kid}
    signing_input = compact(header, json.dumps(realistic_claims("ES256", now)).encode(), b"").rsplit(".", 1)[0]
    der = es_key.private_key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256()))
    negative("ecdsa_der_signature/ES256", "ES256", public_jwk(es_key), f"{signing_input}.{b64u(der)}")
    r, s = decode_dss_signature(der)
    control = f"{signing_input}.{b64u(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"
    tokens.append({"alg": "ES256", "public_jwk": public_jwk(es_key), "token": control,
                   "claims": json.loads(b64u_decode(split(control)[1])), "note": "cryptography raw r||s control"})

    # PSS with a maximal salt instead of the hash-length salt RFC 7518 §3.5 requires.
    ps_key = keys["PS256"]
    header = {"typ": "JWT", "alg": "PS256", "kid": ps_key.kid}
    signing_input = compact(header, json.dumps(realistic_claims("PS256", now)).encode(), b"").rsplit(".", 1)[0]
    signature = ps_key.private_key.sign(
        signing_input.encode(),
        padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.MAX_LENGTH), hashes.SHA256())
    negative("pss_max_salt/PS256", "PS256", public_jwk(ps_key), f"{signing_input}.{b64u(signature)}")

    # EC public key whose point is not on the curve (y + 1): key import must fail.
    bad_ec = dict(public_jwk(keys["ES256"]))
    y = int.from_bytes(b64u_decode(bad_ec["y"]), "big")
    bad_ec["y"] = b64u(((y + 1) % (1 << 256)).to_bytes(32, "big"))
    negative("ec_point_off_curve/ES256", "ES256", bad_ec, by_alg["ES256"]["token"])

    # A 1024-bit RSA key signing a perfectly valid RS256 token: too weak, key import must fail.
    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    weak_jwk = RSAKey.import_key(weak.public_key(), parameters={"kid": "weak", "use": "sig"}).as_dict(private=False)
    header = {"typ": "JWT", "alg": "RS256", "kid": "weak"}
    signing_input = compact(header, json.dumps(realistic_claims("RS256", now)).encode(), b"").rsplit(".", 1)[0]
    signature = weak.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    negative("rsa_1024_key/RS256", "RS256", weak_jwk, f"{signing_input}.{b64u(signature)}")

    # HS256 with a 16-byte secret (below the hash length): key import must fail.
    short_secret = secrets.token_bytes(16)
    header = {"typ": "JWT", "alg": "HS256"}
    signing_input = compact(header, json.dumps(realistic_claims("HS256", now)).encode(), b"").rsplit(".", 1)[0]
    tag = hmac.new(short_secret, signing_input.encode(), hashlib.sha256).digest()
    negative("hmac_short_secret/HS256", "HS256", {"kty": "oct", "k": b64u(short_secret)},
             f"{signing_input}.{b64u(tag)}")

    # --- RS256 -> HS256 confusion: MAC keyed with the RSA public key's own bytes ---------------------
    rsa_item = by_alg["RS256"]
    rsa_key = keys["RS256"]
    pem = rsa_key.public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    jwk_text = json.dumps(rsa_item["public_jwk"], separators=(",", ":")).encode()
    _, payload, _ = split(rsa_item["token"])
    for secret_name, secret in (("pem", pem), ("jwk_json", jwk_text)):
        for with_kid in (True, False):
            header = {"typ": "JWT", "alg": "HS256"}
            if with_kid:
                header["kid"] = rsa_key.kid
            head = b64u(json.dumps(header, separators=(",", ":")).encode())
            tag = hmac.new(secret, f"{head}.{payload}".encode(), hashlib.sha256).digest()
            confusion.append({
                "case": f"rs256_as_hs256/{secret_name}/{'kid' if with_kid else 'no_kid'}",
                "alg": "RS256", "public_jwk": rsa_item["public_jwk"], "public_pem": pem.decode(),
                "secret_b64u": b64u(secret), "token": f"{head}.{payload}.{b64u(tag)}",
            })

    return {"peer": {"joserfc": joserfc.__version__, "cryptography": cryptography.__version__},
            "tokens": tokens, "negatives": negatives, "confusion": confusion}


def cmd_verify(items: list) -> list:
    results = []
    for item in items:
        alg = item["alg"]
        result = {"id": item.get("id"), "alg": alg, "ok": False, "error": None, "header": None, "claims": None,
                  "thumbprint": None}
        try:
            if "private_jwk" in item:
                private = JWKRegistry.import_key(item["private_jwk"])
                if not private.is_private:
                    raise ValueError("private_jwk imported as a public key")
                result["public_from_private"] = public_jwk(private)
                back = {"iss": "joserfc", "sub": "signed-back", "test_alg": alg, "iat": int(time.time())}
                result["token_back"] = sign_with(private, alg, back)
            key = JWKRegistry.import_key(item["public_jwk"])
            result["thumbprint"] = key.thumbprint()
            token = jwt.decode(item["token"], key, algorithms=[alg])
            if token.header.get("alg") != alg:
                raise ValueError(f"header alg {token.header.get('alg')!r} is not {alg!r}")
            jwt.JWTClaimsRegistry(leeway=60).validate(token.claims)
            result.update(ok=True, header=token.header, claims=token.claims)
        except Exception as error:  # every failure is a verdict, reported per item
            result["error"] = f"{type(error).__name__}: {error}"
        results.append(result)
    return results


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[1] not in ("sign", "verify"):
        print("usage: jose_peer.py sign | verify < items.json", file=sys.stderr)
        return 2
    assert set(ALGORITHMS) <= set(JWSRegistry.algorithms), "joserfc lacks an algorithm under test"
    output = cmd_sign() if argv[1] == "sign" else cmd_verify(json.load(sys.stdin))
    json.dump(output, sys.stdout, ensure_ascii=False, separators=(",", ":"))
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
