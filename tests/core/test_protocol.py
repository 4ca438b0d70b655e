"""The event protocol: typed payloads, data-only decoding, lanes born from events."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from core.export import recording
from core.model import payload_codec, payloads
from core.model.decoding import HEADER, decode_batch, frame
from core.model.events import MAIN_ID, SESSION_ID, Event, EventKind
from core.model.handlers import HANDLERS
from core.model.lanes import State
from core.model.outcomes import Outcome
from core.model.run_model import RunModel
from core.worker.wire import encode

DATA = Path(__file__).resolve().parents[1] / "data"
MS = 1_000_000


def test_every_kind_has_a_payload_record_and_a_handler():
    assert set(payloads.PAYLOADS) == set(EventKind)
    assert set(HANDLERS) == set(EventKind)


def test_a_payload_field_of_the_wrong_type_is_named():
    with pytest.raises(ValueError, match="exited field 'exitcode' must be an integer"):
        payload_codec.payload_from_dict(EventKind.EXITED, {"exitcode": "minus nine"})
    with pytest.raises(ValueError, match="integer or null, not one beyond 64 bits"):
        payload_codec.payload_from_dict(EventKind.EXITED, {"exitcode": 10**30})
    with pytest.raises(ValueError, match="must be true or false"):
        payload_codec.payload_from_dict(EventKind.JOIN_RETURNED, {"timed_out": 1})
    with pytest.raises(ValueError, match="'imports' must be an object of numbers"):
        payload_codec.payload_from_dict(EventKind.BOOTED, {"imports": {"numpy": "1 s"}})
    record = payload_codec.payload_from_dict(
        EventKind.EXITED, {"exitcode": -9, "new": 1}
    )
    assert record == payloads.Exited(exitcode=-9)  # unknown fields are ignored


def _worker(lane: int, kind: str, seq: int, **data: object) -> bytes:
    return frame(lane, lane, encode(kind, seq, 5 * MS, data))


def test_a_batch_decodes_into_typed_events_per_sender():
    batch = frame(MAIN_ID, 3, encode("start_called", 0, 1 * MS, {"caller": 0}))
    batch += _worker(3, "booted", 0, pid=42, ppid=41)
    first, second = decode_batch(batch)
    assert (first.kind, first.lane, first.sender, first.seq) == (
        EventKind.START_CALLED,
        3,
        MAIN_ID,
        0,
    )
    assert first.data == payloads.Call(caller=0)
    assert second.sender == 3 and second.data.pid == 42  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b"\x80\x04garbage", "UnicodeDecodeError"),
        (b"[1, 2", "JSONDecodeError"),
        (b'["output", 0, 1, {"text": "a"}]["output"]', "extra data"),
        (b'{"kind": "output"}', "a list of 4 items"),
        (b'["no_such_kind", 0, 1, {}]', "unknown event kind"),
        (b'["output", 0, 1, {"text": 5}]', "field 'text' must be a string"),
        (b'["exited", 0, 1, {"exitcode": 0}]', "a worker may not send exited"),
        (b'["run_finished", 0, 1, {}]', "a worker may not send run_finished"),
        (b"[" * 100_000 + b"]" * 100_000, "RecursionError"),
    ],
)
def test_bad_worker_bytes_become_one_damaged_event_and_the_batch_goes_on(raw, why):
    batch = frame(4, 4, raw) + _worker(4, "output", 0, stream="stdout", text="hi")
    damaged, good = decode_batch(batch)
    assert damaged.kind is EventKind.EVENT_DAMAGED and damaged.lane == 4
    assert damaged.sender == SESSION_ID and damaged.seq == -1
    assert why in damaged.data.error  # type: ignore[union-attr]
    assert damaged.data.size == len(raw)  # type: ignore[union-attr]
    assert good.kind is EventKind.OUTPUT and good.data.text == "hi"  # type: ignore[union-attr]


class _Trap:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # what a hostile worker would send
        return (Path.touch, (self.marker,))


def test_a_pickle_from_a_worker_is_never_unpickled(tmp_path):
    marker = tmp_path / "ran"
    raw = pickle.dumps(("output", 0, 1, _Trap(marker)))
    [event] = decode_batch(frame(2, 2, raw))
    assert event.kind is EventKind.EVENT_DAMAGED
    assert not marker.exists()


def test_a_truncated_batch_reports_what_is_missing():
    good = _worker(1, "output", 0, stream="stdout", text="a")
    events = decode_batch(good + HEADER.pack(1, 1, 500) + b"short")
    assert [e.kind for e in events] == [EventKind.OUTPUT, EventKind.EVENT_DAMAGED]
    assert "longer than its batch" in events[1].data.error  # type: ignore[union-attr]


# --- the model: lanes born from events ----------------------------------------------


class Feed:
    """Events as senders number them: the conductor (MAIN_ID) and each worker."""

    def __init__(self, model: RunModel) -> None:
        self.model = model
        self.seq: dict[int, int] = {}

    def send(self, sender: int, ms: int, kind: str, lane: int, /, **data) -> set[int]:
        seq = self.seq.get(sender, 0)
        self.seq[sender] = seq + 1
        event = Event.make(
            EventKind(kind), lane, data, sender=sender, seq=seq, t_ns=ms * MS
        )
        return self.model.apply([event])


def test_a_model_without_a_scenario_grows_lanes_from_events():
    model = RunModel()
    feed = Feed(model)
    feed.send(0, 0, "run_started", 0, pid=10, title="nested", cpu_count=2)
    feed.send(0, 1, "lane_added", 1, name="parent", kind="process", parent=0)
    feed.send(0, 2, "start_called", 1, caller=0)
    feed.send(1, 40, "booted", 1, pid=11, ppid=10)
    feed.send(1, 41, "target_started", 1, target="custom")
    # the worker announces and starts a child of its own (later: a traced program)
    feed.send(0, 50, "lane_added", 7, name="child", kind="process", parent=1)
    changed = feed.send(0, 51, "start_called", 7, caller=1)
    assert changed == {7, 1}  # the child, and the lane that called start()
    for task in range(3):
        feed.send(1, 60 + 10 * task, "task_started", 1, task_id=task, label="f")
        if task < 2:
            feed.send(1, 65 + 10 * task, "task_ended", 1, task_id=task, outcome="ok")
    feed.send(0, 100, "run_finished", 0)

    assert model.info.title == "nested" and model.info.cpu_count == 2
    parent, child = model.lanes[1], model.lanes[7]
    assert (child.name, child.parent, child.kind) == ("child", 1, "process")
    assert child.state is State.STARTING
    assert "start(child)" in [m.label for m in parent.markers]
    assert [(t.task_id, t.outcome) for t in parent.tasks] == [
        (0, "ok"),
        (1, "ok"),
        (2, "cut"),  # still running when the run ended
    ]
    assert parent.tasks[0].start == pytest.approx(0.060)
    assert parent.tasks[0].end == pytest.approx(0.065)
    assert model.events_missing() == 0 and not parent.problems


def test_a_gap_in_any_senders_numbering_is_reported_on_that_sender():
    model = RunModel()
    feed = Feed(model)
    feed.send(0, 0, "run_started", 0, pid=10)
    feed.send(0, 1, "lane_added", 1, name="w")
    feed.seq[0] += 2  # two conductor events lost
    feed.send(0, 5, "start_called", 1)
    assert model.main.missing == 2 and model.lanes[1].missing == 0
    assert "2 event(s) missing before #4" in model.main.problems


def test_events_for_a_lane_never_announced_still_show():
    model = RunModel()
    feed = Feed(model)
    feed.send(0, 0, "run_started", 0, pid=10)
    feed.send(5, 3, "output", 5, stream="stdout", text="who am I?")
    lane = model.lanes[5]
    assert lane.output[0].text == "who am I?"
    assert "never announced" in lane.problems[0]


# --- recordings ----------------------------------------------------------------------


def test_a_version_1_recording_opens_as_it_ran():
    """Saved by Procession before lanes were born from events (lesson 9)."""
    path = DATA / "recording-v1-lesson9.json"
    assert json.loads(path.read_text())["version"] == 1
    model = recording.load(path)
    outcomes = {
        lane.name: (lane.outcome, lane.exitcode) for lane in model.worker_lanes()
    }
    assert outcomes == {
        "returns": (Outcome.OK, 0),
        "raises": (Outcome.ERROR, 1),
        "exits-3": (Outcome.EXIT, 3),
        "terminated": (Outcome.TERMINATED, -15),
        "killed": (Outcome.KILLED, -9),
        "segfaults": (Outcome.CRASHED, -11),
    }
    assert model.info.title == "Exit codes explained"
    segfaults = next(lane for lane in model.worker_lanes() if lane.name == "segfaults")
    fd_lines = [line.text for line in segfaults.output if line.stream == "fd"]
    assert "Fatal Python error: Segmentation fault" in fd_lines
    assert model.events_missing() == 0
    assert all(not lane.problems for lane in model.lanes.values())
    # and it saves again as version 2, which reopens the same
    again = recording.from_data(json.loads(json.dumps(recording.to_data(model))))
    assert recording.to_data(again)["version"] == 2
    assert [(lane.name, lane.outcome) for lane in again.worker_lanes()] == [
        (lane.name, lane.outcome) for lane in model.worker_lanes()
    ]
