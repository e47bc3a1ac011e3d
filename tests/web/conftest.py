"""Fixtures for the web layer: an app over a temporary data directory (threading mode, no live
ticker — tests drive ``Hub.tick`` themselves), its HTTP client, a sandbox, and a "restart" that
builds a new app over the same directory."""

from __future__ import annotations

import pytest

from server.sim.clock import DEFAULT_START
from server.web import create_app, socketio_of


@pytest.fixture
def make_app(tmp_path):
    apps = []

    def make(**config):
        cfg = {"DATA_DIR": str(tmp_path / "data"), "LIVE_TICKER": False, "TESTING": True}
        cfg.update(config)
        app = create_app(cfg, seed=7, start=DEFAULT_START)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["kubeplay.journal"].close()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def sid(client) -> str:
    r = client.post("/api/sandboxes")
    assert r.status_code == 201
    return r.json["id"]


@pytest.fixture
def sandbox(app, sid):
    return app.extensions["kubeplay.sandboxes"].get(sid)


@pytest.fixture
def hub(app):
    return app.extensions["kubeplay.hub"]


@pytest.fixture
def socket(app, client):
    """A connected Socket.IO test client (shares the Flask client's cookies)."""
    sock = socketio_of(app).test_client(app, flask_test_client=client)
    yield sock
    if sock.is_connected():
        sock.disconnect()


def events_named(received: list[dict], name: str) -> list[dict]:
    return [m["args"][0] for m in received if m["name"] == name]
