"""Every admin bank/ops page needs a signed-in admin: anonymous GETs go to the sign-in page,
anonymous POSTs are refused, and a learner's launch token opens nothing."""

from __future__ import annotations

from tests.admin_bank.conftest import csrf

GETS = [
    "/admin/bank/",
    "/admin/bank/?topic=T01&q=x",
    "/admin/bank/items/T01-001",
    "/admin/bank/import",
    "/admin/bank/export",
    "/admin/bank/export?format=json",
    "/admin/bank/calibration",
    "/admin/bank/calibration/1",
    "/admin/bank/calibration/1/status",
    "/admin/ops/",
    "/admin/ops/outbox",
    "/admin/ops/privacy",
]
POSTS = [
    "/admin/bank/items/T01-001/review",
    "/admin/bank/import",
    "/admin/bank/calibration",
    "/admin/bank/calibration/1/apply",
    "/admin/ops/outbox/1/resend",
    "/admin/ops/outbox/resend-failed",
    "/admin/ops/privacy/learner",
    "/admin/ops/privacy/export",
    "/admin/ops/privacy/erase",
]


def test_every_route_of_the_two_blueprints_is_covered(tool):
    adapter = tool.url_map.bind("localhost")
    seen = set()
    for path in GETS:
        seen.add(adapter.match(path.split("?")[0], method="GET")[0])
    for path in POSTS:
        seen.add(adapter.match(path, method="POST")[0])
    ours = {
        rule.endpoint
        for rule in tool.url_map.iter_rules()
        if rule.endpoint.startswith(("admin_bank.", "admin_ops."))
    }
    assert ours == seen


def test_anonymous_gets_a_403_page_with_the_sign_in_form(client):
    for path in GETS:
        resp = client.get(path)
        assert resp.status_code == 403, path
        assert 'name="password"' in resp.text, path
        assert "/admin/login?next=" in resp.text, path


def test_anonymous_posts_are_forbidden_even_with_a_csrf_token(client):
    token = csrf(client.get("/admin/login").text)
    for path in POSTS:
        resp = client.post(path, data={"csrf_token": token, "platform": "1", "subject": "3"})
        assert resp.status_code == 403, path
        # Without the token, the CSRF check refuses them first.
        assert client.post(path).status_code == 400, path


def test_a_learner_launch_token_opens_none_of_them(platform, bank):
    page = platform.browser().launch(user="3", resource_link=platform.first_link())
    assert page.status_code == 200
    token = page.url.split("lt=")[1].split("&")[0]
    client = platform.app.test_client()
    for path in GETS:
        joiner = "&" if "?" in path else "?"
        resp = client.get(f"{path}{joiner}lt={token}")
        assert resp.status_code == 403, path
    csrf_token = csrf(client.get("/admin/login").text)
    for path in POSTS:
        resp = client.post(path, data={"lt": token, "csrf_token": csrf_token})
        assert resp.status_code == 403, path
        resp = client.post(f"{path}?lt={token}", data={"csrf_token": csrf_token})
        assert resp.status_code == 403, path
