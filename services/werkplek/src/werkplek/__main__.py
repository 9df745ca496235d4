"""`python -m werkplek serve [--host H] [--port P] [--workers N]`: the pages under uvicorn. The werkplek has no
relay, no migrations and no jobs (it owns no data)."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m werkplek")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve")
    serve.add_argument("--host", default="0.0.0.0")  # noqa: S104 - inside a container, behind the ingress
    serve.add_argument("--port", type=int, default=8109)
    serve.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    import uvicorn  # noqa: PLC0415 - only this command needs the server

    uvicorn.run(
        "werkplek.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        server_header=False,
        access_log=False,
        proxy_headers=False,
    )


if __name__ == "__main__":
    main(sys.argv[1:])
