"""Input refused at the door with a 4xx page, never a 5xx: body size, NUL bytes, ids out of
range, corrupt or explosive imports."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import parse_qs, urlsplit

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from item_bank.formats import qti
from tests.admin_bank.conftest import csrf


def _token(platform, user="3"):
    page = platform.browser().launch(user=user, resource_link=platform.first_link())
    return parse_qs(urlsplit(page.url).query)["lt"][0]


# -- size -----------------------------------------------------------------------------------
def test_a_large_anonymous_post_is_refused_unread(client):
    resp = client.post(
        "/lti/launch?lang=en", data={"id_token": "x" * (2 * 1024 * 1024), "state": "s"}
    )
    assert resp.status_code == 413 and "Too much data sent" in resp.text


def test_the_bank_import_keeps_its_larger_limit(admin_client, bank):
    page = admin_client.get("/admin/bank/import")
    upload = FileStorage(io.BytesIO(b"// not an item\n" * (2 * 1024 * 1024 // 15)), "big.txt")
    # Encoded in memory: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart({"csrf_token": csrf(page.text), "file": upload})
    resp = admin_client.post(
        "/admin/bank/import?lang=en",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert resp.status_code == 422  # read and refused for its content, not for its size


# -- NUL bytes ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "/lti/login?iss=https%3A%2F%2Fm.example%00&login_hint=1", None),
        ("post", "/lti/login", {"iss": "https://m.example\x00", "login_hint": "1"}),
        ("post", "/lti/login", {"iss": "https://m.example", "client_id": "a\x00b"}),
        ("post", "/lti/launch", {"id_token": "a.b.c", "state": "\x00"}),
        ("get", "/quiz/%00", None),
        ("get", "/admin/bank/items/T01%00", None),
        ("post", "/admin/login", {"username": "ada\x00", "password": "x"}),
    ],
)
def test_nul_bytes_are_refused_before_any_view(client, method, path, data):
    resp = getattr(client, method)(path, data=data)
    assert resp.status_code == 400 and "nul_byte" in resp.text


# -- ids ------------------------------------------------------------------------------------
@pytest.mark.parametrize("attempt", ["99999999999", "2147483648", "-1", "00000000000000000001"])
def test_attempt_ids_out_of_range_are_404_with_a_launch_token(platform, bank, attempt):
    token = _token(platform)
    resp = platform.app.test_client().get(f"/quiz/{attempt}?lt={token}")
    assert resp.status_code == 404


@pytest.mark.parametrize(
    "path", ["/admin/platforms/99999999999", "/admin/bank/calibration/2147483648/status"]
)
def test_admin_ids_out_of_range_are_404(admin_client, path):
    assert admin_client.get(path).status_code == 404


# -- imports --------------------------------------------------------------------------------
def _upload(admin_client, body: bytes, name: str):
    page = admin_client.get("/admin/bank/import")
    return admin_client.post(
        "/admin/bank/import?lang=en",
        data={"csrf_token": csrf(page.text), "file": (io.BytesIO(body), name)},
        content_type="multipart/form-data",
    )


def _corrupt_zip(admin_client) -> bytes:
    good = admin_client.get("/admin/bank/export?format=qti&topic=T01&language=fr").data
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        info = archive.getinfo(qti.MANIFEST)
    data = bytearray(good)
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 10
    data[start : start + 40] = b"\xff" * 40  # the compressed manifest, garbled
    return bytes(data)


def _repeated_href_zip() -> bytes:
    item = b'<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0"/>'
    resources = "".join(
        f'<resource identifier="r{n}" type="imsqti_item_xmlv3p0" href="i.xml"/>'
        for n in range(3000)
    )
    manifest = (
        '<manifest xmlns="http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1">'
        f"<resources>{resources}</resources></manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(qti.MANIFEST, manifest)
        archive.writestr("i.xml", item)
    return buffer.getvalue()


YAML_BOMB = (
    "topic: T01\nlanguage: fr\n"
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "items: [*c]\n"
)


@pytest.mark.parametrize(
    ("make", "name", "words"),
    [
        (lambda c: b"PK\x03\x04" + b"\x00" * 200, "bad.zip", "zip"),
        (_corrupt_zip, "corrupt.zip", "imsmanifest.xml"),
        (lambda c: _repeated_href_zip(), "bomb.zip", "listed twice"),
        (lambda c: b"[" * 200_000 + b"]" * 200_000, "deep.json", "nested too deeply"),
        (lambda c: b'{"items": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "deep2.json", "nested"),
        (lambda c: b"<quiz>" + b"<a>" * 50_000 + b"</a>" * 50_000 + b"</quiz>", "d.xml", ""),
        (lambda c: YAML_BOMB.encode(), "bomb.yaml", "aliases"),
    ],
    ids=[
        "not-a-zip",
        "corrupt-member",
        "repeated-member",
        "deep-json",
        "deep-json-items",
        "deep-xml",
        "yaml-aliases",
    ],
)
def test_corrupt_or_explosive_imports_get_a_4xx_page(admin_client, bank, make, name, words):
    resp = _upload(admin_client, make(admin_client), name)
    assert resp.status_code == 422, resp.text[-1500:]
    assert "Nothing was imported" in resp.text and words in resp.text


def test_a_package_may_not_expand_past_its_cap(admin_client, bank, monkeypatch):
    package = admin_client.get("/admin/bank/export?format=qti&topic=T01").data
    assert _upload(admin_client, package, "ok.zip").status_code == 200
    monkeypatch.setattr(qti, "MAX_EXPANDED_BYTES", len(package))
    resp = _upload(admin_client, package, "big.zip")
    assert resp.status_code == 422 and "expands to too much data" in resp.text
