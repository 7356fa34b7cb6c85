"""Password hashing (argon2id) and the password policy: length and common-password checks."""

import gzip
import re
from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_LENGTH = 12
MAX_LENGTH = 128


@cache
def _hasher(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def hasher() -> PasswordHasher:
    config = current_app.config
    return _hasher(config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST_KIB"], config["ARGON2_PARALLELISM"])


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    try:
        return hasher().check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


@cache
def _dummy_hash(time_cost: int, memory_cost: int, parallelism: int) -> str:
    return _hasher(time_cost, memory_cost, parallelism).hash("not a real password, only spends time")


def spend_verify_time(password: str) -> None:
    """Verify against a dummy hash so an unknown email takes as long as a wrong password."""
    config = current_app.config
    verify_password(
        _dummy_hash(
            config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST_KIB"], config["ARGON2_PARALLELISM"]
        ),
        password,
    )


@cache
def common_passwords() -> frozenset[str]:
    data = resources.files("clinic.auth").joinpath("passwords_common.txt.gz").read_bytes()
    lines = gzip.decompress(data).decode("utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _core(text: str) -> str:
    """Lower-case letters only: 'Knotwork Clinic 2026!' -> 'knotworkclinic'."""
    return re.sub(r"[^a-z]", "", text.lower())


def password_problem(password: str, context_words: tuple[str, ...] = ()) -> str | None:
    """Why a new password is refused, or None. No composition rules (NIST SP 800-63B).

    Refused: shorter than 12 or longer than 128 characters, a common password (also with digits
    or symbols added), or a password built from the user's own email, name or clinic name.
    """
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters. A few unrelated words make a good password."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    lowered = password.lower()
    core = _core(password)
    common = common_passwords()
    if lowered in common or lowered.strip() in common or (len(core) >= 4 and core in common):
        return "This password is too common. Choose something less predictable."
    for word in context_words:
        word_core = _core(word)
        if len(word_core) >= 4 and (core == word_core or core in word_core or word_core in core):
            if len(core) - len(word_core) < 8:
                return "This password is too close to your name, email or clinic. Choose something else."
    return None
