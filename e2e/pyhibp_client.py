#!/usr/bin/env python3
"""Runs the real `pyhibp` PyPI client (4.2.0) against a HIBP API v3-compatible
server and prints what each call returned.

    .venv/bin/python e2e/pyhibp_client.py CONFIG.json

CONFIG.json: {"baseUrl": "http://127.0.0.1:PORT/api/v3", "apiKey": "...",
  "badApiKey": "...", "accounts": [...], "breachNames": [...], "domains": [...]}

stdout: ONE JSON array, one entry per call, in the order made:
  {"call": "get_account_breaches", "args": {...}, "ok": true, "result": <returned value>}
  {"call": ..., "args": {...}, "ok": false,
   "error": {"name": "RuntimeError", "message": ..., "retryAfterSeconds": N or null}}
`args` holds the keyword arguments passed, under pyhibp's own parameter names,
plus "apiKey": "$apiKey" / "$badApiKey" for calls that send a key (never its value).
pyhibp turns a 404 into [] (get_account_breaches, get_all_breaches, get_pastes)
or {} (get_single_breach), and a 404 from get_data_classes into a RuntimeError.

Points pyhibp at the server through its module-level HIBP_API_BASE_URI.
Asserts nothing: the caller compares the report with the server's data.
Exit 0 whatever the server answered; 2 when the config can't be read.
"""

import json
import re
import sys

import pyhibp

TIMEOUT = 15.0
USER_AGENT = "lekradar-e2e pyhibp-client"
# The e-mail test the npm hibp client uses, so both ask for pastes alike.
EMAIL = re.compile(r"^.+@.+$")


def die(message):
    print(f"pyhibp_client: {message}", file=sys.stderr)
    sys.exit(2)


def load_config(argv):
    if len(argv) != 2:
        die("usage: python e2e/pyhibp_client.py CONFIG.json")
    path = argv[1]
    try:
        with open(path, encoding="utf-8") as f:
            config = json.load(f)
    except (OSError, ValueError) as e:
        die(f"cannot read config {path}: {e}")
    if not isinstance(config, dict) or not isinstance(config.get("baseUrl"), str):
        die(f'config {path}: "baseUrl" (a string) is required')
    for key in ("accounts", "breachNames", "domains"):
        value = config.setdefault(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            die(f'config {path}: "{key}" must be an array of strings')
    for key in ("apiKey", "badApiKey"):
        if config.get(key) is not None and not isinstance(config[key], str):
            die(f'config {path}: "{key}" must be a string')
    return config


def main(argv):
    config = load_config(argv)
    api_key = config.get("apiKey")
    bad_api_key = config.get("badApiKey")
    accounts = config["accounts"]
    breach_names = config["breachNames"]
    domains = config["domains"]

    # pyhibp joins HIBP_API_BASE_URI and the endpoint by plain concatenation.
    pyhibp.HIBP_API_BASE_URI = config["baseUrl"].rstrip("/") + "/"
    pyhibp.set_user_agent(ua=USER_AGENT)
    # pyhibp refuses (RuntimeError, no request sent) to call the keyed
    # endpoints without a key; an absent apiKey shows up as such errors.
    pyhibp.set_api_key(key=api_key)

    report = []

    def record(call, fn, kwargs, key=None):
        args = dict(kwargs)
        if key is not None:
            args["apiKey"] = key
        try:
            result = fn(timeout=TIMEOUT, **kwargs)
            report.append({"call": call, "args": args, "ok": True, "result": result})
        except Exception as e:  # record everything, judge nothing
            message = str(e)
            retry = re.search(r"Retry-After header was: (\d+)", message)
            report.append({
                "call": call,
                "args": args,
                "ok": False,
                "error": {
                    "name": type(e).__name__,
                    "message": message,
                    "retryAfterSeconds": int(retry.group(1)) if retry else None,
                },
            })

    # pyhibp's own defaults are truncate_response=False, include_unverified=False
    # (the API's are true/true), and it always sends both, as "True"/"False".
    breached_variants = [
        {},
        {"truncate_response": True},
        {"truncate_response": False},
        {"include_unverified": True},
        {"include_unverified": False},
        {"truncate_response": True, "include_unverified": True},
    ]
    for account in accounts:
        for variant in breached_variants:
            record("get_account_breaches", pyhibp.get_account_breaches,
                   {"account": account, **variant}, key="$apiKey")
        for domain in domains:
            record("get_account_breaches", pyhibp.get_account_breaches,
                   {"account": account, "domain": domain}, key="$apiKey")
            record("get_account_breaches", pyhibp.get_account_breaches,
                   {"account": account, "domain": domain,
                    "truncate_response": True, "include_unverified": True}, key="$apiKey")

    record("get_all_breaches", pyhibp.get_all_breaches, {})
    for domain in domains:
        record("get_all_breaches", pyhibp.get_all_breaches, {"domain": domain})

    for name in [*breach_names, "LekradarNoSuchBreach"]:
        record("get_single_breach", pyhibp.get_single_breach, {"breach_name": name})

    record("get_data_classes", pyhibp.get_data_classes, {})

    for email in [a for a in accounts if EMAIL.match(a)]:
        record("get_pastes", pyhibp.get_pastes, {"email_address": email}, key="$apiKey")

    if bad_api_key is not None and accounts:
        pyhibp.set_api_key(key=bad_api_key)
        record("get_account_breaches", pyhibp.get_account_breaches,
               {"account": accounts[0]}, key="$badApiKey")
        pyhibp.set_api_key(key=api_key)

    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
