"""Roles and what each may do (CONTRACT §5): a trainer reviews and sees nothing of borrowers'
accounts or cases, an agent works cases, a supervisor may do everything."""
import pytest

from bot.auth.roles import DEFAULT_ROLE, PERMISSIONS, Permission, Role


def test_what_each_role_may_do():
    assert {role: {p.value for p in PERMISSIONS[role]} for role in Role} == {
        Role.AGENT: {"work_cases"},
        Role.TRAINER: {"review"},
        Role.SUPERVISOR: {"work_cases", "read_any_borrower", "review", "kpis"},
    }
    assert Role.SUPERVISOR.may(Permission.KPIS) and not Role.AGENT.may(Permission.KPIS)
    assert not Role.TRAINER.may(Permission.WORK_CASES)
    assert not Role.AGENT.may(Permission.READ_ANY_BORROWER)


def test_a_role_is_named_exactly():
    assert DEFAULT_ROLE is Role.AGENT
    assert Role.named("trainer") is Role.TRAINER
    for word in ("admin", "Agent", "", " supervisor"):
        with pytest.raises(ValueError, match="a role is agent, trainer, supervisor"):
            Role.named(word)
