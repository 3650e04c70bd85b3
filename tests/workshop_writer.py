"""A writer process for the workshop store's reliability tests and benchmark.

Usage: ``python workshop_writer.py URL JOIN_CODE NAME COUNT ACK_FILE [START_FILE]``

Joins the session as NAME, waits until START_FILE exists (so that all writers start together),
then submits COUNT contributions (``COUNT=0``: until killed) with idempotency keys
``NAME-<i>``, re-sending every fifth one as a double click would. After each ``submit`` returns
(the transaction committed) it appends ``<key> <latency_s>`` to ACK_FILE and flushes it:
such a line is an acknowledged submission. Before each submission it appends ``? <key>``, so a
file ending in a ``?`` line shows that the writer was killed during a submission.
"""

from __future__ import annotations

import itertools
import os
import sys
import time


def main(argv: list[str]) -> int:
    url, code, name, count, ack_path = argv[:5]
    start_file = argv[5] if len(argv) > 5 else None
    from seci_lab.store.workshop import WorkshopStore

    store = WorkshopStore.open(url, max_per_minute=None)
    me = store.join(code, name)
    while start_file and not os.path.exists(start_file):
        time.sleep(0.01)
    total = int(count)
    numbers = range(total) if total > 0 else itertools.count()
    with open(ack_path, "a", encoding="utf-8") as ack:
        for i in numbers:
            key = f"{name}-{i}"
            ack.write(f"? {key}\n")  # about to submit: a kill from here on is mid-submit
            ack.flush()
            began = time.perf_counter()
            store.submit(me.token, f"contribution {i} from {name}", key)
            latency = time.perf_counter() - began
            if i % 5 == 0:  # a double click: must not store twice
                store.submit(me.token, f"contribution {i} from {name}", key)
            ack.write(f"{key} {latency:.6f}\n")
            ack.flush()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
