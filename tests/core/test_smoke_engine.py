from core.model.outcomes import Outcome
from tests.helpers import run


def test_two_sleepers_end_ok_under_fork():
    model = run(
        {
            "start_method": "fork",
            "workers": [
                {"name": "s", "target": "sleep", "count": 2, "args": {"seconds": 0.2}}
            ],
        }
    )
    assert [lane.outcome for lane in model.worker_lanes()] == [Outcome.OK, Outcome.OK]
    assert [lane.exitcode for lane in model.worker_lanes()] == [0, 0]
