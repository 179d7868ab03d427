"""Magnetiq's API: notes in SQLite (WAL mode), standard library only.

GET  /health          -> {"status": "UP", "notes": N}
GET  /api/notes       -> the last 100 notes, newest first
POST /api/notes       -> {"text": "..."} adds one (201)
"""
import json
import os
import signal
import sqlite3
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DB = os.environ.get("MAGNETIQ_DB", "/data/magnetiq.db")
MAX_BODY = 16 * 1024


def connect():
    db = sqlite3.connect(DB, timeout=10)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA busy_timeout=5000")
    return db


def init():
    with connect() as db:
        db.execute(
            "CREATE TABLE IF NOT EXISTS notes ("
            " id INTEGER PRIMARY KEY, text TEXT NOT NULL,"
            " created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')))"
        )


class Handler(BaseHTTPRequestHandler):
    server_version = "magnetiq"
    sys_version = ""

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        with connect() as db:
            if self.path == "/health":
                count = db.execute("SELECT count(*) FROM notes").fetchone()[0]
                return self.answer(200, {"status": "UP", "notes": count})
            if self.path == "/api/notes":
                rows = db.execute(
                    "SELECT id, text, created_at FROM notes ORDER BY id DESC LIMIT 100"
                ).fetchall()
                return self.answer(200, [{"id": r[0], "text": r[1], "createdAt": r[2]} for r in rows])
        self.answer(404, {"error": "not found"})

    def do_POST(self):
        if self.path != "/api/notes":
            return self.answer(404, {"error": "not found"})
        length = int(self.headers.get("Content-Length") or 0)
        if length <= 0 or length > MAX_BODY:
            return self.answer(400, {"error": f"send a JSON body of at most {MAX_BODY} bytes"})
        try:
            text = str(json.loads(self.rfile.read(length))["text"]).strip()
        except (ValueError, KeyError, TypeError):
            return self.answer(400, {"error": 'send {"text": "..."}'})
        if not text:
            return self.answer(400, {"error": "text is empty"})
        with connect() as db:
            cur = db.execute("INSERT INTO notes (text) VALUES (?)", (text,))
        self.answer(201, {"id": cur.lastrowid, "text": text})

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))


def main():
    init()
    server = ThreadingHTTPServer(("0.0.0.0", 8000), Handler)
    signal.signal(signal.SIGTERM, lambda *_: (server.shutdown(), sys.exit(0)))
    server.serve_forever()


if __name__ == "__main__":
    main()
