"""Errors as sentences: one JSON body for /api/*, the matching error page for everything else."""

from flask import current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from indexer.errors import IndexUnavailable, NodeUnavailable, NotOffered, QueryError

SENTENCES = {
    400: "请求有误，请检查地址中的参数。",
    404: "没有这个页面：请检查地址，或回到首页重新检索。",
    405: "这个地址不接受这种请求方式。",
    503: "检索索引尚未建立或无法打开：请在服务器上运行 `notice-index rebuild` 建立索引后重试。",
    500: "服务器内部出错，请稍后重试；如果一直出现，请告诉管理员。",
}


def respond(status, sentence):
    """The error as JSON for the API, as the error page for people."""
    if request.path.startswith("/api/"):
        return jsonify(ok=False, error=sentence, status=status), status
    return render_template("error.html", status=status, error=sentence), status


def bad_request(exc):
    return respond(400, str(exc))


def index_unavailable(exc):
    # The detail names server paths: log it for the operator, tell the user what to do.
    current_app.logger.warning("index unavailable: %s", exc)
    if isinstance(exc, NodeUnavailable):  # a sentence for users, naming the search node that does not answer
        return respond(503, str(exc))
    return respond(503, SENTENCES[503])


def not_offered(exc):
    return respond(501, str(exc))


def http_error(exc):
    # Werkzeug's default descriptions are English; a description a view gave is kept.
    own = exc.description != type(exc).description
    sentence = exc.description if own else SENTENCES.get(exc.code, exc.name)
    return respond(exc.code, sentence)


def internal_error(exc):
    current_app.logger.exception("unhandled error on %s", request.path)
    return respond(500, SENTENCES[500])


def register(app):
    """Route every error through `respond`, so the API and the pages report them alike."""
    app.register_error_handler(QueryError, bad_request)
    app.register_error_handler(IndexUnavailable, index_unavailable)
    app.register_error_handler(NotOffered, not_offered)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, internal_error)
