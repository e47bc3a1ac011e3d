"""The timeline over HTTP: a sandbox's past, read-only, from its journal (issue 10).

Endpoints (under ``/api/sandboxes``, JSON; a read-only share token works in place of the id, since
both only read):
- ``GET …/<id>/timeline`` → ``{"start", "now", "marks": [{"time", "text", "op", "index"}]}``: the
  sandbox's start and its clock now (virtual epoch seconds), and a mark for each journalled
  operation a user did — a command line, an editor apply, a node failed, an add-on switched … (not
  the clock's advances, speed or pause) —, when it began, a short text (``kubectl apply -f web.yaml``,
  ``fail node1``, ``apply 3 objects``), the operation's name and its row in the journal;
- ``GET …/<id>/timeline/at?t=<epoch s>`` → the cluster as it was at ``t``, in the shape of the live
  snapshot (``live.Hub.snapshot``: ``{"rv", "objects", "cells", "clock", "network", "machines"}``)
  plus ``"at": t``, so the page draws it with the code that draws the live cluster; ``clock`` is the
  view's own (``time`` is ``t``, unless an operation that ran the clock itself — ``sleep 60`` —
  spans ``t``: then its end). 400 ``{"error", "field": "t"}`` for a ``t`` that is no number or
  outside ``[start, now]``; 409 when rebuilding it would replay more than the timeline's bounds
  (``server.sandbox.MAX_PAST_OPS`` operations, ``MAX_PAST_SPAN`` simulated seconds).
Forking from a moment is the fork route's ``{"at": t}`` (``api.py``).

Nothing here changes a sandbox or is journalled: ``Sandboxes.at`` replays the journal's prefix on a
scratch sandbox (kept in a small cache per sandbox) and this module only serialises it.
Hands off: the replay and its bounds to ``server.sandbox``, the snapshot's shape and cells to
``live.py``, the sandbox of the URL (id or token) to ``api._sandbox``.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from ..sandbox import ConflictError, Sandboxes, TimelineError
from .api import _sandbox
from .live import Hub

bp = Blueprint("timeline", __name__, url_prefix="/api/sandboxes")


def _sandboxes() -> Sandboxes:
    return current_app.extensions["kubeplay.sandboxes"]


@bp.errorhandler(TimelineError)
def bad_moment(e: TimelineError) -> tuple[Response, int]:
    return jsonify(error=e.message, field=e.field), 400


@bp.errorhandler(ConflictError)
def too_long(e: ConflictError) -> tuple[Response, int]:
    return jsonify(error=str(e)), 409


@bp.get("/<sandbox_id>/timeline")
def timeline(sandbox_id: str) -> Response:
    return jsonify(_sandboxes().moments(_sandbox(sandbox_id)))


@bp.get("/<sandbox_id>/timeline/at")
def timeline_at(sandbox_id: str) -> Response:
    sandbox = _sandbox(sandbox_id)
    raw = request.args.get("t")
    if raw is None or not raw.strip():
        raise TimelineError("t", 'query parameter "t" is required: a virtual time in epoch seconds')
    try:
        t = float(raw)
    except ValueError:
        raise TimelineError("t", f'query parameter "t" must be a number of epoch seconds, not {raw!r}') from None
    view = _sandboxes().at(sandbox, t)
    with view.lock:
        snap = Hub.snapshot(view)
    snap["at"] = round(t, 6)
    return jsonify(snap)
