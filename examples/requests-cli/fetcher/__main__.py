import argparse
import sys

import certifi
import requests
import urllib3


def summary(response: requests.Response) -> str:
    kind = response.headers.get("content-type", "unknown").split(";")[0]
    return f"{response.status_code} {response.reason} {kind} {len(response.content)} bytes"


def self_test() -> int:
    """Everything a fetch needs, without the network: the stack imports and TLS has its CA bundle."""
    prepared = requests.Request("GET", "https://example.org/", params={"q": "1"}).prepare()
    with open(certifi.where(), encoding="ascii") as bundle:
        certificates = bundle.read().count("BEGIN CERTIFICATE")
    if certificates == 0:
        print("no CA certificates", file=sys.stderr)
        return 1
    print(f"requests {requests.__version__} urllib3 {urllib3.__version__} {prepared.url} {certificates} CA certificates")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="fetcher", description=__doc__)
    parser.add_argument("url", nargs="?")
    parser.add_argument("--self-test", action="store_true", help="check the installation and exit")
    parser.add_argument("--timeout", type=float, default=10.0)
    args = parser.parse_args(argv)
    if args.self_test:
        return self_test()
    if not args.url:
        parser.error("a URL is required")
    try:
        print(summary(requests.get(args.url, timeout=args.timeout)))
    except requests.RequestException as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
