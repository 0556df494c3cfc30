"""One password policy for every way a password is set: the operator's CLI and accepting an invitation."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from core.accounts.models import User
from core.accounts.passwords import MAX_LENGTH, check_password_policy, common_passwords
from core.accounts.seed import seed_demo_accounts
from core.errors import DomainError
from core.tenancy import current_session
from tests.helpers import PASSWORD, Api


@pytest.mark.parametrize(
    "password",
    ["a", "kort-fras", "x" * (MAX_LENGTH + 1), "aaaaaaaaaaaaaaaa", "Kalle.Anka@example.se", "kalle.anka",
     "Password1234", "lösenord1234", "qwertyuiopasdfgh"],
)  # fmt: skip
def test_weak_passwords_are_refused_naming_the_field(password: str) -> None:
    with pytest.raises(DomainError) as refused:
        check_password_policy(password, email="kalle.anka@example.se", field="password")
    assert refused.value.status == 422 and list(refused.value.errors) == ["password"]


@pytest.mark.parametrize("password", [PASSWORD, "tre ord och en till", "x" * 11 + "y", "ö" * 255 + "å"])
def test_passphrases_are_welcome(password: str) -> None:
    check_password_policy(password, email="kalle.anka@example.se")


def test_the_shipped_list_holds_only_passwords_the_length_rule_lets_through() -> None:
    assert len(common_passwords()) >= 500
    assert all(len(password) >= 12 and password == password.casefold() for password in common_passwords())


def test_users_create_refuses_a_weak_password(app: Flask) -> None:
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["users", "create", "ny@alfa.test", "--password", "a"])
    assert refused.exit_code != 0 and "minst 12 tecken" in refused.output
    created = runner.invoke(args=["users", "create", "ny@alfa.test", "--password", PASSWORD])
    assert created.exit_code == 0, created.output
    with app.app_context():
        assert current_session().scalar(select(User.email)) == "ny@alfa.test"


def test_the_demo_password_is_the_one_exception(api: Api, app: Flask) -> None:
    api.onboard("alfa")
    with app.app_context():
        seed_demo_accounts(["alfa"], "demo")
    assert api.token("admin@alfa.demo.est", "demo")
