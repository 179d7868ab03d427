"""A tiny notes API on SQLite (standard library only: no registry to install packages from)."""
import json
import os
import sqlite3
from http.server import BaseHTTPRequestHandler, HTTPServer

DB = os.environ.get("NOTES_DB", "/data/notes.sqlite3")


def db():
    conn = sqlite3.connect(DB)
    conn.execute("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
    return conn


class Handler(BaseHTTPRequestHandler):
    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/healthz":
            db().execute("SELECT 1")
            return self.reply(200, {"ok": True})
        with db() as conn:
            rows = conn.execute("SELECT id, text FROM notes ORDER BY id").fetchall()
        self.reply(200, {"title": os.environ.get("NOTES_TITLE", "Notes"), "notes": [{"id": i, "text": t} for i, t in rows]})

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        text = self.rfile.read(length).decode("utf-8", "replace").strip()
        if not text:
            return self.reply(400, {"error": "empty note"})
        with db() as conn:
            cur = conn.execute("INSERT INTO notes (text) VALUES (?)", (text,))
        self.reply(201, {"id": cur.lastrowid})


if __name__ == "__main__":
    HTTPServer(("0.0.0.0", 8000), Handler).serve_forever()
