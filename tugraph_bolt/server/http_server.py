"""The node's HTTP port (`port` config key): TuGraph's REST login and Cypher, the cluster
status, health and readiness probes, Prometheus metrics, and the status page.

    POST /login   {"user", "password"}           -> {"jwt", "default_password"}
    POST /cypher  {"graph", "script", "parameters"} with Authorization: Bearer <jwt>
                                                 -> {"result", "header", "size", "elapsed"}
    POST /refresh, POST /logout (Authorization: Bearer <jwt>) -> {"jwt"}, {}
    GET  /cluster  /healthz  /readyz  /metrics  /  (the page; /web/<file> for its assets)

Queries go through `Database.run`, so an HTTP write replicates exactly like a Bolt write.
Errors are JSON `{"error_message", "code"}`: 400 bad request or Cypher error, 401 bad or
expired token, 404 unknown path, 413 body too large, 503 transient (no leader, busy).

>>> server = HttpServer("127.0.0.1", 0, database)  # doctest: +SKIP
>>> server.start(); server.address                 # doctest: +SKIP
"""

from __future__ import annotations

import itertools
import logging
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import orjson

from .. import errors
from ..bolt.backend import Session
from ..metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from ..metrics import metrics_for
from ..service import bookmark_for
from .http_auth import BadToken, TokenSigner, bearer_token
from .http_views import MemberStatusCache, cluster_status, header_of, readiness, to_json_value

log = logging.getLogger(__name__)

MAX_BODY = 4 * 1024 * 1024
WEB_DIR = Path(__file__).resolve().parent.parent / "web"  # package data: tugraph_bolt/web/*
WEB_FILES = {"index.html": "text/html; charset=utf-8", "status.js": "text/javascript"}


class HttpError(Exception):
    def __init__(self, status: int, message: str, code: str | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code


class HttpServer:
    def __init__(self, host: str, port: int, service, *, bolt_server=None,
                 token_ttl: float = 3600.0, max_body: int = MAX_BODY):
        self.host = host
        self.port = port
        self.service = service
        self.signer = TokenSigner(ttl=token_ttl)
        self.metrics = metrics_for(service, bolt_server)
        self.status_cache = MemberStatusCache()
        self.max_body = max_body
        self._ids = itertools.count(1)
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def address(self) -> tuple[str, int]:
        if self._httpd is None:
            return (self.host, self.port)
        return self._httpd.server_address[:2]

    def start(self) -> None:
        """Bind and serve in a thread; an OSError (port taken) reaches the caller."""
        handler = type("BoundHandler", (_Handler,), {"app": self})
        server_class = _IPv6Server if ":" in self.host else ThreadingHTTPServer
        httpd = server_class((self.host, self.port), handler)
        httpd.daemon_threads = True
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.2},
                                        name="http-server", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(5.0)
        self._httpd = None

    # --- endpoints: each returns (status, content type, body bytes[, extra headers]) -------

    def login(self, body: dict):
        user = body.get("user", body.get("userName"))
        password = body.get("password")
        if not isinstance(user, str) or not isinstance(password, str):
            raise HttpError(400, "login needs {\"user\": ..., \"password\": ...} as strings",
                            "Neo.ClientError.Request.Invalid")
        try:
            name = self.service.authenticate(
                {"scheme": "basic", "principal": user, "credentials": password})
        except errors.Unauthorized as e:
            raise HttpError(401, e.message, e.code) from None
        cfg = self.service.config
        default = name == cfg.admin_user and password == cfg.admin_password
        return _json(200, {"jwt": self.signer.issue(name), "default_password": default})

    def _claims(self, authorization: str | None) -> dict:
        try:
            return self.signer.verify(bearer_token(authorization))
        except BadToken as e:
            raise HttpError(401, str(e), "Neo.ClientError.Security.Unauthorized") from None

    def refresh(self, body: dict, authorization: str | None):
        """A fresh token for the same user (TuGraph's POST /refresh)."""
        claims = self._claims(authorization)
        return _json(200, {"jwt": self.signer.issue(claims["sub"])})

    def logout(self, body: dict, authorization: str | None):
        """Revoke the token on this node (TuGraph's POST /logout)."""
        self._claims(authorization)
        self.signer.revoke(bearer_token(authorization))
        return _json(200, {})

    def cypher(self, body: dict, authorization: str | None, server_version: str | None = None):
        claims = self._claims(authorization)
        script = body.get("script", body.get("cypher"))
        graph = body.get("graph", "default")
        params = body.get("parameters", body.get("param")) or {}
        if not isinstance(script, str) or not script.strip():
            raise HttpError(400, "cypher needs a non-empty \"script\" string",
                            "Neo.ClientError.Request.Invalid")
        if not isinstance(graph, str) or not isinstance(params, dict):
            raise HttpError(400, "\"graph\" must be a string and \"parameters\" an object",
                            "Neo.ClientError.Request.Invalid")
        # TuGraph's documented example names parameters with their '$' ("$param1")
        params = {k[1:] if isinstance(k, str) and k.startswith("$") else k: v
                  for k, v in params.items()}
        session = Session(f"http-{next(self._ids)}", (5, 0), user_agent="tugraph-http",
                          user=claims["sub"])
        started = time.perf_counter()
        try:
            extra = {"db": graph}
            if server_version:
                # TuGraph HA: "serve me data at least this new" — our bookmark, by log index
                extra["bookmarks"] = [bookmark_for(_version(server_version))]
            result = self.service.run(session, script, params, extra)
            rows, _ = result.fetch(-1)
        except errors.DatabaseError as e:
            status = 503 if e.classification == "TransientError" else 400
            if e.code == "Neo.ClientError.Security.Unauthorized":
                status = 401
            raise HttpError(status, e.message, e.code) from None
        elapsed = time.perf_counter() - started
        doc = _json(200, {"result": [[to_json_value(v) for v in row] for row in rows],
                          "header": header_of(list(result.fields), rows),
                          "size": len(rows), "elapsed": round(elapsed, 6)})
        bookmark = result.summary().get("bookmark") or ""
        version = bookmark.rpartition(":")[2] if bookmark else str(self.service.log.applied_index)
        return (*doc, {"server_version": version})

    def cluster(self):
        return _json(200, cluster_status(self.service, self.status_cache))

    def healthz(self):
        fatal = self.service.fatal
        if fatal:
            return _json(503, {"status": "failed", "reason": fatal})
        return _json(200, {"status": "ok"})

    def readyz(self):
        ready, reason = readiness(self.service, self.service.status_info())
        return _json(200 if ready else 503, {"ready": ready, "reason": reason})

    def metrics_page(self):
        return 200, METRICS_CONTENT_TYPE, self.metrics.render()

    def web_file(self, name: str):
        if name not in WEB_FILES:
            raise HttpError(404, f"no such file: /web/{name}")
        data = (WEB_DIR / name).read_bytes()
        return 200, WEB_FILES[name], data


