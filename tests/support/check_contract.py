#!/usr/bin/python3
"""Checks responses against the OpenAPI document (api/openapi.yaml) for the
end-to-end tests, which see every response through their HTTP client.

Reads one JSON object per line on stdin:
  {"method": "GET", "target": "/v1/products/X?y", "status": 200,
   "headers": {"content-type": "...", ...}, "body": "..."}
and answers one line on stdout: "ok", or what does not match.

A response matches when its path and method name an operation (else it
must be a documented 404 not_found or 405 method_not_allowed with Allow),
its status is one of the operation's responses (or one every operation may
give: 400 bad_request, 431 headers_too_large, 503 too_many_connections,
before a request is routed), every required header is present and valid,
and its body is of a documented media type and valid against its schema
(JSON Schema 2020-12, as OpenAPI 3.1 defines it). HEAD is checked as GET
without a body."""

import json
import re
import sys
from urllib.parse import unquote

import jsonschema
import yaml

METHODS = ("get", "put", "post", "delete", "patch", "head")


def load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


class Contract:
    def __init__(self, spec):
        self.spec = spec
        self.resolver = jsonschema.RefResolver(base_uri="", referrer=spec)
        self.validators = {}
        # Literal paths before templated ones.
        self.paths = []
        for template, item in spec["paths"].items():
            pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+",
                                   re.escape(template)) + "$"
            self.paths.append(("{" in template, re.compile(pattern), item))
        self.paths.sort(key=lambda p: p[0])

    def deref(self, obj):
        while isinstance(obj, dict) and "$ref" in obj:
            _, obj = self.resolver.resolve(obj["$ref"])
        return obj

    def validate(self, schema, value, where):
        key = json.dumps(schema, sort_keys=True)
        v = self.validators.get(key)
        if v is None:
            v = jsonschema.Draft202012Validator(schema, resolver=self.resolver)
            self.validators[key] = v
        errors = sorted(v.iter_errors(value), key=lambda e: list(e.path))
        if errors:
            e = errors[0]
            at = "/".join(str(p) for p in e.path)
            return f"{where}: {e.message} (at /{at})"
        return None

    def error_body(self, body, where):
        try:
            value = json.loads(body)
        except ValueError:
            return f"{where}: the body is not JSON: {body[:200]!r}"
        return self.validate({"$ref": "#/components/schemas/Error"}, value, where)

    def check(self, r):
        method = r["method"].lower()
        head = method == "head"
        if head:
            method = "get"
        status = str(r["status"])
        headers = {k.lower(): v for k, v in r["headers"].items()}
        body = r["body"]
        path = unquote(r["target"].split("?", 1)[0])
        where = f'{r["method"]} {r["target"]} -> {status}'
        if "x-request-id" not in headers:
            return f"{where}: no X-Request-Id"
        item = next((i for _, p, i in self.paths if p.match(path)), None)
        op = item.get(method) if item else None
        if op is None:
            if item is None and status == "404":
                return None if head else self.error_body(body, where)
            if item is not None and status == "405":
                if "allow" not in headers:
                    return f"{where}: 405 without Allow"
                return None if head else self.error_body(body, where)
            if status in ("400", "413", "431", "503"):
                return None if head else self.error_body(body, where)
            return f"{where}: no operation {method.upper()} {path} in the document"
        response = op["responses"].get(status)
        if response is None:
            if status in ("400", "431", "503"):
                return None if head else self.error_body(body, where)
            return (f"{where}: status {status} is not documented for "
                    f"{method.upper()} (documented: {', '.join(op['responses'])})")
        response = self.deref(response)
        for name, h in response.get("headers", {}).items():
            h = self.deref(h)
            value = headers.get(name.lower())
            if value is None:
                if h.get("required"):
                    return f"{where}: required header {name} is missing"
                continue
            if "schema" in h:
                problem = self.validate(h["schema"], value, f"{where}: header {name}")
                if problem:
                    return problem
        content = response.get("content")
        if head or status == "304" or not content:
            if body and not head and not content:
                return f"{where}: a body where the document has none: {body[:200]!r}"
            return None
        media = headers.get("content-type", "").split(";")[0].strip()
        if media not in content:
            return (f"{where}: Content-Type {media!r} is not documented "
                    f"({', '.join(content)})")
        schema = content[media].get("schema")
        if schema is None:
            return None
        if media.endswith("json"):
            try:
                value = json.loads(body)
            except ValueError:
                return f"{where}: the body is not JSON: {body[:200]!r}"
        else:
            value = body
        return self.validate(schema, value, f"{where}: body")


def main():
    contract = Contract(load(sys.argv[1]))
    for line in sys.stdin:
        try:
            problem = contract.check(json.loads(line))
        except Exception as e:  # a bug here must fail the test, not hang it
            problem = f"contract checker failed: {e!r}"
        sys.stdout.write(("ok" if problem is None else problem.replace("\n", " ")) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
