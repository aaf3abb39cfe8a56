"""The fake Slack's file uploads, as slack-sdk's `files_upload_v2` makes them.

1. `files.getUploadURLExternal` (filename, length) answers a file id and an upload URL on the
   fake itself; 2. a POST of exactly `length` bytes to that URL; 3.
   `files.completeUploadExternal` (the file ids with titles, a channel id, an initial
   comment) shares the uploaded files. `SlackFakeServer` routes the three here after checking
   the bot token; shared files land in `shared`, bytes included.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Collection, Mapping
from typing import Any

from kubedrift.sim.server import Request, Response, json_response, text_response

UPLOAD_PATH = "/upload/v1/"
METHODS = ("files.getUploadURLExternal", "files.completeUploadExternal")


def _refused(error: str) -> Response:
    return json_response(200, {"ok": False, "error": error})


class FileUploads:
    """Uploads in flight (`uploads`: file id -> filename, length, content) and `shared` files."""

    def __init__(self) -> None:
        self.uploads: dict[str, dict[str, Any]] = {}
        self.shared: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self.uploads.clear()
            self.shared.clear()

    def upload_url(self, form: Mapping[str, str], base_url: str) -> Response:
        filename, length = form.get("filename", ""), form.get("length", "")
        if not filename or not length.isdigit() or int(length) <= 0:
            return _refused("invalid_arguments")
        with self._lock:
            file_id = f"F{len(self.uploads) + 1:010d}"
            self.uploads[file_id] = {"filename": filename, "length": int(length), "content": None}
        url = f"{base_url}{UPLOAD_PATH}{file_id}"
        return json_response(200, {"ok": True, "upload_url": url, "file_id": file_id})

    def receive(self, request: Request) -> Response:
        file_id = request.path.removeprefix(UPLOAD_PATH)
        with self._lock:
            upload = self.uploads.get(file_id)
            if request.method != "POST" or upload is None:
                return text_response(404, "not found")
            if len(request.body) != upload["length"]:
                # The length announced in step 1 is what Slack expects to receive.
                return text_response(400, f"expected {upload['length']} bytes")
            upload["content"] = request.body
        return text_response(200, f"OK - {len(request.body)}")

    def complete(self, form: Mapping[str, str], channels: Collection[str]) -> Response:
        try:
            files = json.loads(form.get("files", ""))
            ids = [str(f["id"]) for f in files]
        except (ValueError, TypeError, KeyError):
            return _refused("invalid_arguments")
        channel = form.get("channel_id")
        if channel is not None and channel not in channels:
            return _refused("channel_not_found")
        with self._lock:
            if not ids or any(self.uploads.get(i, {}).get("content") is None for i in ids):
                return _refused("file_not_found")
            done = [
                {"id": f["id"], "title": f.get("title"), **self.uploads[str(f["id"])]}
                for f in files
            ]
            comment = form.get("initial_comment")
            self.shared.append({"channel": channel, "initial_comment": comment, "files": done})
        answer = [
            {"id": f["id"], "title": f["title"], "name": f["filename"], "size": f["length"]}
            for f in done
        ]
        return json_response(200, {"ok": True, "files": answer})
