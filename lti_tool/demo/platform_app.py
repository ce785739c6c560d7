"""The stand-in LMS as a WSGI app: course page, OIDC auth, JWKS, token, AGS, NRPS, deep linking,
Dynamic Registration. Strict where Moodle 4.5 is strict; used by the demo and by the tests.
"""

from __future__ import annotations

import json
import secrets
import socket
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import jwt
from flask import Flask, abort, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from lti_tool.demo.lms_state import LineItem, LmsState, ToolRegistration
from lti_tool.demo.platform_conf import (
    PlatformConf,
    PlatformSettings,
    launch_claims,
    moodle_claims,
)

SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
LINEITEM_TYPE = "application/vnd.ims.lis.v2.lineitem+json"
LINEITEMS_TYPE = "application/vnd.ims.lis.v2.lineitemcontainer+json"
REGISTRATION_TOKEN = "moodle-registration-token"  # noqa: S105 - the demo LMS's fixed token


class StandInLms:
    """One stand-in Moodle site. ``app`` is its WSGI application."""

    def __init__(self, settings: PlatformSettings, state: LmsState | None = None) -> None:
        self.settings = settings
        self.state = state or LmsState()
        self.on_score_fault: Callable[[str], None] | None = None
        self.app = self._create_app()

    # -- helpers ------------------------------------------------------------------------------
    def conf(self, tool: ToolRegistration) -> PlatformConf:
        return PlatformConf(settings=self.settings, tool=tool)

    def add_tool(self, tool: ToolRegistration) -> ToolRegistration:
        with self.state.lock:
            self.state.tools[tool.client_id] = tool
        return tool

    def jwks(self) -> dict[str, Any]:
        from lti1p3platform.registration import Registration

        return {"keys": [Registration.get_jwk(self.settings.public_key_pem)]}

    def _tool(self, client_id: str | None) -> ToolRegistration:
        tool = self.state.tools.get(client_id or "")
        if tool is None or not tool.active:
            abort(400, "unknown or inactive client_id")
        return tool

    def _bearer(self, scope: str) -> dict[str, Any]:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            abort(401)
        token = header[7:]
        for tool in self.state.tools.values():
            try:
                claims = self.conf(tool).read_access_token(token)
            except jwt.InvalidTokenError:
                continue
            if scope not in str(claims.get("scopes", "")).split():
                abort(403)
            return claims
        abort(401)

    # -- the app ------------------------------------------------------------------------------
    def _create_app(self) -> Flask:  # noqa: C901 - a list of small routes
        app = Flask(__name__, template_folder="templates")
        app.config["SECRET_KEY"] = secrets.token_hex(16)
        lms = self

        @app.get("/")
        @app.get("/course/view.php")
        def course() -> str:
            with lms.state.lock:
                links = list(lms.state.resource_links.values())
                grades = dict(lms.state.grades)
                lineitems = dict(lms.state.lineitems)
            return render_template(
                "demo/course.html",
                links=links,
                users=lms.state.users,
                grades=grades,
                lineitems=lineitems,
                tools=list(lms.state.tools.values()),
            )

        @app.post("/launch")
        def start_launch() -> str:
            """The user clicks an activity: Moodle posts a login initiation to the tool."""
            user = lms.state.users.get(request.form.get("user", ""))
            if user is None:
                abort(400)
            link_id = request.form.get("resource_link")
            if link_id:
                link = lms.state.resource_links.get(link_id)
                if link is None:
                    abort(404)
                tool = lms._tool(link.client_id)
            else:
                tool = lms._tool(request.form.get("client_id") or next(iter(lms.state.tools), None))
            hint = secrets.token_urlsafe(12)
            lms.state.message_hints[hint] = {
                "user": user.id,
                "link": link_id,
                "client_id": tool.client_id,
                "locale": request.form.get("locale", "fr"),
            }
            params = {
                "iss": lms.settings.issuer,
                "target_link_uri": tool.target_link_uri,
                "login_hint": user.id,
                "lti_message_hint": hint,
                "client_id": tool.client_id,
                "lti_deployment_id": tool.deployment_id,
            }
            if request.form.get("storage"):
                # LTI platform storage offered (LTI Client Side postMessages).
                params["lti_storage_target"] = "_parent"
            return render_template("demo/autopost.html", action=tool.login_url, fields=params)

        @app.route("/mod/lti/auth.php", methods=["GET", "POST"])
        def auth() -> Any:
            p = request.values
            problems = []
            expected = {
                "scope": "openid",
                "response_type": "id_token",
                "response_mode": "form_post",
                "prompt": "none",
            }
            problems += [k for k, v in expected.items() if p.get(k) != v]
            tool = lms.state.tools.get(p.get("client_id", ""))
            if tool is None or not tool.active:
                problems.append("client_id")
            hint = lms.state.message_hints.pop(p.get("lti_message_hint", ""), None)
            if hint is None or tool is None or hint["client_id"] != tool.client_id:
                problems.append("lti_message_hint")
            if tool is not None and p.get("redirect_uri") not in tool.redirect_uris:
                problems.append("redirect_uri")  # exact match, as Moodle
            if hint is not None and p.get("login_hint") != hint["user"]:
                problems.append("login_hint")
            if not p.get("nonce") or not p.get("state"):
                problems.append("nonce/state")
            if problems or tool is None or hint is None:
                return jsonify({"error": "invalid_request", "problems": problems}), 400
            user = lms.state.users[hint["user"]]
            link = lms.state.resource_links.get(hint["link"]) if hint["link"] else None
            claims = launch_claims(
                lms.settings,
                lms.state,
                tool,
                user,
                p["nonce"],
                link,
                deep_link_return_url=lms.settings.url(
                    "/mod/lti/contentitem_return.php?course=2&id=1&sesskey=" + secrets.token_hex(5)
                ),
                locale=hint["locale"],
            )
            token = lms.conf(tool).sign_id_token(claims)
            return render_template(
                "demo/autopost.html",
                action=p["redirect_uri"],
                fields={"id_token": token, "state": p["state"]},
            )

        @app.get("/mod/lti/certs.php")
        def certs() -> Response:
            lms.state.jwks_fetches += 1
            return jsonify(lms.jwks())

        @app.post("/mod/lti/token.php")
        def token() -> Any:
            form = request.form.to_dict()
            assertion = form.get("client_assertion", "")
            try:
                unverified = jwt.decode(assertion, options={"verify_signature": False})
                tool = lms._tool(str(unverified.get("iss")))
                lms.conf(tool).verify_tool_jwt(
                    assertion, audience=lms.settings.url("/mod/lti/token.php")
                )
                result = lms.conf(tool).access_token(form)
            except (jwt.InvalidTokenError, KeyError, AssertionError, ValueError) as exc:
                return jsonify({"error": "invalid_client", "detail": type(exc).__name__}), 400
            except Exception as exc:  # noqa: BLE001 - lti1p3platform raises its own family
                return jsonify({"error": "invalid_request", "detail": type(exc).__name__}), 400
            lms.state.access_tokens_issued += 1
            return jsonify(result)

        @app.route("/mod/lti/services.php/<course>/lineitems", methods=["GET", "POST"])
        def lineitems(course: str) -> Any:
            if request.method == "GET":
                lms._bearer("https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly")
                items = [lms._lineitem_json(course, i) for i in lms.state.lineitems.values()]
                return Response(json.dumps(items), mimetype=LINEITEMS_TYPE)
            lms._bearer("https://purl.imsglobal.org/spec/lti-ags/scope/lineitem")
            data = request.get_json(force=True, silent=True) or {}
            if not data.get("label") or not data.get("scoreMaximum"):
                return jsonify({"error": "label and scoreMaximum are required"}), 400
            with lms.state.lock:
                item = LineItem(
                    lms.state.new_id(),
                    str(data["label"]),
                    float(data["scoreMaximum"]),
                    resource_link_id=data.get("resourceLinkId"),
                    resource_id=data.get("resourceId"),
                    tag=data.get("tag"),
                )
                lms.state.lineitems[item.id] = item
                link = lms.state.resource_links.get(item.resource_link_id or "")
                if link is not None and link.lineitem_id is None:
                    link.lineitem_id = item.id
            return Response(
                json.dumps(lms._lineitem_json(course, item)), status=201, mimetype=LINEITEM_TYPE
            )

        @app.get("/mod/lti/services.php/<course>/lineitems/<item_id>/lineitem")
        def lineitem(course: str, item_id: str) -> Any:
            lms._bearer("https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly")
            item = lms.state.lineitems.get(item_id) or abort(404)
            return Response(json.dumps(lms._lineitem_json(course, item)), mimetype=LINEITEM_TYPE)

        @app.post("/mod/lti/services.php/<course>/lineitems/<item_id>/lineitem/scores")
        def scores(course: str, item_id: str) -> Any:
            with lms.state.lock:
                fault = lms.state.score_faults.popleft() if lms.state.score_faults else None
            if fault == "500":
                return jsonify({"error": "injected"}), 500
            if fault == "timeout":
                time.sleep(lms.state.fault_delay)
                return jsonify({"error": "late"}), 504
            if fault == "drop":
                _drop_connection()
                return Response("", status=500)
            lms._bearer("https://purl.imsglobal.org/spec/lti-ags/scope/score")
            if request.args.get("type_id") is None:
                abort(404)
            if (request.mimetype or "") != SCORE_TYPE:
                return jsonify({"error": f"Content-Type must be {SCORE_TYPE}"}), 415
            item = lms.state.lineitems.get(item_id) or abort(404)
            body = request.get_json(force=True, silent=True) or {}
            missing = [
                k
                for k in ("userId", "timestamp", "activityProgress", "gradingProgress")
                if k not in body
            ]
            if missing:
                return jsonify({"error": "missing " + ",".join(missing)}), 400
            key = (item.id, str(body["userId"]))
            with lms.state.lock:
                stamp = _parse_ts(body["timestamp"])
                last = lms.state.last_timestamp.get(key)
                if last is not None and stamp <= _parse_ts(last):
                    return jsonify({"error": "timestamp not newer than the last one"}), 409
                lms.state.last_timestamp[key] = body["timestamp"]
                lms.state.scores.append(_score_post(item.id, body))
                if body["gradingProgress"] == "FullyGraded" and "scoreGiven" in body:
                    scaled = (
                        float(body["scoreGiven"]) / float(body["scoreMaximum"]) * item.score_maximum
                    )
                    lms.state.grades[key] = round(scaled, 5)
            if fault == "lost_response":
                # The score is kept, but the answer never reaches the tool in time.
                time.sleep(lms.state.fault_delay)
            return Response("", status=200)

        @app.get("/mod/lti/services.php/<course>/lineitems/<item_id>/lineitem/results")
        def results(course: str, item_id: str) -> Any:
            lms._bearer("https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly")
            item = lms.state.lineitems.get(item_id) or abort(404)
            out = [
                {"userId": uid, "resultScore": g, "resultMaximum": item.score_maximum}
                for (iid, uid), g in lms.state.grades.items()
                if iid == item.id
            ]
            return jsonify(out)

        @app.get("/mod/lti/services.php/CourseSection/<course>/bindings/1/memberships")
        def memberships(course: str) -> Any:
            lms._bearer("https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly")
            members = [
                {
                    "status": "Active",
                    "user_id": u.id,
                    "name": u.name,
                    "given_name": u.given_name,
                    "family_name": u.family_name,
                    "email": u.email,
                    "roles": u.roles,
                }
                for u in lms.state.users.values()
            ]
            body = {
                "id": request.url,
                "context": {"id": course, "label": "LTI101", "title": "LTI Lab Course"},
                "members": members,
            }
            return Response(
                json.dumps(body),
                mimetype="application/vnd.ims.lti-nrps.v2.membershipcontainer+json",
            )

        @app.post("/mod/lti/contentitem_return.php")
        def deep_link_return() -> Any:
            token = request.form.get("JWT", "")
            try:
                unverified = jwt.decode(token, options={"verify_signature": False})
                tool = lms._tool(str(unverified.get("iss")))
                conf = lms.conf(tool)
                claims = conf.verify_tool_jwt(token, audience=lms.settings.issuer)
                items = conf.validate_deeplinking_resp({"JWT": token})
            except Exception as exc:  # noqa: BLE001 - any failure is a refused response
                return jsonify(
                    {"error": "invalid deep linking response", "detail": type(exc).__name__}
                ), 400
            dl = "https://purl.imsglobal.org/spec/lti-dl/claim/"
            if (
                claims.get("https://purl.imsglobal.org/spec/lti/claim/deployment_id")
                != tool.deployment_id
            ):
                return jsonify({"error": "deployment_id"}), 400
            result = {
                "claims": claims,
                "items": items,
                "data": claims.get(dl + "data"),
                "links": [],
            }
            for item in items:
                if item.get("type") != "ltiResourceLink":
                    continue
                li = item.get("lineItem") or None
                link = lms.state.add_resource_link(
                    str(item.get("title") or "Boussole"),
                    tool.client_id,
                    custom={str(k): str(v) for k, v in (item.get("custom") or {}).items()},
                    with_lineitem=li is not None,
                    score_maximum=float((li or {}).get("scoreMaximum") or 100),
                )
                link.target_link_uri = item.get("url") or None
                if li is not None and link.lineitem_id:
                    stored = lms.state.lineitems[link.lineitem_id]
                    stored.label = str(li.get("label") or stored.label)
                    stored.resource_id = li.get("resourceId")
                    stored.tag = li.get("tag")
                result["links"].append(link.id)
            lms.state.deep_link_results.append(result)
            return redirect(url_for("course"))

        @app.get("/mod/lti/openid-configuration.php")
        def openid_configuration() -> Response:
            config = moodle_claims("moodle_openid_configuration.json")
            config.update(
                {
                    "issuer": lms.settings.issuer,
                    "token_endpoint": lms.settings.url("/mod/lti/token.php"),
                    "jwks_uri": lms.settings.url("/mod/lti/certs.php"),
                    "authorization_endpoint": lms.settings.url("/mod/lti/auth.php"),
                    "registration_endpoint": lms.settings.url("/mod/lti/openid-registration.php"),
                }
            )
            return jsonify(config)

        @app.post("/mod/lti/openid-registration.php")
        def openid_registration() -> Any:
            if request.headers.get("Authorization") != f"Bearer {REGISTRATION_TOKEN}":
                return jsonify({"error": "bad registration token"}), 401
            data = request.get_json(silent=True) or {}
            conf_key = "https://purl.imsglobal.org/spec/lti-tool-configuration"
            tool_conf = data.get(conf_key) or {}
            required = ("initiate_login_uri", "redirect_uris", "jwks_uri", "client_name")
            if any(not data.get(k) for k in required) or not tool_conf.get("target_link_uri"):
                return jsonify({"error": "invalid_client_metadata"}), 400
            if data.get("token_endpoint_auth_method") != "private_key_jwt":
                return jsonify({"error": "invalid_client_metadata"}), 400
            client_id = secrets.token_urlsafe(11)[:15]
            deployment_id = str(len(lms.state.registrations) + 2)
            tool = ToolRegistration(
                client_id=client_id,
                deployment_id=deployment_id,
                login_url=data["initiate_login_uri"],
                redirect_uris=list(data["redirect_uris"]),
                target_link_uri=tool_conf["target_link_uri"],
                jwks_url=data["jwks_uri"],
                name=data["client_name"],
                active=False,  # Moodle: pending until an admin activates the tool
                scopes=str(data.get("scope", "")).split(),
            )
            lms.add_tool(tool)
            answer = {
                "client_id": client_id,
                "response_types": ["id_token"],
                "jwks_uri": data["jwks_uri"],
                "initiate_login_uri": data["initiate_login_uri"],
                "grant_types": ["client_credentials", "implicit"],
                "redirect_uris": data["redirect_uris"],
                "application_type": "web",
                "token_endpoint_auth_method": "private_key_jwt",
                "client_name": data["client_name"],
                "logo_uri": data.get("logo_uri", ""),
                "scope": data.get("scope", ""),
                conf_key: {
                    "version": "1.3.0",
                    "deployment_id": deployment_id,
                    "target_link_uri": tool_conf["target_link_uri"],
                    "domain": tool_conf.get("domain", ""),
                    "description": tool_conf.get("description", ""),
                    "messages": tool_conf.get("messages", []),
                    "claims": tool_conf.get("claims", []),
                },
            }
            lms.state.registrations.append({"request": data, "response": answer})
            return jsonify(answer)

        @app.get("/admin/tool/register")
        def start_registration() -> Any:
            """What Moodle's "Add LTI Advantage" does: open the tool's registration URL."""
            tool_url = request.args.get("url", "")
            query = urlencode(
                {
                    "openid_configuration": lms.settings.url("/mod/lti/openid-configuration.php"),
                    "registration_token": REGISTRATION_TOKEN,
                }
            )
            return redirect(tool_url + ("&" if "?" in tool_url else "?") + query)

        return app

    def _lineitem_json(self, course: str, item: LineItem) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.settings.url(
                f"/mod/lti/services.php/{course}/lineitems/{item.id}/lineitem?type_id=1"
            ),
            "label": item.label,
            "scoreMaximum": item.score_maximum,
        }
        for key, value in (
            ("resourceLinkId", item.resource_link_id),
            ("resourceId", item.resource_id),
            ("tag", item.tag),
        ):
            if value:
                data[key] = value
        return data


def _drop_connection() -> None:
    """Close the client's connection without an answer (a crashed proxy, a network cut)."""
    sock = request.environ.get("werkzeug.socket")
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _parse_ts(value: str) -> datetime:
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _score_post(item_id: str, body: dict[str, Any]) -> Any:
    from lti_tool.demo.lms_state import ScorePost

    return ScorePost(item_id, dict(body))
