"""The LMS stand-in's memory: users, tools, resource links, line items, scores.

It behaves like Moodle 4.5 where a tool can tell (see ``moodle_claims/README.md``).
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

LEARNER_ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR_ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
ADMIN_ROLES = [
    "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator",
    INSTRUCTOR_ROLE,
    "http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator",
]


@dataclass
class User:
    id: str
    name: str
    given_name: str
    family_name: str
    email: str
    roles: list[str]
    username: str


@dataclass
class ToolRegistration:
    client_id: str
    deployment_id: str
    login_url: str
    redirect_uris: list[str]
    target_link_uri: str
    jwks_url: str
    name: str = "Boussole"
    active: bool = True
    scopes: list[str] = field(default_factory=list)


@dataclass
class ResourceLink:
    id: str
    title: str
    client_id: str
    custom: dict[str, str] = field(default_factory=dict)
    lineitem_id: str | None = None
    target_link_uri: str | None = None


@dataclass
class LineItem:
    id: str
    label: str
    score_maximum: float
    resource_link_id: str | None = None
    resource_id: str | None = None
    tag: str | None = None


@dataclass
class ScorePost:
    lineitem_id: str
    body: dict[str, Any]


class LmsState:
    """Thread-safe memory of the stand-in LMS (the demo server and the tests are threaded)."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.users: dict[str, User] = {
            "2": User("2", "Ada Admin", "Ada", "Admin", "admin@example.com", ADMIN_ROLES, "admin"),
            "3": User(
                "3",
                "Sam Student",
                "Sam",
                "Student",
                "student1@example.com",
                [LEARNER_ROLE],
                "student1",
            ),
            "4": User(
                "4",
                "Tess Teacher",
                "Tess",
                "Teacher",
                "teacher1@example.com",
                [INSTRUCTOR_ROLE],
                "teacher1",
            ),
            "5": User(
                "5", "Léa Élève", "Léa", "Élève", "student2@example.com", [LEARNER_ROLE], "student2"
            ),
        }
        self.tools: dict[str, ToolRegistration] = {}
        self.resource_links: dict[str, ResourceLink] = {}
        self.lineitems: dict[str, LineItem] = {}
        #: Every score the platform accepted, in order (what a test checks).
        self.scores: list[ScorePost] = []
        #: The latest timestamp per (line item, user): Moodle refuses older or equal ones with 409.
        self.last_timestamp: dict[tuple[str, str], str] = {}
        #: The gradebook: only FullyGraded scores land here, rescaled to the grade item.
        self.grades: dict[tuple[str, str], float] = {}
        #: Faults to inject into the score endpoint, consumed one per request: "500", "timeout"
        #: (no answer in time), "drop" (the connection is closed without an answer),
        #: "lost_response" (the score is kept but the answer comes too late).
        self.score_faults: deque[str] = deque()
        #: How long "timeout" and "lost_response" faults hold the request (seconds).
        self.fault_delay = 3.0
        self.deep_link_results: list[dict[str, Any]] = []
        self.registrations: list[dict[str, Any]] = []
        self.message_hints: dict[str, dict[str, Any]] = {}
        self.access_tokens_issued = 0
        self.jwks_fetches = 0
        self._next_id = 10

    def new_id(self) -> str:
        with self.lock:
            self._next_id += 1
            return str(self._next_id)

    def add_resource_link(
        self,
        title: str,
        client_id: str,
        custom: dict[str, str] | None = None,
        with_lineitem: bool = True,
        score_maximum: float = 100.0,
    ) -> ResourceLink:
        with self.lock:
            link = ResourceLink(self.new_id(), title, client_id, dict(custom or {}))
            if with_lineitem:
                item = LineItem(self.new_id(), title, score_maximum, resource_link_id=link.id)
                self.lineitems[item.id] = item
                link.lineitem_id = item.id
            self.resource_links[link.id] = link
            return link
