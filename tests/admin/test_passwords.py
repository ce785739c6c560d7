"""The admin password policy, on the command line and in the policy itself."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from lti_tool.admin.accounts.passwords import common_passwords, problems


@pytest.mark.parametrize(
    "password",
    [
        "aaaaaaaaaaaa",
        "abcabcabcabc",
        "password1234",
        "Password2024!",
        "!!sunshine!!2025",
        "iloveyou12345",
        "short",
        "ada-lovelace-1815",
        "x" * 300,
    ],
)
def test_weak_passwords_are_refused(tool, password):
    with tool.test_request_context(), force_locale("en"):
        assert problems(password, "ada-lovelace")


@pytest.mark.parametrize(
    "password", ["correct horse battery staple", "une boussole pour la classe", "Vq7#mZ2!pL9x"]
)
def test_good_passwords_are_accepted(tool, password):
    with tool.test_request_context():
        assert problems(password, "ada") == []


def test_the_common_list_is_vendored_and_large():
    words = common_passwords()
    assert len(words) > 19000 and "123456" in words and "password" in words


@pytest.mark.parametrize(
    ("password", "words"),
    [
        ("aaaaaaaaaaaa", "repeats too few"),
        ("qwertyuiop123", "most common"),
        ("ada-is-the-admin", "account name"),
        ("elevenchars", "at least 12"),
    ],
)
@pytest.mark.parametrize("command", ["create-user", "set-password"])
def test_the_command_line_refuses_weak_passwords(runner, command, password, words):
    if command == "set-password":
        made = runner.invoke(args=["admin", "create-user", "ada", "--password", "a good long pass"])
        assert made.exit_code == 0, made.output
    result = runner.invoke(args=["admin", command, "ada", "--password", password])
    assert result.exit_code == 2 and words in result.output


def test_set_password_needs_an_existing_account(runner):
    result = runner.invoke(args=["admin", "set-password", "nobody", "--password", "x" * 20])
    assert result.exit_code == 1 and "no admin named nobody" in result.output
