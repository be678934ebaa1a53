"""Search: a page of results, and the status of each issue among them in one more request."""

from __future__ import annotations

import respx

from bot.actions.search import PAGE, search_issues
from bot.redmine import Redmine

URL = "http://redmine.test"


def result(id_: int, kind: str) -> dict[str, object]:
    return {"id": id_, "title": f"{kind} {id_}", "type": kind, "url": f"{URL}/x/{id_}"}


@respx.mock
async def test_the_statuses_of_the_issues_found_come_with_the_page(redmine: Redmine) -> None:
    searched = respx.get(f"{URL}/search.json").respond(
        200,
        json={"results": [result(3, "issue"), result(4, "issue-closed")], "total_count": 14},
    )
    listed = respx.get(f"{URL}/issues.json").respond(
        200,
        json={
            "issues": [
                {
                    "id": 4,
                    "project": {"id": 1, "name": "Alpha"},
                    "subject": "Four",
                    "status": {"id": 5, "name": "Closed"},
                }
            ],
            "total_count": 1,
        },
    )
    page = await search_issues(redmine, "printer", offset=10)
    asked = searched.calls.last.request.url.params
    assert (asked["q"], asked["offset"], asked["limit"], asked["issues"]) == (
        "printer",
        "10",
        str(PAGE),
        "1",
    )
    wanted = listed.calls.last.request.url.params
    assert (wanted["issue_id"], wanted["status_id"]) == ("3,4", "*")
    assert (page.query, page.offset, page.total) == ("printer", 10, 14)
    assert [r.id for r in page.results] == [3, 4]
    assert page.statuses == {4: "Closed"}  # #3 was not visible in the list: no status shown


@respx.mock
async def test_nothing_found_makes_no_second_request(redmine: Redmine) -> None:
    respx.get(f"{URL}/search.json").respond(200, json={"results": [], "total_count": 0})
    page = await search_issues(redmine, "nothing")
    assert (page.results, page.statuses, page.total) == ([], {}, 0)
    assert len(respx.calls) == 1
