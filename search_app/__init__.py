"""The web front end: `create_app()` builds the Flask app that serves the search.

Settings come from `indexer.settings` (defaults, then `NOTICE_SEARCH_*` from the
environment), then the test config; the search engine is created once per app
and shared by every request (it opens the index once and reopens it only when a
rebuild switches generations).
"""

from flask import Flask

from indexer import settings, store


def create_app(test_config=None):
    app = Flask(__name__)
    app.config.update(settings.as_dict(test_config))
    if test_config:
        app.config.update(test_config)
    # /api/notices/<id> is the parser's JSON "key for key and in this order", and readable.
    app.json.sort_keys = False
    app.json.ensure_ascii = False

    from .search import Engine

    engine = app.extensions["engine"] = Engine(app.config["INDEX_DIR"], app.config)
    try:
        engine.warm()
    except store.IndexUnavailable as exc:
        # Serve anyway: every page says to build the index, and the next request retries.
        app.logger.warning("%s", exc)

    from . import api, errors, security, views

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    errors.register(app)
    security.register(app)
    return app
