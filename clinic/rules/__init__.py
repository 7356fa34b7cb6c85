"""Pure clinical and scheduling decisions: standard library only, no database, no clock.

Screening (vocabulary, policy, screening, alerts, decisions, reasons, sides, muscles), frequency and
recall (frequency, recall, follow_ups), scheduling and messages (scheduling, messaging, online_booking,
checkin), and data in (search, import_files, client_import). tests/rules/test_rules_are_pure.py holds
them to it; the features call them with plain values.
"""
