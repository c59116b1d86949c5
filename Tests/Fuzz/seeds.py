#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes seed inputs for each fuzz target from the test vectors (Tests/JOSETests/Vectors).

Usage: seeds.py OUTPUT_DIR   (creates OUTPUT_DIR/<target>/<sha1>). The hand-written seeds in
Corpus/<target>/ are committed; these are derived on every run, so they follow the vectors.
"""
import base64
import hashlib
import json
import os
import pathlib
import sys

VECTORS = pathlib.Path(__file__).resolve().parent.parent / "JOSETests" / "Vectors"


def walk(value):
    """Every value in a JSON document, depth first."""
    yield value
    if isinstance(value, dict):
        for item in value.values():
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)


def is_compact(text):
    parts = text.split(".")
    return len(parts) == 3 and len(text) < 65536 and all(set(p) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") for p in parts) and parts[0]


def b64decode(part):
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def main(output):
    seeds = {name: set() for name in [
        "FuzzBase64URL", "FuzzJSON", "FuzzCompactJWS", "FuzzJWKSet", "FuzzCallback", "FuzzTokenResponse"]}
    documents = [json.loads(path.read_text()) for path in sorted(VECTORS.glob("*/json_web_*.json"))]
    documents += [json.loads(path.read_text()) for path in sorted(VECTORS.glob("rfc/*.json"))]
    for document in documents:
        for value in walk(document):
            if isinstance(value, str) and is_compact(value):
                token = value.encode()
                seeds["FuzzCompactJWS"].add(token)
                header, payload, signature = value.split(".")
                for part in (header, payload, signature):
                    seeds["FuzzBase64URL"].add(part.encode())
                for part in (header, payload):
                    try:
                        seeds["FuzzJSON"].add(b64decode(part))
                    except ValueError:
                        pass
                query = f"https://a.example/cb?code=the-code&state=state-123&id_token={value}".encode()
                seeds["FuzzCallback"].add(bytes([3]) + query)
                body = json.dumps({"access_token": "at", "token_type": "Bearer", "id_token": value}).encode()
                seeds["FuzzTokenResponse"].add(bytes([0]) + body)
            elif isinstance(value, dict) and isinstance(value.get("kty"), str):
                seeds["FuzzJWKSet"].add(json.dumps({"keys": [value]}).encode())
                seeds["FuzzJWKSet"].add(json.dumps(value).encode())
                seeds["FuzzJSON"].add(json.dumps(value).encode())
                for member in ("n", "e", "x", "y", "d", "k"):
                    if isinstance(value.get(member), str):
                        seeds["FuzzBase64URL"].add(value[member].encode())
            elif isinstance(value, dict) and isinstance(value.get("keys"), list):
                seeds["FuzzJWKSet"].add(json.dumps(value).encode())
    for target, inputs in seeds.items():
        directory = pathlib.Path(output) / target
        directory.mkdir(parents=True, exist_ok=True)
        for data in inputs:
            (directory / hashlib.sha1(data).hexdigest()).write_bytes(data)
        print(f"{target}: {len(inputs)} seeds from the vectors")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".build", "seeds"))
