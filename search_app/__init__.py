"""The web front end: `create_app()` builds the Flask app that serves the search.

Settings come from `indexer.settings` (defaults, then `NOTICE_SEARCH_*` from the
environment), then the test config, and are checked once (`indexer.config`);
the search backend (`search_core.backend`) is opened once per app and shared by
every request. This package only renders: what a search means and answers is
the search core's.
"""

from flask import Flask
from flask_compress import Compress

from indexer import config
from indexer.errors import IndexUnavailable
from search_core.backend import open_backend


#: The media types sent compressed (zstd, brotli, gzip or deflate, as the browser accepts).
COMPRESSED = ["text/html", "application/json", "text/css", "text/javascript", "application/javascript",
              "image/svg+xml", "application/atom+xml", "text/plain"]


def create_app(test_config=None):
    app = Flask(__name__)
    # `/api//search` would be redirected to an absolute URL built from the Host header.
    app.url_map.merge_slashes = False
    app.config.update(config.check(test_config))
    if test_config:
        app.config.update(test_config)
    # /api/notices/<id> is the parser's JSON "key for key and in this order", and readable.
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    # Pages, JSON and the static files compressed (a results page is 120-150 KB of HTML);
    # never the CSV export or an original file: those are handed to the server as files.
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED)
    Compress(app)

    backend = app.extensions["backend"] = open_backend(app.config)
    try:
        backend.warm()
    except IndexUnavailable as exc:
        # Serve anyway: every page says to build the index, and the next request retries.
        app.logger.warning("%s", exc)

    from . import api, compare, errors, feed, markup, security, similar, stats, views

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(compare.bp)
    app.register_blueprint(stats.bp)
    app.register_blueprint(similar.bp)
    app.register_blueprint(feed.bp)
    errors.register(app)
    markup.register(app)

    @app.context_processor
    def about_the_index():
        # Every page of a demo says its notices are generated (`indexer.datafiles.GENERATED`).
        about = backend.describe()
        return {"generated_corpus": about.get("generated", False), "near_copies": about.get("near_copies", True)}

    security.register(app)
    return app
