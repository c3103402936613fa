"""The sample council's queue: something for every state to show, nothing serious enough to sit above a new report,
no figure changed, and gone with the sample."""

from analytics import clock
from analytics.sample import demo
from analytics.support.requests import ACKNOWLEDGED, IN_PROGRESS, NEW, OVERDUE, queue, queue_counts


def test_the_sample_queue_has_each_state_and_an_overdue_report(built_by):
    con = built_by(demo.load_sample)
    assert queue_counts(con, clock.now()) == {NEW: 2, ACKNOWLEDGED: 1, IN_PROGRESS: 2, OVERDUE: 1}
    frame, total = queue(con, clock.now())  # the in-progress high one: from an own risk assessment
    assert total == 5 and set(frame.loc[frame["state"] == NEW, "threat"]) <= {"low", "medium"}
    reported = con.execute("SELECT count(*) FROM requests r JOIN incidents USING (incident_key)").fetchone()[0]
    assert reported == 3  # about incidents already in the log: no new incident


def test_removing_the_sample_removes_its_queue(built_by):
    con = built_by(demo.load_sample)
    demo.remove_sample(con)
    assert con.execute("SELECT count(*) FROM requests").fetchone()[0] == 0