class _IPv6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6


def _version(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise HttpError(400, f"server_version must be a log index (an integer >= 0), "
                             f"got {text!r}", "Neo.ClientError.Request.Invalid")
    return value


def _json(status: int, doc) -> tuple[int, str, bytes]:
    return status, "application/json", orjson.dumps(doc, option=orjson.OPT_NON_STR_KEYS)


class _Handler(BaseHTTPRequestHandler):
    app: HttpServer
    server_version = "tugraph-bolt"
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # the default writes every request to stderr
        log.debug("%s %s", self.address_string(), fmt % args)

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_PUT(self):
        self._dispatch("PUT")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        path = self.path.split("?", 1)[0]
        try:
            # read the body first, whatever the route: unread bytes would be taken for the
            # next request on this keep-alive connection
            raw = self._read_body()
            status, ctype, body, *more = self._route(method, path, raw)
            headers = more[0] if more else {}
        except HttpError as e:
            headers = {}
            doc = {"error_message": e.message}
            if e.code:
                doc["code"] = e.code
            status, ctype, body = _json(e.status, doc)
        except Exception:
            log.exception("HTTP %s %s failed", method, path)
            headers = {}
            status, ctype, body = _json(500, {"error_message": "internal error (see the log)",
                                              "code": "Neo.DatabaseError.General.UnknownError"})
        # label by known paths only: arbitrary paths would grow the series without bound
        known = path if path in _ROUTES or path.removeprefix("/web/") in WEB_FILES else "other"
        self.app.metrics.http_requests.labels(known, str(status)).inc()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(body)

    def _route(self, method: str, path: str, raw: bytes):
        app = self.app
        route = _ROUTES.get(path)
        if route is None and path.startswith("/web/"):
            route = ("GET", lambda: app.web_file(path[len("/web/"):]))
        elif route is not None:
            route = (route[0], getattr(app, route[1]) if route[1] != "index" else
                     (lambda: app.web_file("index.html")))
        if route is None:
            raise HttpError(404, f"no such endpoint: {method} {path}")
        if route[0] != method:
            raise HttpError(405, f"{path} takes {route[0]}, not {method}")
        if method == "GET":
            return route[1]()
        body = self._json_body(raw) if raw or path == "/login" else {}
        if path in _TOKEN_ROUTES:
            # TuGraph's examples also carry the token in the body
            authorization = self.headers.get("Authorization") or body.get("Authorization")
            authorization = authorization if isinstance(authorization, str) else None
            if path == "/cypher":
                return app.cypher(body, authorization, self.headers.get("server_version"))
            return route[1](body, authorization)
        return route[1](body)

    def _read_body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            raise HttpError(411, "send the body with a Content-Length, not chunked",
                            "Neo.ClientError.Request.Invalid")
        if length is None:
            return b""
        try:
            n = int(length)
        except ValueError:
            n = -1
        if n < 0:
            self.close_connection = True
            raise HttpError(400, "bad Content-Length", "Neo.ClientError.Request.Invalid")
        if n > self.app.max_body:
            self.close_connection = True  # do not read a body we refuse
            raise HttpError(413, f"request body of {n} bytes exceeds {self.app.max_body}",
                            "Neo.ClientError.Request.Invalid")
        return self.rfile.read(n)

    @staticmethod
    def _json_body(raw: bytes) -> dict:
        try:
            doc = orjson.loads(raw) if raw else None
        except orjson.JSONDecodeError as e:
            raise HttpError(400, f"the request body is not valid JSON: {e}",
                            "Neo.ClientError.Request.InvalidFormat") from None
        if not isinstance(doc, dict):
            raise HttpError(400, "the request body must be a JSON object",
                            "Neo.ClientError.Request.InvalidFormat")
        return doc


_TOKEN_ROUTES = ("/cypher", "/refresh", "/logout")  # these take the Authorization header

# path -> (method, HttpServer attribute)
_ROUTES = {
    "/login": ("POST", "login"),
    "/cypher": ("POST", "cypher"),
    "/refresh": ("POST", "refresh"),
    "/logout": ("POST", "logout"),
    "/cluster": ("GET", "cluster"),
    "/healthz": ("GET", "healthz"),
    "/readyz": ("GET", "readyz"),
    "/metrics": ("GET", "metrics_page"),
    "/": ("GET", "index"),
    "/index.html": ("GET", "index"),
    "/web": ("GET", "index"),  # where TuGraph serves its web UI
    "/web/": ("GET", "index"),
}
