"""Calibration for bench/loadtest.py: bare Starlette + uvicorn serving a stored ~4 KB document from SQLite.

    .venv/bin/python bench/ceiling.py --port P --data-dir D [--rows 2000]

GET /docs/{id} reads one row by primary key (the JSON of tests/fixtures/packages/abalone-v1.json,
4.5 KB) and returns it; GET /health answers {"status": "ok"}. No auth, validation, SQLAlchemy or
worker thread: the query runs on the event loop with the stdlib sqlite3 module. Its requests/s is
about what one core can answer in Python with this server stack, a ceiling to hold Registro's
DescribeModelPackage against.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "packages" / "abalone-v1.json"


def create_app(data_dir: Path, rows: int) -> Starlette:
    data_dir.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(data_dir / "ceiling.db")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE IF NOT EXISTS docs (id INTEGER PRIMARY KEY, body BLOB NOT NULL)")
    document = json.loads(FIXTURE.read_text())
    with conn:
        conn.executemany(
            "INSERT OR REPLACE INTO docs VALUES (?, ?)",
            ((i, json.dumps(document | {"ModelPackageVersion": i}).encode()) for i in range(1, rows + 1)),
        )

    async def doc(request: Request) -> Response:
        row = conn.execute("SELECT body FROM docs WHERE id = ?", (request.path_params["id"],)).fetchone()
        if row is None:
            return JSONResponse({"message": "not found"}, 404)
        return Response(row[0], media_type="application/json")

    async def health(_request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    return Starlette(routes=[Route("/docs/{id:int}", doc), Route("/health", health)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--rows", type=int, default=2000)
    args = parser.parse_args()
    # The same uvicorn defaults `registro serve` runs with (uvloop and httptools when installed).
    uvicorn.run(create_app(args.data_dir, args.rows), host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
