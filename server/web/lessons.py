"""``GET /api/lessons``: the learning path's catalogue (server/lessons/catalog.yaml) as the page reads it.

Owns: loading the catalogue once, when the blueprint is registered on an app — validated against
that app's examples (``Sandboxes.examples``), so a catalogue that names a missing file, leaves an
example undescribed or has a check that does not parse stops the app from starting — and serving
it: ``{"groups": [{"title", "examples": [{"path", "teaches"}]}], "lessons": [{"id", "title",
"summary", "source", "steps": [{"id", "title", "commands", "do", "watch", "check": {"text",
"all": [condition]}}]}]}`` with the conditions parsed (``server.lessons.parse_condition``). The
same for every sandbox: nothing here reads a cluster.

Hands off: the format and its checks to ``server.lessons``; evaluating checks to the page
(static/src/lessoncheck.js, over its live mirror).
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from flask.blueprints import BlueprintSetupState
from flask.wrappers import Response

from ..lessons import load_catalog

bp = Blueprint("lessons", __name__, url_prefix="/api/lessons")

EXTENSION = "kubeplay.lessons"


@bp.record
def _load(state: BlueprintSetupState) -> None:
    # registered after the app's sandbox registry exists (create_app), so the examples are known
    sandboxes = state.app.extensions["kubeplay.sandboxes"]
    state.app.extensions[EXTENSION] = load_catalog(examples=sandboxes.examples.keys())


@bp.get("")
def catalogue() -> Response:
    return jsonify(current_app.extensions[EXTENSION])
