"""``python -m server --host H --port P [--data-dir D] [--async-mode threading|eventlet]``.

Owns: start-up only — argument parsing, and, for the eventlet async mode, the
``eventlet.monkey_patch()`` that must run before Flask, the Socket.IO server or the standard
library's sockets and threads are imported anywhere. This is the only module that imports eventlet.

The default is ``threading`` (Werkzeug's threaded server, simple-websocket for Socket.IO's and the
API's WebSockets): every request and every sandbox's ticker is an OS thread, and the interpreter
hands the processor between threads every few milliseconds, so one sandbox's heavy work (a clock
jump over thousands of pods, a long replay) never holds another's requests. Eventlet runs every
greenlet on one OS thread and switches only when one yields: there, one sandbox's 5-second clock
request held ``/healthz`` for 4 s (``bench/bench_isolation.py``: p99 4,305 ms under eventlet, 56 ms
threaded). ``--async-mode eventlet`` stays available; eventlet is in bugfix-only maintenance
upstream and warns about its deprecation when imported (printed, not silenced).

Hands off: ``server.web.create_app`` builds the app.
"""

from __future__ import annotations

import argparse
import gc
import logging
import sys


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m server", description="kubeplay: a visual Kubernetes playground")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port to listen on (default 8080)")
    parser.add_argument("--data-dir", default=None,
                        help="directory for the SQLite journal of sandboxes (default: keep them in memory)")
    parser.add_argument("--async-mode", choices=("threading", "eventlet"), default="threading",
                        help="Flask-SocketIO async mode (default threading: one OS thread per request)")
    scale = parser.add_argument_group("several workers (they share a PostgreSQL journal and a Redis)")
    scale.add_argument("--journal-url", default=None, help="postgresql://… journal (instead of --data-dir's SQLite)")
    scale.add_argument("--redis-url", default=None, help="redis://… for sandbox ownership and Socket.IO's messages")
    scale.add_argument("--worker-id", default=None, help="this worker's name (default: host:port)")
    scale.add_argument("--advertise", default=None,
                       help="the URL clients reach this worker at (default http://HOST:PORT)")
    scale.add_argument("--lease", type=float, default=10.0,
                       help="seconds a dead worker's sandboxes stay its own before another takes them (10)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.async_mode == "eventlet":
        import eventlet

        eventlet.monkey_patch()

    # imported only now: after monkey-patching, Flask and python-socketio get green sockets/threads
    from .config import GC_THRESHOLDS
    from .web import create_app, socketio_of

    app = create_app({"DATA_DIR": args.data_dir, "ASYNC_MODE": args.async_mode, "JOURNAL_URL": args.journal_url,
                      "REDIS_URL": args.redis_url, "WORKER_ID": args.worker_id or f"{args.host}:{args.port}",
                      "WORKER_URL": args.advertise or f"http://{args.host}:{args.port}", "LEASE_SECONDS": args.lease})
    # a sandbox allocates millions of small acyclic dicts: with the default thresholds (700, 10, 10)
    # the cyclic collector's full passes over them were a quarter of a pod's cost (4-5 ms a pod);
    # what start-up made is frozen out of those passes, and the young generation is collected less often
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    socketio = socketio_of(app)
    print(f"kubeplay: serving http://{args.host}:{args.port}/ (async mode {args.async_mode})",
          file=sys.stderr, flush=True)
    if args.async_mode == "eventlet":
        # minimum_chunk_size=0: a watch event or a followed log line goes out when it is produced
        # (eventlet's server otherwise gathers 4 KiB before it writes, headers included)
        socketio.run(app, host=args.host, port=args.port, log_output=False, minimum_chunk_size=0)
    else:
        # Werkzeug's threaded server is what threading mode has (allow_unsafe_werkzeug: it serves the
        # playground); its line per request is not printed, as eventlet's log_output=False
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        socketio.run(app, host=args.host, port=args.port, allow_unsafe_werkzeug=True)


if __name__ == "__main__":
    main()
