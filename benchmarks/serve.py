"""Serve the mock exchange or the baseline app with a chosen WSGI server (for the comparison).

    python benchmarks/serve.py --app mock --server cheroot --port 8081 --config FILE

``mock`` is built as ``mock-exchange serve`` builds it (``create_app(config)``, then its GC tuning);
waitress gets the CLI's own arguments. gunicorn runs one worker (the exchange's state lives
in one process) with the ``gthread`` worker and the same number of threads.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
SERVERS = ("waitress", "gunicorn", "cheroot")


def build_app(name: str, config_path: str | None):  # noqa: ANN201
    if name == "baseline":
        from baseline_app import create_baseline_app

        return create_baseline_app()
    from mock_exchange.config import load_config
    from mock_exchange.web.app import create_app

    app = create_app(load_config(config_path))
    try:  # the same process tuning as `mock-exchange serve`, so that only the server differs
        from mock_exchange.cli import _tune_gc
    except ImportError:
        pass
    else:
        _tune_gc()
    return app


def serve(app, server: str, host: str, port: int, threads: int) -> None:  # noqa: ANN001
    if server == "waitress":
        from waitress import serve as waitress_serve

        waitress_serve(app, host=host, port=port, threads=threads, ident="mock-exchange", _quiet=True)
    elif server == "cheroot":
        from cheroot.wsgi import Server

        Server((host, port), app, numthreads=threads).safe_start()
    elif server == "gunicorn":
        from gunicorn.app.base import BaseApplication

        class Single(BaseApplication):
            def load_config(self) -> None:
                for key, value in {"bind": f"{host}:{port}", "workers": 1, "worker_class": "gthread",
                                   "threads": threads, "accesslog": None, "errorlog": "-",
                                   "loglevel": "warning", "keepalive": 30}.items():
                    self.cfg.set(key, value)

            def load(self):  # noqa: ANN202
                return app

        Single().run()
    else:
        raise SystemExit(f"unknown server {server!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--app", choices=("mock", "baseline"), required=True)
    parser.add_argument("--server", choices=SERVERS, default="waitress")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--config")
    args = parser.parse_args()
    serve(build_app(args.app, args.config), args.server, args.host, args.port, args.threads)


if __name__ == "__main__":
    main()
