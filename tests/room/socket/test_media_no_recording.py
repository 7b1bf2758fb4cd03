"""No recording of any kind exists in Kreds: not a setting that is off, but absent. No code in
the server, the templates or the client records, captures or stores media."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SOURCES = [ROOT / "server", ROOT / "client" / "src"]
SUFFIXES = {".py", ".ts", ".tsx", ".js", ".html", ".css"}
# Built from parts, so that this file does not match itself.
RECORDING = re.compile(
    "|".join(
        [
            "Media" + "Recorder",
            "captureStream",  # canvas/video capture into a new stream
            "getDisplay" + "Media",  # screen capture
            "ImageCapture",
            "createMedia" + "StreamDestination",  # re-routing audio into a recordable stream
        ]
    )
)


def source_files() -> list[Path]:
    return [
        path
        for folder in SOURCES
        for path in folder.rglob("*")
        if path.suffix in SUFFIXES and "node_modules" not in path.parts and path.is_file()
    ]


def test_there_are_sources_to_check() -> None:
    files = source_files()
    assert any(p.suffix == ".py" for p in files) and any(p.suffix == ".ts" for p in files)


def test_no_code_records_or_captures_media() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in source_files()
        if RECORDING.search(path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert offenders == []


def test_the_built_client_has_no_recording_either() -> None:
    dist = ROOT / "server" / "static" / "dist"
    offenders = [
        str(path.relative_to(ROOT))
        for path in dist.rglob("*.js")
        if RECORDING.search(path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert offenders == []
