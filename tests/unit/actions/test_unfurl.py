from __future__ import annotations

from bot.actions.unfurl import MAX_UNFURLS, issue_links


def test_issue_links_on_this_redmine_only() -> None:
    base = "https://tracker.example.com/redmine"
    urls = [
        f"{base}/issues/12",
        f"{base}/issues/13/",
        f"{base}/issues/14?tab=notes#note-3",
        "https://TRACKER.example.com/redmine/issues/15",
        f"{base}/issues/16/edit",
        f"{base}/issues/new",
        f"{base}/projects/alpha/issues",
        "https://tracker.example.com/issues/17",  # outside the Redmine's path
        "http://tracker.example.com/redmine/issues/18",  # other scheme
        "https://tracker.example.com.evil.example/redmine/issues/19",
    ]
    assert issue_links(urls, base) == {
        f"{base}/issues/12": 12,
        f"{base}/issues/13/": 13,
        f"{base}/issues/14?tab=notes#note-3": 14,
        "https://TRACKER.example.com/redmine/issues/15": 15,
    }


def test_no_more_links_than_slack_unfurls() -> None:
    urls = [f"https://r.example/issues/{n}" for n in range(1, 10)]
    assert list(issue_links(urls, "https://r.example").values()) == list(range(1, MAX_UNFURLS + 1))
