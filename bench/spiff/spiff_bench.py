# Benchmark: SpiffWorkflow three-step approval life cycles with per-step durable SQLite persistence.
"""Measure SpiffWorkflow running a three-step BPMN approval process
(受理 accept -> 审查 review -> 决定 decide), handling every step the way a web
server would handle a separate request: load the workflow row from SQLite,
deserialize it with SpiffWorkflow's BpmnWorkflowSerializer, complete the ready
user task, run engine steps, serialize, UPDATE and commit (one durable commit
per step, PRAGMA synchronous=FULL, WAL journal).

Prints one JSON line to stdout. Exits non-zero if the final verification
(every saved workflow is completed, row count equals life cycle count) fails.
"""

import argparse
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from importlib.metadata import version as dist_version

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.util.task import TaskState

HERE = os.path.dirname(os.path.abspath(__file__))
BPMN_FILE = os.path.join(HERE, "three_step.bpmn")
PROCESS_ID = "three_step_approval"
STEPS = ("accept", "review", "decide")


def open_db(path):
    # Autocommit mode at the driver level; transactions are explicit below.
    conn = sqlite3.connect(path, isolation_level=None)
    mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    if mode.lower() != "wal":
        raise RuntimeError(f"could not enable WAL, journal_mode={mode}")
    conn.execute("PRAGMA synchronous=FULL")
    sync = conn.execute("PRAGMA synchronous").fetchone()[0]
    if sync != 2:  # 2 == FULL
        raise RuntimeError(f"PRAGMA synchronous is {sync}, expected 2 (FULL)")
    conn.execute("DROP TABLE IF EXISTS workflows")
    conn.execute("CREATE TABLE workflows(id INTEGER PRIMARY KEY, state TEXT NOT NULL)")
    return conn


def load_spec():
    # Parsed once, as a server would at start-up.
    parser = BpmnParser()
    parser.add_bpmn_file(BPMN_FILE)
    return parser.get_spec(PROCESS_ID)


def create_workflow(conn, serializer, spec):
    """Request 0: start a new case and persist it."""
    wf = BpmnWorkflow(spec)
    wf.do_engine_steps()  # runs the start event; 'accept' becomes READY
    state = serializer.serialize_json(wf)
    conn.execute("BEGIN IMMEDIATE")
    cur = conn.execute("INSERT INTO workflows(state) VALUES (?)", (state,))
    conn.execute("COMMIT")
    return cur.lastrowid


def run_step(conn, serializer, wf_id, expected_step):
    """Request 1..3: load, complete the ready user task, save, commit."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        row = conn.execute("SELECT state FROM workflows WHERE id = ?", (wf_id,)).fetchone()
        if row is None:
            raise RuntimeError(f"workflow {wf_id} not found")
        wf = serializer.deserialize_json(row[0])
        ready = wf.get_tasks(state=TaskState.READY, manual=True)
        if len(ready) != 1 or ready[0].task_spec.name != expected_step:
            names = [t.task_spec.name for t in ready]
            raise RuntimeError(f"workflow {wf_id}: expected ready {expected_step!r}, got {names}")
        task = ready[0]
        task.data[expected_step] = "ok"
        task.run()
        wf.do_engine_steps()
        state = serializer.serialize_json(wf)
        conn.execute("UPDATE workflows SET state = ? WHERE id = ?", (state, wf_id))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def verify(conn, serializer, expected_count):
    rows = conn.execute("SELECT id, state FROM workflows").fetchall()
    if len(rows) != expected_count:
        print(f"verify: {len(rows)} rows, expected {expected_count}", file=sys.stderr)
        return False
    for wf_id, state in rows:
        wf = serializer.deserialize_json(state)
        if not wf.is_completed():
            print(f"verify: workflow {wf_id} is not completed", file=sys.stderr)
            return False
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=5.0, help="how long to run (default 5)")
    ap.add_argument("--db", default=None,
                    help="SQLite file (table 'workflows' is dropped and recreated); default a temp file")
    args = ap.parse_args()

    tmpdir = None
    db_path = args.db
    if db_path is None:
        tmpdir = tempfile.mkdtemp(prefix="spiff_bench_")
        db_path = os.path.join(tmpdir, "spiff_bench.sqlite3")

    try:
        conn = open_db(db_path)
        spec = load_spec()
        serializer = BpmnWorkflowSerializer()

        lifecycles = 0
        start = time.perf_counter()
        deadline = start + args.seconds
        while time.perf_counter() < deadline:
            wf_id = create_workflow(conn, serializer, spec)
            for step in STEPS:
                run_step(conn, serializer, wf_id, step)
            lifecycles += 1
        elapsed = time.perf_counter() - start

        ok = verify(conn, serializer, lifecycles)
        conn.close()
    finally:
        if tmpdir is not None:
            shutil.rmtree(tmpdir, ignore_errors=True)

    print(json.dumps({
        "engine": "spiffworkflow",
        "version": dist_version("SpiffWorkflow"),
        "lifecycles": lifecycles,
        "seconds": round(elapsed, 3),
        "lifecycles_per_s": round(lifecycles / elapsed, 2) if elapsed > 0 else 0.0,
        "steps_per_lifecycle": len(STEPS),
        "sqlite_synchronous": "FULL",
    }, ensure_ascii=False))
    return 0 if ok and lifecycles > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
