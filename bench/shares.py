"""Where a server's CPU went, from the py-spy profiles of ``python -m bench --profile DIR``.

``python -m bench.shares DIR/kreds-eventlet-1p-step1-0.txt`` prints the share of the samples that
pass through each part of an event's way (a sample counts for every part on its stack, so the
shares overlap), then the functions that were running themselves most often. Idle samples (the
hub waiting for sockets) are left out, so the shares are of the time the server was busy."""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

# (what, a pattern of the frames that belong to it)
PARTS: list[tuple[str, str]] = [
    ("Flask-SocketIO event (request context, handler)", r"SocketIO\._handle_event"),
    ("  request context push and pop", r"RequestContext\.(push|pop)|AppContext\.(push|pop)"),
    ("  session cookie opened", r"open_session"),
    ("  room dispatch (identity, payload, rule, emit)", r"dispatch \(server/room/socket/dispatch"),
    ("    person read from the database", r"load_user"),
    ("    payload validated (pydantic)", r"parse \(server/room/core/rule"),
    ("    store transaction", r"transact \(server/room/live/store"),
    (
        "      state copied (JSON, with Redis)",
        r"transact \(server/room/live/store.*(to_dict|from_dict|json/)",
    ),
    ("    outcome carried out (emit, snapshots)", r"_carry_out \(server/room/live/runtime"),
    ("    metrics counted", r"count \(server/metrics"),
    ("packets searched for binary data", r"data_is_binary"),
    ("Engine.IO WebSocket read and write loops", r"_websocket_handler"),
    ("database (SQLAlchemy)", r"sqlalchemy/"),
    ("translations (Babel)", r"flask_babel|babel/"),
]
IDLE = re.compile(r"poll|wait \(eventlet/hubs|sleep")


def read(paths: list[Path]) -> Counter[str]:
    stacks: Counter[str] = Counter()
    for path in paths:
        for line in path.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            if stack and count.isdigit():
                stacks[stack] += int(count)
    return stacks


def report(stacks: Counter[str], top: int = 15) -> str:
    busy = Counter({s: n for s, n in stacks.items() if not IDLE.search(s.split(";")[-1])})
    total = sum(busy.values()) or 1
    lines = [f"{sum(stacks.values())} samples, {total} busy"]
    for name, pattern in PARTS:
        found = re.compile(pattern)
        share = sum(n for s, n in busy.items() if found.search(s))
        lines.append(f"{100 * share / total:5.1f}%  {name}")
    lines.append("running themselves:")
    leaves: Counter[str] = Counter()
    for stack, count in busy.items():
        leaves[stack.split(";")[-1]] += count
    for leaf, count in leaves.most_common(top):
        lines.append(f"{100 * count / total:5.1f}%  {leaf}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.shares", description=__doc__)
    parser.add_argument("profiles", nargs="+", type=Path, help="py-spy raw profiles (.txt)")
    parser.add_argument("--top", type=int, default=15, help="how many functions to list")
    args = parser.parse_args(argv)
    print(report(read(args.profiles), args.top))


if __name__ == "__main__":
    main()
