"""The sealed format: what seals opens, under its own key and field only, and nothing else opens."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic.encryption.keyring import EncryptionKeyError, Keyring, key_id_of, new_key_text, parse_keys

K1 = new_key_text("k1")
K2 = new_key_text("k2")


@given(st.text())
def test_any_text_opens_as_it_was_sealed(plain):
    ring = Keyring(parse_keys(K1))
    sealed = ring.seal("visit.subjective", plain)
    assert ring.open("visit.subjective", sealed) == plain
    if plain:
        assert key_id_of(sealed) == "k1" and (plain not in sealed or len(plain) < 3)


def test_two_seals_of_one_text_differ_and_empty_stays_empty():
    ring = Keyring(parse_keys(K1))
    assert ring.seal("visit.plan", "Weekly") != ring.seal("visit.plan", "Weekly")
    assert ring.seal("visit.plan", "") == ""


def test_a_value_opens_only_in_its_own_field_and_unaltered():
    ring = Keyring(parse_keys(K1))
    sealed = ring.seal("visit.subjective", "Stiff neck")
    with pytest.raises(EncryptionKeyError, match="does not open"):
        ring.open("addendum.text", sealed)
    tampered = sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1]
    with pytest.raises(EncryptionKeyError, match="does not open"):
        ring.open("visit.subjective", tampered)


def test_old_keys_open_and_the_first_key_seals():
    old = Keyring(parse_keys(K1)).seal("visit.notes", "before")
    ring = Keyring(parse_keys(f"{K2},{K1}"))
    assert ring.current == "k2" and ring.open("visit.notes", old) == "before"
    assert key_id_of(ring.seal("visit.notes", "after")) == "k2"
    with pytest.raises(EncryptionKeyError, match="'k1', which is not in ENCRYPTION_KEYS"):
        Keyring(parse_keys(K2)).open("visit.notes", old)


def test_plain_text_from_before_encryption_reads_as_it_is():
    assert Keyring(parse_keys(K1)).open("visit.notes", "written in 2025") == "written in 2025"
    assert Keyring({}).seal("visit.notes", "tests only") == "tests only"


@given(st.text(max_size=80))
def test_any_key_setting_parses_or_says_why(setting):
    try:
        keys = parse_keys(setting)
    except EncryptionKeyError as error:
        assert "ENCRYPTION_KEYS" in str(error)
    else:
        assert all(len(key) == 32 for key in keys.values())
